"""The console's ASGI app, mounted by the API factory at ``/console``.

A sub-application (not routes on the API app) so that its errors are HTML pages and its headers (CSP, no-store)
apply to every console response and to nothing of the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

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


class OwnRouter:
    """Resolve ``url_for`` names against the console's own routes.

    Starlette keeps the *outermost* router in ``scope["router"]``, so inside the mounted console a name the API
    also uses (``decide``) would resolve to the API's route. This resolves against the console's routes only,
    under its mount path.
    """

    def __init__(self, app: ASGIApp, *, router: Router, prefix: str) -> None:
        self.app = app
        self.router = Router(routes=[Mount(prefix, app=router)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["router"] = self.router
        await self.app(scope, receive, send)


def create_console(runtime: Runtime, *, notify: Callable[[], None] | None = None,
                   prefix: str = "/console") -> FastAPI:
    """The console app for ``runtime``, to be mounted at ``prefix``; every route runs behind the CSRF guard.
    ``notify`` wakes the host's webhook sender after a decision commits (the API passes its own wake-up)."""
    app = FastAPI(title="AdWarden console", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf_guard)])
    app.state.runtime = runtime
    app.state.notify = notify
    install_error_pages(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(OwnRouter, router=app.router, prefix=prefix)
    app.mount("/static", StaticFiles(packages=[("adwarden.console", "static")]), name="static")
    for name in ROUTE_MODULES:
        app.include_router(import_module(name).router)
    return app
