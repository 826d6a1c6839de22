"""Restricted means restricted on every console page too: every route the console serves, GET and POST, signed
in as every role without ``case:view-restricted``, against a seeded child-safety case, names nothing of it.

Generated from the mounted console app's own routes, so a new page is walked without anyone adding it here. A
leak is the restricted case's id, its post's id or external id, the ``stated_age_under_18`` reason, or a link into
the restricted queue, anywhere in the page (what the caller put in the URL itself does not count: a 404 page may
repeat the address it was asked for).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from adwarden.domain import Actor
from adwarden.permissions import ROLES, permissions_of
from adwarden.review.cases import RESTRICTED_QUEUE
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_case, get_post
from tests.console.helpers import Console, console, make_user, risky

pytestmark = pytest.mark.timeout(300)

UNRESTRICTED = sorted(r for r in ROLES if "case:view-restricted" not in permissions_of(Actor("x", frozenset({r}))))
NOT_WALKED = {"/console/login", "/console/logout"}  # signing in and out are not pages about a case


def _routes_of(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
    """``(method, path)`` of every API route, through included routers (FastAPI keeps them nested)."""
    for r in routes:
        if isinstance(r, APIRoute):
            yield from ((m, prefix + r.path) for m in r.methods or ())
        elif hasattr(r, "original_router"):  # an included router
            yield from _routes_of(r.original_router.routes, prefix + getattr(r.include_context, "prefix", ""))


def _console_routes(con: Console) -> list[tuple[str, str]]:
    app = con.c.app
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/console")  # type: ignore[attr-defined]
    return sorted({(m, p) for m, p in _routes_of(list(mount.routes), "/console")
                   if m in {"GET", "POST"} and p not in NOT_WALKED})


@pytest.fixture
def seeded(backend_runtime: Runtime) -> Iterator[tuple[Runtime, dict[str, str]]]:
    rt = backend_runtime
    out = rt.ingest([risky("walk-minor", queue_minor=True)], actor=Actor("shop", frozenset({"platform"})))[0]
    assert out.case_id is not None
    with rt.db.read() as conn:
        case = get_case(conn, out.case_id)
        post = get_post(conn, out.post_id)
    assert case.queue == RESTRICTED_QUEUE, "the seeded ad must land in the restricted queue"
    yield rt, {"case_id": out.case_id, "post_id": out.post_id, "external_id": post.external_id,
               "network_id": "net-none", "request_id": "lr-none", "report_id": "r-none", "name": "none",
               "queue": RESTRICTED_QUEUE, "direction": "next"}


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "x-unknown"), path)


def _leaks(text: str, ids: dict[str, str], url: str) -> list[str]:
    markers = {"case id": ids["case_id"], "post id": ids["post_id"], "post external id": ids["external_id"],
               "age reason": "stated_age_under_18", "restricted queue link": f"/console/queues/{RESTRICTED_QUEUE}"}
    return [name for name, marker in markers.items() if marker in text and marker not in url]


def _walk(con: Console, ids: dict[str, str]) -> list[str]:
    found: list[str] = []
    routes = _console_routes(con)
    assert len(routes) >= 30, routes
    for method, route in routes:
        url = _fill(route, ids)
        r = con.get(url) if method == "GET" else con.post(url, {})
        assert r.status_code < 500, (method, route, r.text[:300])
        leaks = _leaks(r.text, ids, url)
        if leaks:
            found.append(f"{method} {route} ({r.status_code}): {', '.join(leaks)}")
    return found


@pytest.mark.parametrize("role", UNRESTRICTED)
def test_no_console_page_reveals_a_restricted_case(seeded: tuple[Runtime, dict[str, str]], role: str) -> None:
    rt, ids = seeded
    with console(rt, f"walk-{role}", role) as con:
        leaks = _walk(con, ids)
    assert not leaks, f"role {role} sees restricted data in the console:\n" + "\n".join(leaks)
    with rt.db.read() as conn:  # no POST of the walk moved or closed the case
        case = get_case(conn, ids["case_id"])
    assert case.queue == RESTRICTED_QUEUE and case.status == "open"


def test_the_console_walk_would_see_a_leak(seeded: tuple[Runtime, dict[str, str]]) -> None:
    """Signed in as child safety, the same walk finds the case: the markers are real, the test can fail."""
    rt, ids = seeded
    make_user(rt, "walk-admin", "admin")
    with console(rt, "walk-cs", "child-safety") as con:
        leaks = _walk(con, ids)
    assert any(x.startswith("GET /console/queues/{queue}") for x in leaks), leaks
