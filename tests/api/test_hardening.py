"""Security headers on every answer, control characters refused at the edge, bounded parameters."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("path", ["/healthz", "/v1/posts/p-missing", "/v1/networks", "/openapi.json"])
def test_security_headers_on_every_answer(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    if path.startswith("/v1/"):
        assert r.headers["cache-control"] == "no-store"


def test_docs_page_keeps_a_csp_that_lets_it_load(client: Any) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "cdn.jsdelivr.net" in r.headers["content-security-policy"]


def test_413_has_the_headers_too(client: Any, settings: Any) -> None:
    r = client.post("/v1/posts", content=b"x" * (settings.max_body_bytes * 3), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("url", ["/v1/posts/a%00b", "/v1/networks?min_size=2&x=%00", "/v1/posts/a%1Fb"])
def test_control_characters_in_the_url_are_422(client: Any, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["message"].startswith("contains a control character")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"offset": 2**63}, "offset"), ({"limit": -1}, "limit"), ({"limit": 10**6}, "limit"), ({"min_size": 2**70}, "min_size")],
)
def test_list_parameters_are_bounded(client: Any, params: dict[str, int], field: str) -> None:
    r = client.get("/v1/networks", params=params)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == f"query.{field}"


def test_openapi_documents_problem_responses(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/v1/posts/{post_id}"]["get"]
    for status in ("401", "403", "404", "422", "503"):
        assert "application/problem+json" in op["responses"][status]["content"], status
    assert "502" in spec["paths"]["/v1/reports/drafts"]["post"]["responses"]
