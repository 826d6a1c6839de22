"""The FastAPI app factory. Tests build it with their own settings; ``adwarden serve`` runs it under uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import import_module

from fastapi import FastAPI, Request, Response

from adwarden import __version__
from adwarden.api.problems import install_problem_handlers, problem
from adwarden.config import Settings
from adwarden.runtime import Runtime, build_runtime

#: Route modules included by the factory (each exposes ``router``). Areas append theirs here.
ROUTE_MODULES = [
    "adwarden.api.routes.posts",
    "adwarden.api.routes.cases",
    "adwarden.api.routes.extract",
]

OPTIONAL_ROUTE_MODULES = [
    "adwarden.api.routes.networks",
    "adwarden.api.routes.reports",
    "adwarden.api.routes.legal",
    "adwarden.api.routes.banks",
]


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the API around a runtime (database migrated, screener loaded)."""
    if runtime is None:
        runtime = build_runtime(settings or Settings())
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        batcher = runtime.extras.pop("ingest_batcher", None)
        close = getattr(batcher, "close", None)
        if close is not None:
            close()

    app = FastAPI(
        lifespan=lifespan,
        title="AdWarden",
        version=__version__,
        description="Screen posts for sex trafficking and child sexual exploitation; review, report, preserve.",
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    limit = runtime.settings.max_body_bytes * 2 + 64 * 1024  # JSON escaping can double the body's size

    @app.middleware("http")
    async def _size_limit(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return problem(413, "Request too large", f"request body is over {limit} bytes",
                           instance=request.url.path)
        return await call_next(request)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__, "database": runtime.db.backend}

    for name in ROUTE_MODULES:
        app.include_router(import_module(name).router)
    for name in OPTIONAL_ROUTE_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        app.include_router(module.router)
    return app
