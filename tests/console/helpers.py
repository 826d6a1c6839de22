"""Console test helpers: users per role, a signed-in TestClient, and posts that open cases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from adwarden.api.app import create_app
from adwarden.console.users import add_user
from adwarden.domain import Account, Actor, MediaRef, PostInput
from adwarden.runtime import Runtime

ADMIN = Actor("test-admin", frozenset({"admin"}))
PLATFORM = Actor("shop", frozenset({"platform"}))
PASSWORD = "correct horse battery staple"

_META = re.compile(r'name="csrf-token" content="([^"]*)"')
_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


def make_user(rt: Runtime, name: str, *roles: str) -> None:
    add_user(rt.db, name, PASSWORD, roles, actor=ADMIN)


class Console:
    """A TestClient signed in as one user; ``token`` is the session's CSRF token read from a page."""

    def __init__(self, client: TestClient) -> None:
        self.c = client
        self.token = ""

    def login(self, name: str, password: str = PASSWORD) -> Any:
        page = self.c.get("/console/login")
        login_token = _FIELD.search(page.text)
        assert login_token is not None
        r = self.c.post("/console/login", data={"username": name, "password": password,
                                                "csrf_token": login_token.group(1)}, follow_redirects=False)
        if r.status_code == 303:
            self.token = self.csrf()
        return r

    def csrf(self) -> str:
        m = _META.search(self.c.get("/console/preferences").text)
        assert m is not None
        return m.group(1)

    def get(self, path: str, **kw: Any) -> Any:
        return self.c.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        body = {"csrf_token": self.token, **(data or {})}
        kw.setdefault("follow_redirects", False)
        return self.c.post(path, data=body, **kw)


@contextmanager
def console(rt: Runtime, user: str | None = None, *roles: str) -> Iterator[Console]:
    """A client for ``rt``'s app; with ``user``, that user is created with ``roles`` and signed in."""
    with TestClient(create_app(runtime=rt)) as client:
        con = Console(client)
        if user is not None:
            make_user(rt, user, *roles)
            r = con.login(user)
            assert r.status_code == 303, r.text
        yield con


def risky(external_id: str, *, body: str | None = None, queue_minor: bool = False, phone: str = "206-555-0147",
          **kw: Any) -> PostInput:
    """A synthetic, non-explicit post that opens a case (indicator phrases, a 555-01xx phone, a price)."""
    text = body or ("Just arrived this week, available 24/7. 100 roses per hour. I am 19 yrs. "
                    f"Call {phone}.")
    if queue_minor:
        text = "New in town, young and fresh, 16 years old. Available 24/7, 150 roses. Call 206-555-0148."
    return PostInput(external_id=external_id, site="example-classifieds", category="personals",
                     title=kw.pop("title", "New in town, sweet and fresh"), body=text,
                     location=kw.pop("location", "Seattle, WA"), url=f"https://example.com/{external_id}",
                     account=kw.pop("account", Account(id="u-9", email="u9@example.com")), **kw)


def open_case(rt: Runtime, post: PostInput) -> str:
    out = rt.ingest([post], actor=PLATFORM)[0]
    assert out.case_id is not None, "the synthetic post should open a case"
    return out.case_id


def media(url: str, sha: str = "ab" * 32) -> MediaRef:
    return MediaRef(url=url, sha256=sha)
