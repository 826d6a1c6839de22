"""RFC 9457 problem responses for every error the API returns.

Clients parse one error format, so nothing may fall through to Starlette's ``text/plain`` responses: expected
failures (:class:`AdWardenError`) keep their own status, a few well-known infrastructure exceptions get a
meaningful one (a timeout is 503; storage turns a value the database cannot hold into a 422 and a constraint
violation into a 409, :mod:`adwarden.storage.sql.errors`), and anything else is a 500 problem that does not
leak the exception's text (the traceback goes to the server log).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from adwarden.domain import AdWardenError, InputError, PolicyError
from adwarden.domain.errors import ConfigError, Unauthenticated
from adwarden.ingest.schema import _field_path
from adwarden.storage.sql.errors import domain_error

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


_LINE_PROBLEM = re.compile(r"^(?P<source>.*?):(?P<line>\d+): (?P<message>.*)$", re.DOTALL)


def file_problems(problems: Sequence[str], *, field: str) -> list[dict[str, str]]:
    """``FILE:LINE: message`` strings (how file parsers report every problem at once) as the API's
    ``{field, message}`` entries, the line kept in the field: ``{"field": "content line 3", ...}``."""
    out = []
    for text in problems:
        m = _LINE_PROBLEM.match(text)
        if m:
            out.append({"field": f"{field} line {m.group('line')}", "message": m.group("message")})
        else:
            out.append({"field": field, "message": text})
    return out


def invalid_input(errors: Sequence[Mapping[str, str]], *, instance: str | None = None) -> JSONResponse:
    """The documented 422 answer for invalid input, ``errors: [{field, message}]``."""
    first = errors[0] if errors else {"field": "(body)", "message": "invalid request"}
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return problem(422, "Invalid input", f"{first['field']}: {first['message']}{more}", instance=instance,
                   errors=[dict(e) for e in errors])


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _validation_entry(err: Mapping[str, Any]) -> dict[str, str]:
    loc = tuple(err.get("loc", ()))
    if loc and loc[0] == "body":
        loc = loc[1:]
    if err.get("type") == "json_invalid":
        # FastAPI puts the character offset in the location; it is not a field.
        position = f" at position {loc[0]}" if loc and isinstance(loc[0], int) else ""
        reason = (err.get("ctx") or {}).get("error") or err.get("msg", "")
        return {"field": "(body)", "message": f"malformed JSON: {reason}{position}"}
    return {"field": _field_path(loc) if loc else "(body)",
            "message": str(err.get("msg", "")).removeprefix("Value error, ")}


def _domain_problem(request: Request, exc: AdWardenError) -> JSONResponse:
    extra: dict[str, Any] = {}
    if isinstance(exc, InputError):
        extra["errors"] = [{"field": exc.field or "(record)", "message": exc.message}]
    if isinstance(exc, PolicyError):
        extra["errors"] = exc.problems
    code = getattr(exc, "code", None)
    if code is not None:
        extra["code"] = code
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    return problem(exc.http_status, exc.title, str(exc), instance=request.url.path, headers=headers, **extra)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_input([_validation_entry(err) for err in exc.errors()], instance=request.url.path)

    @app.exception_handler(AdWardenError)
    async def _domain(request: Request, exc: AdWardenError) -> JSONResponse:
        return _domain_problem(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Keep the exception's headers: Allow on 405, WWW-Authenticate on 401, Retry-After on 503.
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail), instance=request.url.path,
                       headers=exc.headers)

    @app.exception_handler(ConfigError)
    async def _config(request: Request, exc: ConfigError) -> JSONResponse:
        # The server is not set up for this (e.g. no NCMEC credentials): the client did nothing wrong.
        return problem(503, "Service not configured", str(exc), instance=request.url.path)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # A number or date too large for the database or for date arithmetic: bad input, never a 500.
        log.warning("overflow serving %s %s: %s", request.method, request.url.path, exc)
        return invalid_input([{"field": "(request)", "message": "a number or date is out of range"}],
                             instance=request.url.path)

    @app.exception_handler(TimeoutError)
    async def _timeout(request: Request, exc: TimeoutError) -> JSONResponse:
        log.warning("timeout serving %s %s: %s", request.method, request.url.path, exc)
        return problem(503, "Service unavailable", "a dependency timed out; try again later",
                       instance=request.url.path, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette calls this from its outermost middleware, then re-raises so the server logs the traceback.
        # A database exception that escaped storage's translation still gets storage's meaning (422, 409, 503).
        translated = domain_error(exc)
        if translated is not None:
            log.warning("database error reached the API serving %s %s", request.method, request.url.path)
            return _domain_problem(request, translated)
        return problem(500, "Internal server error", "an unexpected error occurred; it has been logged",
                       instance=request.url.path)
