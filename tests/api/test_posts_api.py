"""POST /v1/posts and GET /v1/posts/{id}: verdicts with reasons, idempotency, problem responses."""

from __future__ import annotations

from typing import Any

from tests.factories import post_json

RISKY = {
    "title": "New in town, young and fresh",
    "body": "Just arrived this week, available 24/7. 100 roses per hour. Call 206-555-0147.",
    "category": "personals",
}


def test_submit_returns_verdict_shape(client: Any) -> None:
    r = client.post("/v1/posts", json=post_json("p-1", **RISKY))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"post_id", "version", "action", "risk", "queue", "case_id", "reasons"}
    assert body["version"] == 1 and body["action"] in {"allow", "hold", "block"} and body["case_id"]
    assert body["risk"] > 0 and body["queue"]
    reason = body["reasons"][0]
    assert set(reason) >= {"detector", "label", "weight"}
    assert any("evidence" in x for x in body["reasons"])


def test_same_post_twice_is_a_duplicate_with_the_stored_verdict(client: Any) -> None:
    first = client.post("/v1/posts", json=post_json("p-2")).json()
    again = client.post("/v1/posts", json=post_json("p-2")).json()
    assert again["duplicate"] is True
    assert (again["post_id"], again["version"], again["action"]) == (first["post_id"], 1, first["action"])


def test_get_post_has_versions_and_latest_verdict(client: Any) -> None:
    pid = client.post("/v1/posts", json=post_json("p-3")).json()["post_id"]
    client.post("/v1/posts", json=post_json("p-3", body="Edited: now with a new body."))
    r = client.get(f"/v1/posts/{pid}")
    assert r.status_code == 200
    data = r.json()
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["versions"][0]["body"].startswith("Solid oak desk")
    assert data["verdict"]["version"] == 2


def test_unknown_post_is_404_problem(client: Any) -> None:
    r = client.get("/v1/posts/p-nope")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 404


def _problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_malformed_json_is_a_problem(client: Any) -> None:
    r = client.post("/v1/posts", content=b'{"external_id": "x", "body": ', headers={"content-type": "application/json"})
    _problem(r, 422)


def test_invalid_utf8_is_a_problem(client: Any) -> None:
    r = client.post("/v1/posts", content=b'{"external_id": "x", "body": "caf\xe9"}',
                    headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)
    _problem(r, r.status_code)


def test_wrong_type_names_the_field(client: Any) -> None:
    body = _problem(client.post("/v1/posts", json=post_json("x", media=[{"sha256": 7}])), 422)
    assert body["errors"][0]["field"] == "media[0].sha256"


def test_missing_required_field(client: Any) -> None:
    body = _problem(client.post("/v1/posts", json={"body": "hi"}), 422)
    assert any(e["field"] == "external_id" for e in body["errors"])


def test_over_long_field(client: Any) -> None:
    body = _problem(client.post("/v1/posts", json=post_json("x", title="t" * 5000)), 422)
    assert body["errors"][0]["field"] == "title"


def test_body_over_size_limit_is_refused(client: Any) -> None:
    r = client.post("/v1/posts", json=post_json("x", body="b" * 2_000_000))
    assert r.status_code in (413, 422)
    assert r.headers["content-type"].startswith("application/problem+json")


def test_bad_request_does_not_lose_earlier_posts(client: Any) -> None:
    ok = client.post("/v1/posts", json=post_json("keep")).json()
    client.post("/v1/posts", json={"body": 3})
    assert client.get(f"/v1/posts/{ok['post_id']}").status_code == 200


def test_cases_endpoint_lists_open_cases(client: Any) -> None:
    client.post("/v1/posts", json=post_json("risky", **RISKY))
    r = client.get("/v1/cases")
    # The development actor only has the platform role: reading cases needs a reviewer key.
    assert r.status_code == 403


def test_openapi_documents_the_post_schema(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/posts" in spec["paths"]
    assert "PostIn" in spec["components"]["schemas"]
