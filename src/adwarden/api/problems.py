"""RFC 9457 problem responses for every error the API returns."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from adwarden.domain import AdWardenError, InputError, PolicyError
from adwarden.ingest.schema import _field_path

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, *, instance: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            if loc and loc[0] == "body":
                loc = loc[1:]
            errors.append({"field": _field_path(loc), "message": str(err.get("msg", "")).removeprefix("Value error, ")})
        first = errors[0] if errors else {"field": "(body)", "message": "invalid request"}
        return problem(422, "Invalid input", f"{first['field']}: {first['message']}", instance=request.url.path,
                       errors=errors)

    @app.exception_handler(AdWardenError)
    async def _domain(request: Request, exc: AdWardenError) -> JSONResponse:
        extra: dict[str, Any] = {}
        if isinstance(exc, InputError):
            extra["errors"] = [{"field": exc.field or "(record)", "message": exc.message}]
        if isinstance(exc, PolicyError):
            extra["errors"] = exc.problems
        code = getattr(exc, "code", None)
        if code is not None:
            extra["code"] = code
        return problem(exc.http_status, exc.title, str(exc), instance=request.url.path, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), instance=request.url.path)
