"""Restricted means restricted everywhere: every GET route in the OpenAPI, called by every role that lacks
``case:view-restricted``, against a seeded child-safety case, must not reveal it.

Generated from the live OpenAPI document, so a new route is walked without anyone adding it here. A leak is
any of: the restricted case's id, the restricted post's id or external id, the restricted queue's name, or the
``stated_age_under_18`` reason, anywhere in the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adwarden.api.app import create_app
from adwarden.domain import Actor
from adwarden.permissions import ROLES, permissions_of
from adwarden.review.cases import RESTRICTED_QUEUE
from adwarden.runtime import Runtime
from tests.reporting.storefix import CHILD_SAFETY, configured, store_case

pytestmark = pytest.mark.timeout(300)

UNRESTRICTED_ROLES = sorted(r for r in ROLES if "case:view-restricted" not in permissions_of(Actor("x", frozenset({r}))))
KEYS = {f"walk-{r}": f"walk-{r}:{r}" for r in ROLES}


@pytest.fixture
def seeded(backend_runtime: Runtime) -> Iterator[tuple[TestClient, dict[str, str]]]:
    rt = backend_runtime
    rt.settings = configured(rt.settings, api_keys=dict(KEYS))
    stored = store_case(rt)
    from adwarden.reporting.service import do_draft_report

    report = do_draft_report(rt.db, stored.case_id, actor=CHILD_SAFETY, settings=rt.settings)
    with TestClient(create_app(runtime=rt)) as client:
        with rt.db.read() as conn:
            from adwarden.storage.sql.queries import get_case, get_post

            case = get_case(conn, stored.case_id)
            post = get_post(conn, stored.post_id)
        assert case.queue == RESTRICTED_QUEUE, "the seeded ad must land in the restricted queue"
        admin = {"Authorization": "Bearer walk-admin"}
        network = client.get(f"/v1/posts/{stored.post_id}/network", headers=admin)
        ids = {
            "post_id": stored.post_id,
            "case_id": stored.case_id,
            "report_id": report.id,
            "network_id": network.json()["id"] if network.status_code == 200 else "n-none",
            "external_id": post.external_id,
        }
        yield client, ids


def _get_routes(client: TestClient) -> list[str]:
    spec = client.get("/openapi.json").json()
    return sorted(p for p, item in spec["paths"].items() if "get" in item and p.startswith("/v1/"))


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "x-unknown"), path)


QUERY = {"/v1/legal/transparency": {"from": "2020-01-01", "to": "2100-01-01"}}


def _leaks(text: str, ids: dict[str, str], url: str = "") -> list[str]:
    """Markers of the restricted case in an answer, leaving out what the caller put in the URL itself (a
    404 or 403 naming the id it was asked about reveals nothing)."""
    markers = {"case id": ids["case_id"], "post id": ids["post_id"], "post external id": ids["external_id"],
               "restricted queue": RESTRICTED_QUEUE, "age reason": "stated_age_under_18"}
    asked = {m for m in markers.values() if m in url}
    if ids["post_id"] in asked:  # the post asked for by id may show itself; never its case, queue or reasons
        asked.add(ids["external_id"])
    found = [name for name, marker in markers.items()
             if marker and marker in text and marker not in asked and name != "restricted queue"]
    # The queue's name may appear in static policy metadata (labels, categories); a record *in* it may not.
    if re.search(r'"queue"\s*:\s*"' + re.escape(RESTRICTED_QUEUE) + '"', text):
        found.append("restricted queue")
    return found


@pytest.mark.parametrize("role", UNRESTRICTED_ROLES)
def test_no_route_reveals_a_restricted_case(seeded: tuple[TestClient, dict[str, str]], role: str) -> None:
    client, ids = seeded
    routes = _get_routes(client)
    assert len(routes) >= 15
    leaks: list[str] = []
    for route in routes:
        url = _fill(route, ids)
        r = client.get(url, headers={"Authorization": f"Bearer walk-{role}"}, params=QUERY.get(route, {}))
        assert r.status_code < 500, (route, r.text[:300])
        found = _leaks(r.text, ids, url)
        if found:
            leaks.append(f"{route} ({r.status_code}): {', '.join(found)}")
    assert not leaks, f"role {role} sees restricted data:\n" + "\n".join(leaks)


def test_the_walk_would_see_a_leak(seeded: tuple[TestClient, dict[str, str]]) -> None:
    """The same walk as child-safety does find the case: the markers are real, the test can fail."""
    client, ids = seeded
    seen = {route for route in _get_routes(client)
            if _leaks(client.get(_fill(route, ids), headers={"Authorization": "Bearer walk-child-safety"},
                                 params=QUERY.get(route, {})).text, ids)}
    assert "/v1/cases/{case_id}" in seen or "/v1/cases" in seen


def _write_routes(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    return sorted((method, p) for p, item in spec["paths"].items() if p.startswith("/v1/")
                  for method in ("post", "put", "patch", "delete") if method in item)


def _write(client: TestClient, method: str, url: str, role: str, params: dict[str, str]) -> Any:
    """``method`` on ``url`` as ``role`` with an empty JSON object as the body (none for DELETE)."""
    return client.request(method.upper(), url, headers={"Authorization": f"Bearer walk-{role}"}, params=params,
                          json=None if method == "delete" else {})


@pytest.mark.parametrize("role", UNRESTRICTED_ROLES)
def test_no_write_route_reveals_a_restricted_case(seeded: tuple[TestClient, dict[str, str]], role: str) -> None:
    """Every POST, PUT, PATCH and DELETE in the OpenAPI, with an empty JSON object (or none), by a role without
    ``case:view-restricted``: whatever it answers (a 4xx, or a 2xx such as claim-next), it names nothing of the
    restricted case, and a write never reaches it (the case's queue and status stay as seeded)."""
    client, ids = seeded
    routes = _write_routes(client)
    assert len(routes) >= 15
    leaks: list[str] = []
    for method, route in routes:
        url = _fill(route, ids)
        r = _write(client, method, url, role, QUERY.get(route, {}))
        assert r.status_code < 500, (method, route, r.text[:300])
        found = _leaks(r.text, ids, url)
        if found:
            leaks.append(f"{method.upper()} {route} ({r.status_code}): {', '.join(found)}")
    assert not leaks, f"role {role} sees restricted data:\n" + "\n".join(leaks)
    case = client.get(f"/v1/cases/{ids['case_id']}", headers={"Authorization": "Bearer walk-child-safety"})
    assert case.status_code == 200 and case.json()["queue"] == RESTRICTED_QUEUE


def test_the_write_walk_would_see_a_leak(seeded: tuple[TestClient, dict[str, str]]) -> None:
    """As child safety, the same write walk reaches the case (approving its report names it)."""
    client, ids = seeded
    seen = []
    for method, route in _write_routes(client):
        url = _fill(route, ids)
        r = _write(client, method, url, "child-safety", {})
        if _leaks(r.text, ids, url):
            seen.append(route)
    assert "/v1/reports/{report_id}/approve" in seen
