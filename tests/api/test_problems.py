"""Every error the API returns is an RFC 9457 problem: size limits on any body, unexpected exceptions, 405s,
malformed JSON and authentication."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from adwarden.api.app import BodySizeLimit, create_app
from adwarden.runtime import Runtime
from tests.factories import post_json

PROBLEM = "application/problem+json"


def _problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    app = create_app(runtime=runtime)

    @app.get("/boom/{kind}")
    def boom(kind: str) -> None:
        if kind == "timeout":
            raise TimeoutError("the database did not answer")
        if kind == "integrity":
            raise IntegrityError("INSERT INTO posts", {}, Exception("duplicate key value"))
        raise RuntimeError("secret internal detail")

    return app


@pytest.fixture
def lenient(app: FastAPI) -> Iterator[TestClient]:
    """A client that receives the 500 response instead of re-raising the server's exception."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _limit(runtime: Runtime) -> int:
    return runtime.settings.max_body_bytes * 2 + 64 * 1024


def test_chunked_body_over_the_limit_is_413(lenient: TestClient, runtime: Runtime) -> None:
    size = _limit(runtime) + 1000

    def chunks() -> Iterator[bytes]:
        sent = 0
        while sent < size:
            yield b" " * 65536
            sent += 65536

    # A generator body is sent without Content-Length (Transfer-Encoding: chunked).
    r = lenient.post("/v1/posts", content=chunks(), headers={"content-type": "application/json"})
    body = _problem(r, 413)
    assert str(_limit(runtime)) in body["detail"]


def test_content_length_over_the_limit_is_413(lenient: TestClient, runtime: Runtime) -> None:
    r = lenient.post("/v1/posts", content=b" " * (_limit(runtime) + 1), headers={"content-type": "application/json"})
    _problem(r, 413)


def test_body_under_the_limit_still_works(lenient: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"external_id": "c1", '
        yield b'"body": "Blue sofa, good condition."}'

    r = lenient.post("/v1/posts", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text


def test_middleware_stops_reading_once_past_the_limit() -> None:
    """Raw ASGI: the app behind the limit never sees more than the limit, and the client gets a 413 problem."""
    seen: list[int] = []

    async def reader_app(scope: Any, receive: Any, send: Any) -> None:
        total = 0
        while True:
            message = await receive()
            total += len(message.get("body", b""))
            seen.append(total)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read everything"})

    chunks = [{"type": "http.request", "body": b"x" * 100, "more_body": True} for _ in range(50)]
    chunks.append({"type": "http.request", "body": b"", "more_body": False})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return chunks.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/posts", "headers": [], "query_string": b""}
    asyncio.run(BodySizeLimit(reader_app, limit=1000)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert (b"content-type", PROBLEM.encode()) in sent[0]["headers"]
    assert max(seen) <= 1000
    assert len(chunks) > 30  # the rest of the body was never pulled


def test_unexpected_exception_is_a_problem_500(lenient: TestClient) -> None:
    body = _problem(lenient.get("/boom/other"), 500)
    assert "secret internal detail" not in body["detail"]


def test_timeout_is_a_problem_503(lenient: TestClient) -> None:
    _problem(lenient.get("/boom/timeout"), 503)


def test_integrity_error_is_a_problem_409(lenient: TestClient) -> None:
    _problem(lenient.get("/boom/integrity"), 409)


def test_405_keeps_the_allow_header(client: Any) -> None:
    r = client.delete("/healthz")
    _problem(r, 405)
    assert r.headers["allow"] == "GET"


def test_unknown_route_is_a_problem_404(client: Any) -> None:
    _problem(client.get("/v1/nowhere"), 404)


def test_malformed_json_names_the_body_not_a_position(client: Any) -> None:
    payload = b'{"external_id": "x", "body": '
    r = client.post("/v1/posts", content=payload, headers={"content-type": "application/json"})
    body = _problem(r, 422)
    (err,) = body["errors"]
    assert err["field"] == "(body)"
    assert f"position {len(payload)}" in err["message"] and "JSON" in err["message"]
    assert body["detail"].startswith("(body): malformed JSON")


@pytest.mark.parametrize("payload", [
    b'{"external_id": ' + b"9" * 5000 + b', "body": "x"}',
    b'{"external_id": "x", "body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
])
def test_json_the_parser_refuses_is_a_problem(client: Any, payload: bytes) -> None:
    r = client.post("/v1/posts", content=payload, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)
    _problem(r, r.status_code)


@pytest.fixture
def keyed(runtime: Runtime) -> Iterator[TestClient]:
    runtime.settings.api_keys = {"plat": "shop:platform"}
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer nope"}, {"x-api-key": "nope"},
                                     {"authorization": "Basic cGxhdDo="}])
def test_missing_or_unknown_key_is_401_with_a_challenge(keyed: TestClient, headers: dict[str, str]) -> None:
    r = keyed.post("/v1/posts", json=post_json("a"), headers=headers)
    _problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


def test_known_key_without_the_permission_is_403(keyed: TestClient) -> None:
    r = keyed.get("/v1/cases", headers={"authorization": "Bearer plat"})
    _problem(r, 403)
    assert "www-authenticate" not in r.headers


def test_nul_in_a_field_is_refused_on_every_backend(backend_runtime: Runtime) -> None:
    """PostgreSQL cannot store NUL in text: the API refuses it as input instead of failing in the database."""
    with TestClient(create_app(runtime=backend_runtime)) as c:
        r = c.post("/v1/posts", json=post_json("n1", body="before\u0000after", account={"id": "u\u0000"}))
        body = _problem(r, 422)
        assert {e["field"] for e in body["errors"]} == {"body", "account.id"}
        assert c.post("/v1/posts", json=post_json("n2")).status_code == 200
