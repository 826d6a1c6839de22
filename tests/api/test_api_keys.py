"""API keys map to actors and roles; restricted queues need their permission."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adwarden.api.app import create_app
from adwarden.pipeline import Screener
from adwarden.runtime import Runtime
from tests.factories import post_json


@pytest.fixture
def keyed_client(runtime: Runtime, shared_screener: Screener) -> Iterator[TestClient]:
    runtime.settings.api_keys = {"plat": "shop:platform", "mod": "mia:moderator", "cs": "cy:child-safety"}
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def _h(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def test_unknown_key_is_refused(keyed_client: Any) -> None:
    assert keyed_client.post("/v1/posts", json=post_json("a"), headers=_h("nope")).status_code == 401


def test_roles_decide_what_is_visible(keyed_client: Any) -> None:
    minor = post_json("m1", title="Young girl new in town", body="She is 15 years old, available 24/7.")
    adult = post_json("a1", title="New in town", body="Available 24/7, 200 roses per hour. Call 206-555-0147.")
    for p in (minor, adult):
        assert keyed_client.post("/v1/posts", json=p, headers=_h("plat")).status_code == 200
    assert keyed_client.get("/v1/cases", headers=_h("plat")).status_code == 403
    mod = keyed_client.get("/v1/cases", headers=_h("mod")).json()
    cs = keyed_client.get("/v1/cases", headers=_h("cs")).json()
    assert "child-safety" in {c["queue"] for c in cs}
    assert "child-safety" not in {c["queue"] for c in mod}
    assert len(cs) > len(mod)
