"""The loop closed over HTTP: a held post is claimed and decided, the platform's receiver gets the signed
remove event, the post shows its enforcement; a trusted reporter's minor flag opens a child-safety case; an
appeal overturns and sends the reversal; bad input answers problems and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from adwarden.actions.delivery import DeliveryWorker
from adwarden.actions.receiver import Receiver
from adwarden.api.app import create_app
from adwarden.runtime import Runtime
from tests.factories import post_json

SITE = "example-classifieds"
HELD = post_json("held-1", title="New in town", body="Just arrived from Portland, on tour this week, 24/7, 150 "
                 "roses hh, several girls available, my manager handles bookings, text 206-555-0147")


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    runtime.settings.api_keys = {"plat": "shop:platform", "other": "rival:platform", "mod": "mia:moderator",
                                 "mod2": "noor:moderator", "cs": "cy:child-safety", "lead": "lee:review-lead"}
    runtime.settings.platform_sites = {"shop": SITE, "rival": "rival-site"}
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def _h(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _send(runtime: Runtime) -> None:
    w = DeliveryWorker(runtime.db, timeout=2)
    try:
        w.drain()
    finally:
        w.close()


def test_held_post_decided_reaches_the_platform_and_shows_enforcement(api: TestClient, runtime: Runtime) -> None:
    verdict = api.post("/v1/posts", json=HELD, headers=_h("plat")).json()
    assert verdict["action"] == "hold" and verdict["case_id"]
    with Receiver() as rcv:
        ep = api.post("/v1/webhooks", json={"site": SITE, "url": rcv.url}, headers=_h("plat"))
        assert ep.status_code == 201
        rcv.secret = ep.json()["secret"]
        assert api.post("/v1/webhooks", json={"site": SITE, "url": "ftp://x"}, headers=_h("plat")).status_code == 422
        queue = verdict["queue"]
        claim = api.post(f"/v1/cases/claim-next?queue={queue}", headers=_h("mod"))
        assert claim.status_code == 200 and claim.json()["case_id"] == verdict["case_id"]
        case_id = verdict["case_id"]
        # Someone else's claim, a label the policy lacks: problems, nothing changes.
        r = api.post(f"/v1/cases/{case_id}/decision", json={"label": "violating-trafficking"}, headers=_h("mod2"))
        assert r.status_code == 409 and "claimed by mia" in r.json()["detail"]
        r = api.post(f"/v1/cases/{case_id}/decision", json={"label": "bad-vibes"}, headers=_h("mod"))
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        assert api.post(f"/v1/cases/{case_id}/decision", json={"label": "not-violating"},
                        headers=_h("plat")).status_code == 403
        d = api.post(f"/v1/cases/{case_id}/decision", json={"label": "violating-trafficking", "note": "n"},
                     headers=_h("mod"))
        assert d.status_code == 200 and d.json()["action"] == "remove"
        assert api.post(f"/v1/cases/{case_id}/decision", json={"label": "not-violating"},
                        headers=_h("mod")).status_code == 409  # closed
        _send(runtime)
        assert [r["body"]["data"]["action"] for r in rcv.received] == ["remove"]
        assert rcv.received[0]["key"] == d.json()["action_events"][0] and rcv.bad_signatures == 0
    post = api.get(f"/v1/posts/{verdict['post_id']}", headers=_h("plat")).json()
    assert post["enforcement"]["state"] == "removed" and post["enforcement"]["decision_id"] == d.json()["id"]
    detail = api.get(f"/v1/cases/{case_id}", headers=_h("mod")).json()
    assert detail["status"] == "closed" and detail["outcome"].startswith("decision: violating-trafficking")
    events = [h["event"] for h in detail["history"]]
    assert events[0] == "case-opened" and "case-claimed" in events and events[-1] == "case-closed"
    assert detail["post"]["versions"][0]["live"] and detail["verdict"]["rules_fired"] is not None
    assert detail["post"]["versions"][0]["evidence_spans"]
    # The feed: the platform sees its event; another platform sees nothing of this site.
    feed = api.get("/v1/actions", headers=_h("plat")).json()
    assert [e["event"]["id"] for e in feed["events"]] == d.json()["action_events"]
    assert api.get("/v1/actions", headers=_h("other")).json()["events"] == []
    assert api.get("/v1/actions?after=abc", headers=_h("plat")).status_code == 422
    # Appeal: the decider may not take it; another reviewer overturns; the reversal is queued.
    ap = api.post("/v1/appeals", json={"site": SITE, "external_id": "held-1", "appellant": "u-9",
                                       "text": "This is my shop"}, headers=_h("plat"))
    assert ap.status_code == 201
    appeal_case = ap.json()["case_id"]
    assert api.post(f"/v1/cases/{appeal_case}/claim", headers=_h("mod")).status_code == 409
    over = api.post(f"/v1/cases/{appeal_case}/decision", json={"appeal": "overturn"}, headers=_h("mod2"))
    assert over.status_code == 200 and over.json()["appeal_outcome"] == "overturned"
    post = api.get(f"/v1/posts/{verdict['post_id']}", headers=_h("plat")).json()
    assert post["enforcement"]["state"] == "allowed"
    feed = api.get("/v1/actions", headers=_h("plat")).json()
    assert [e["event"]["data"]["action"] for e in feed["events"]] == ["remove", "allow"]
    assert api.post("/v1/appeals", json={"site": SITE, "external_id": "nope", "appellant": "x"},
                    headers=_h("plat")).status_code == 404


def _reporter_earns_trust(api: TestClient, reporter: str, n: int) -> None:
    for i in range(n):
        ext = f"flagged-{reporter}-{i}"
        v = api.post("/v1/posts", json=post_json(ext, title=f"Desk {i}", body="Oak desk, text 206-555-0111."),
                     headers=_h("plat")).json()
        for who in (reporter, f"{reporter}-friend"):
            api.post("/v1/flags", json={"site": SITE, "external_id": ext, "reason": "scam", "reporter": who},
                     headers=_h("plat"))
        cases = api.get(f"/v1/cases?q={ext}", headers=_h("mod")).json()
        assert cases, f"two neutral flags open a case for {ext}"
        api.post(f"/v1/cases/{cases[0]['id']}/decision", json={"label": "violating-scam"}, headers=_h("mod"))
        assert v


def test_trusted_minor_flag_opens_child_safety_case_invisible_to_moderators(api: TestClient) -> None:
    _reporter_earns_trust(api, "ally", 4)
    api.post("/v1/posts", json=post_json("quiet-1", title="Lamp", body="Brass lamp."), headers=_h("plat"))
    r = api.post("/v1/flags", json={"site": SITE, "external_id": "quiet-1", "reason": "minor", "reporter": "ally",
                                    "text": "looks underage"}, headers=_h("plat"))
    assert r.status_code == 201 and r.json()["trust"] == "trusted" and r.json()["effect"] == "opened-case"
    case_id = r.json()["case_id"]
    assert api.get(f"/v1/cases/{case_id}", headers=_h("mod")).status_code == 404
    assert case_id not in {c["id"] for c in api.get("/v1/cases?q=quiet-1", headers=_h("mod")).json()}
    assert api.get("/v1/cases?q=quiet-1", headers=_h("mod")).headers["x-total-count"] == "0"
    detail = api.get(f"/v1/cases/{case_id}", headers=_h("cs")).json()
    assert detail["queue"] == "child-safety" and detail["flags"][0]["reporter_reputation"]["trust"] == "trusted"
    assert api.post("/v1/flags", json={"site": SITE, "external_id": "missing", "reason": "minor", "reporter": "a"},
                    headers=_h("plat")).status_code == 404
    assert api.post("/v1/flags", json={"site": SITE, "external_id": "quiet-1", "reason": "minor", "reporter": "a"},
                    headers=_h("other")).status_code == 404  # another platform's site
    m = api.get("/v1/metrics", headers=_h("lead")).json()
    assert "child-safety" not in m["queues"] and any(f["reporter"] == "ally" and f["precision"] == 1.0
                                                     for f in m["flag_precision"])
    prom = api.get("/v1/metrics/prometheus", headers=_h("lead"))
    assert prom.status_code == 200 and "adwarden_queue_depth" in prom.text


def test_bad_faith_flags_sink_but_are_kept(api: TestClient) -> None:
    for i in range(3):  # three rejected flags make a bad-faith reporter
        ext = f"fine-{i}"
        api.post("/v1/posts", json=post_json(ext, title="Chair", body="Wooden chair."), headers=_h("plat"))
        for who in ("troll", "troll-2"):
            api.post("/v1/flags", json={"site": SITE, "external_id": ext, "reason": "spam", "reporter": who},
                     headers=_h("plat"))
        case = api.get(f"/v1/cases?q={ext}", headers=_h("mod")).json()[0]
        api.post(f"/v1/cases/{case['id']}/decision", json={"label": "not-violating"}, headers=_h("mod"))
    api.post("/v1/posts", json=post_json("fine-x", title="Chair", body="Wooden chair."), headers=_h("plat"))
    for _ in range(3):
        r = api.post("/v1/flags", json={"site": SITE, "external_id": "fine-x", "reason": "spam", "reporter": "troll"},
                     headers=_h("plat")).json()
        assert r["trust"] == "bad-faith" and r["weight"] == 0 and r["case_id"] is None and r["flag_id"]
    assert api.get("/v1/cases?q=fine-x", headers=_h("mod")).json() == []


