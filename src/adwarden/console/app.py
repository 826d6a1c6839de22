"""The console's ASGI app, mounted by the API factory at ``/console``.

A sub-application (not routes on the API app) so that its errors are HTML pages and its headers (CSP, no-store)
apply to every console response and to nothing of the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from adwarden.console.security import SecurityHeaders
from adwarden.console.web import csrf_guard, install_error_pages
from adwarden.runtime import Runtime

#: Route modules of the console, each exposing ``router``.
ROUTE_MODULES = [
    "adwarden.console.routes.auth",
    "adwarden.console.routes.queues",
    "adwarden.console.routes.case",
    "adwarden.console.routes.media",
    "adwarden.console.routes.networks",
    "adwarden.console.routes.reports",
    "adwarden.console.routes.legal",
    "adwarden.console.routes.banks",
    "adwarden.console.routes.policy",
    "adwarden.console.routes.dashboard",
    "adwarden.console.routes.audit",
]


def create_console(runtime: Runtime, *, notify: Callable[[], None] | None = None) -> FastAPI:
    """The console app for ``runtime``; every route runs behind the CSRF guard. ``notify`` wakes the host's
    webhook sender after a decision commits (the API passes its own wake-up)."""
    app = FastAPI(title="AdWarden console", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf_guard)])
    app.state.runtime = runtime
    app.state.notify = notify
    install_error_pages(app)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("adwarden.console", "static")]), name="static")
    for name in ROUTE_MODULES:
        app.include_router(import_module(name).router)
    return app
