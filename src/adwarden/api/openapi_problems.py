"""Every status code the API can answer is in its OpenAPI document, with the RFC 9457 problem schema.

FastAPI documents only the success status and its own 422 (as ``application/json``), but every route can also
answer 401/403 (authentication runs first), 413 (the body limit), 422 (validation, as ``problem+json``) and
503 (a dependency down or unconfigured), and the domain errors add 400, 404 and 409; reporting adds 502 when
NCMEC answers with an error. Clients and schemathesis read these from the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from adwarden.api.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
        "code": {"type": "integer", "description": "NCMEC's response code, on 502 answers from reporting."},
    },
    "required": ["type", "title", "status", "detail"],
}

COMMON: dict[str, str] = {
    "400": "Refused by a rule of the operation (the detail says which).",
    "401": "No API key, or an unknown, expired or revoked one (with a Bearer challenge).",
    "403": "The key's roles lack the permission this operation needs.",
    "404": "The record named in the path (or body) does not exist, or is not visible to this key.",
    "409": "Conflicts with the current state (already done, or a concurrent change).",
    "413": "The request body is over the byte limit.",
    "422": "Invalid input: `errors` names each field (or path/query) and what is wrong with it.",
    "503": "A dependency is unavailable or not configured (database, NCMEC credentials); try again later.",
}
UPSTREAM = {"502": "NCMEC answered with an error; its `code` is in the problem."}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def add_problem_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the problem responses on every operation under ``/v1`` (in place, and returned)."""
    spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in spec.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            extra = {**COMMON, **(UPSTREAM if path.startswith("/v1/reports") else {})}
            for status, description in extra.items():
                operation["responses"][status] = _problem_response(description)
    return spec


def document_problems(app: FastAPI) -> None:
    """Install an ``app.openapi`` that adds the problem responses once, on first use."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = add_problem_responses(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
