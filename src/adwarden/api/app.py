"""The FastAPI app factory. Tests build it with their own settings; ``adwarden serve`` runs it under uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adwarden import __version__
from adwarden.api.hardening import Hardening
from adwarden.api.openapi_problems import document_problems
from adwarden.api.problems import install_problem_handlers, problem
from adwarden.audit.checkpoint import PeriodicCheckpoints
from adwarden.config import Settings
from adwarden.domain import Actor
from adwarden.domain.errors import ConfigError
from adwarden.legal.service import checkpoint_dir, signing_key
from adwarden.runtime import Runtime, build_runtime, warm_up

#: Route modules included by the factory (each exposes ``router``). Areas append theirs here.
ROUTE_MODULES = [
    "adwarden.api.routes.posts",
    "adwarden.api.routes.cases",
    "adwarden.api.routes.extract",
    "adwarden.api.routes.networks",
    "adwarden.api.routes.banks",
    "adwarden.api.routes.reports",
    "adwarden.api.routes.legal",
    "adwarden.api.routes.review_bulk",
    "adwarden.api.routes.platform",
    "adwarden.api.routes.webhooks",
    "adwarden.api.routes.metrics",
]


class _BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive()`` once the body passes the limit. An HTTPException, so FastAPI's body reader
    re-raises it (instead of turning it into a 400) and the problem handler answers 413."""


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with a 413 problem, whatever the framing.

    A declared Content-Length over the limit is refused before the app runs. Otherwise the bytes actually
    received are counted, so a chunked body (no Content-Length) cannot make the server buffer an unbounded
    request: the first ``receive()`` that passes the limit raises instead of handing the app more data.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _refusal(self, scope: Scope) -> ASGIApp:
        return problem(413, "Request too large", f"request body is over {self.limit} bytes",
                       instance=scope.get("path"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refusal(scope)(scope, receive, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            if received > self.limit:
                raise _BodyTooLarge(413, f"request body is over {self.limit} bytes")
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge(413, f"request body is over {self.limit} bytes")
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            # Normally the app's problem handler has answered already; this covers apps that let it escape.
            if started:
                raise
            await self._refusal(scope)(scope, receive, send)


def _start_checkpoints(runtime: Runtime) -> PeriodicCheckpoints | None:
    """Signed audit checkpoints at a fixed interval while the server runs (never under tests)."""
    s = runtime.settings
    if s.audit_checkpoint_seconds <= 0 or s.environment == "test":
        return None
    worker = PeriodicCheckpoints(runtime.db.read, signing_key(s), checkpoint_dir(s), s.audit_checkpoint_seconds)
    worker.start()
    return worker


def _refuse_unsafe_start(runtime: Runtime) -> None:
    """Production needs at least one API key (settings or stored), and the bank key banks were hashed with."""
    from datetime import UTC, datetime

    from adwarden.identities.keys import any_active_key
    from adwarden.identities.secrets_check import ensure_bank_key

    s = runtime.settings
    with runtime.db.transaction() as conn:
        ensure_bank_key(conn, s.bank_hmac_key.encode("utf-8"), actor=Actor.system())
        if s.environment == "production" and not s.api_keys and not any_active_key(conn, now=datetime.now(UTC)):
            raise ConfigError("production needs API keys: create one with `adwarden keys create`")


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the API around a runtime (database migrated, screener loaded)."""
    if runtime is None:
        runtime = build_runtime(settings or Settings())
    _refuse_unsafe_start(runtime)
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warm_up(runtime)  # before the first request, not during it
        checkpoints = _start_checkpoints(runtime)
        yield
        if checkpoints is not None:
            checkpoints.stop()
        batcher, runtime.batcher = runtime.batcher, None
        close = getattr(batcher, "close", None)
        if close is not None:
            close()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,  # served below from vendored assets: no CDN
        title="AdWarden",
        version=__version__,
        description="Screen posts for sex trafficking and child sexual exploitation; review, report, preserve.",
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    limit = runtime.settings.max_body_bytes * 2 + 64 * 1024  # JSON escaping can double the body's size
    app.add_middleware(BodySizeLimit, limit=limit)
    app.add_middleware(Hardening)  # outermost: its headers are on every answer, 413s included

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__, "database": runtime.db.backend}

    for name in ROUTE_MODULES:
        app.include_router(import_module(name).router)
    mount_console(app, runtime)
    document_problems(app)
    return app


def mount_console(app: FastAPI, runtime: Runtime) -> None:
    """The reviewer console at ``/console`` and the OpenAPI page at ``/docs``, both from packaged assets."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse, RedirectResponse

    from adwarden.actions.notify import wakeup_for
    from adwarden.console.app import create_console

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        assets = "/console/static/vendor/swagger-ui"
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="AdWarden API",
                                   swagger_js_url=f"{assets}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{assets}/swagger-ui.css",
                                   swagger_favicon_url="/console/static/favicon.svg")

    @app.get("/console", include_in_schema=False)
    def console_root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    app.mount("/console", create_console(runtime, notify=wakeup_for(app.state)))
