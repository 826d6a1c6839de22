"""The case page: evidence highlighted, versions diffed, reasons with weights, account, comments, decisions
that load the next case, and the wellness rules for media (blur, audited reveal, bank matches withheld)."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from adwarden.domain import Account, MediaRef
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import audit_events, cases
from adwarden.storage.sql.tables_review import review_decisions
from tests.console.helpers import ADMIN, PLATFORM, console, media, open_case, risky


def _marks(html: str, kind: str) -> list[str]:
    return re.findall(rf'<mark class="ev [^"]*ev-{kind} [^"]*"[^>]*>([^<]*)</mark>', html)


def test_evidence_spans_are_highlighted_by_kind(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    case_id = open_case(rt, risky("p-1"))
    with console(rt, "mia", "moderator") as con:
        html = con.get(f"/console/cases/{case_id}").text
    assert "206-555-0147" in _marks(html, "phone")
    assert any("19" in m for m in _marks(html, "age"))
    assert any("roses" in m for m in _marks(html, "price") + _marks(html, "indicator"))
    assert "24/7" in _marks(html, "indicator")
    assert "always_available" in html  # the reason, with its weight, in the reasons table


def test_versions_are_listed_with_a_word_diff(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    edited = risky("p-1", body="Just arrived this week, available 24/7. 100 roses per hour. I am 19 yrs. "
                   "Call 206-555-0199.")
    runtime.ingest([edited], actor=PLATFORM)
    with console(runtime, "mia", "moderator") as con:
        html = con.get(f"/console/cases/{case_id}").text
    assert "version 2 of 2" in html
    assert "<del>206-555-0147.</del>" in html and "<ins>206-555-0199.</ins>" in html
    assert "changed: body" in html


def test_a_decision_is_recorded_and_the_next_case_of_the_queue_loads(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    open_case(rt, risky("p-1", account=Account(id="a1"), phone="206-555-0141"))
    open_case(rt, risky("p-2", account=Account(id="a2"), phone="206-555-0142"))
    with rt.db.read() as conn:  # working order: priority first, then oldest (network signals may raise one)
        rows = conn.execute(select(cases.c.id, cases.c.priority, cases.c.opened_at)).all()
    first, second = (r.id for r in sorted(rows, key=lambda r: (-r.priority, r.opened_at)))
    with console(rt, "mia", "moderator") as con:
        start = con.post("/console/queues/general/next")
        assert start.headers["location"].endswith(f"/console/cases/{first}")
        r = con.post(f"/console/cases/{first}/decision", {"label": "violating-trafficking", "note": "ring",
                                                          "violating_action": "suspend-account"})
        assert r.status_code == 303 and r.headers["location"].endswith(f"/console/cases/{second}")
        assert "Claimed by <b>mia</b>" in con.get(r.headers["location"]).text  # the next case was claimed
        r = con.post(f"/console/cases/{second}/decision", {"label": "not-violating",
                                                           "violating_action": "remove"})  # ignored: benign
        assert r.headers["location"].endswith("/console/queues?empty=general")
        assert "is empty" in con.get(r.headers["location"]).text
        again = con.post(f"/console/cases/{first}/decision", {"label": "not-violating"})
        assert again.status_code == 409
    with rt.db.read() as conn:
        assert set(conn.execute(select(cases.c.status)).scalars()) == {"closed"}
        decided = conn.execute(select(review_decisions.c.case_id, review_decisions.c.action, review_decisions.c.actor)
                               .order_by(review_decisions.c.created_at)).all()
        claimed = conn.execute(select(audit_events.c.subject_id).where(audit_events.c.name == "case-claimed")).all()
    assert [(d.case_id, d.action, d.actor) for d in decided] == [(first, "suspend-account", "mia"),
                                                                 (second, "allow", "mia")]
    assert [c.subject_id for c in claimed] == [first, second]


def test_a_case_claimed_by_someone_else_cannot_be_decided(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "ann", "moderator") as ann, console(runtime, "mia", "moderator") as mia:
        assert ann.post("/console/queues/general/next").headers["location"].endswith(case_id)
        page = mia.get(f"/console/cases/{case_id}").text
        assert "Claimed by <b>ann</b>" in page and "decision-bar" not in page
        assert mia.post(f"/console/cases/{case_id}/decision", {"label": "not-violating"}).status_code == 409
        assert mia.post("/console/queues/general/next").headers["location"].endswith("empty=general")


def test_overdue_cases_come_first(runtime: Runtime) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    newer = open_case(runtime, risky("p-1", account=Account(id="a1"), phone="206-555-0141"))
    older = open_case(runtime, risky("p-2", account=Account(id="a2"), phone="206-555-0142"))
    with runtime.db.transaction() as conn:
        conn.execute(update(cases).where(cases.c.id == older).values(
            opened_at=datetime.now(UTC) - timedelta(days=3), priority=1))
    with console(runtime, "mia", "moderator") as con:
        page = con.get("/console/queues").text
        assert "sla-overdue" in page
        listed = con.get("/console/queues/general").text
        assert listed.index(older) < listed.index(newer)  # overdue on top, whatever its priority


def test_comments_are_escaped_stored_and_audited(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "mia", "moderator") as con:
        r = con.post(f"/console/cases/{case_id}/comments", {"body": "<b>same phone</b> as last week"},
                     headers={"HX-Request": "true"})
        assert r.status_code == 200 and "&lt;b&gt;same phone&lt;/b&gt;" in r.text
        assert con.post(f"/console/cases/{case_id}/comments", {"body": "   "}).status_code == 422
    with runtime.db.read() as conn:
        assert conn.execute(select(audit_events.c.name).where(audit_events.c.name == "case-comment-added")
                            ).scalar_one() == "case-comment-added"


def test_media_is_blurred_and_every_reveal_is_audited_and_counted(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    post = risky("p-1", media=(media("https://img.example.com/a.jpg"), MediaRef(url="javascript:alert(1)")))
    case_id = open_case(rt, post)
    with console(rt, "mia", "moderator") as con:
        html = con.get(f"/console/cases/{case_id}").text
        imgs = re.findall(r"<img [^>]*>", html)
        assert len(imgs) == 1 and 'class="media blurred grey"' in imgs[0]
        assert 'src="javascript' not in html and "item 1: no displayable http(s) image" in html
        r = con.post("/console/media/reveal", {"case_id": case_id, "version": 1, "position": 0},
                     headers={"X-CSRF-Token": con.token})
        assert r.status_code == 200 and r.json()["exposures"] == 1
        assert con.post("/console/media/reveal", {"case_id": case_id, "version": 1, "position": 1}).status_code \
            == 404  # the javascript: item is never an image
        assert "exposures this shift: <b id=\"exposure-count\">1</b>" in con.get("/console/queues").text
    with rt.db.read() as conn:
        rows = conn.execute(select(audit_events.c.actor, audit_events.c.payload)
                            .where(audit_events.c.name == "media-revealed")).all()
    assert [(r.actor, json.loads(r.payload)["position"]) for r in rows] == [("mia", 0)]


def test_blur_is_forced_in_the_child_safety_queue_whatever_the_preference(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1", queue_minor=True, media=(media("https://img.example.com/b.jpg"),)))
    with console(runtime, "cara", "child-safety") as con:
        saved = con.post("/console/preferences", {"reblur_seconds": "60"})  # blur and greyscale unticked
        assert saved.status_code == 200
        html = con.get(f"/console/cases/{case_id}").text
        assert 'class="media blurred grey"' in html and "always on here" in html
        r = con.post("/console/media/reveal", {"case_id": case_id, "version": 1, "position": 0})
        assert r.json()["reblur_seconds"] == 10  # capped in restricted queues


def test_a_known_bank_image_shows_the_match_never_the_pixels(runtime: Runtime) -> None:
    from adwarden.retro.banks import import_bank

    digest = "cd" * 32
    key = runtime.settings.bank_hmac_key.encode()
    import_bank(runtime.db, "known-images", f"kind,value,label\nsha256,{digest},known-abuse\n".encode(), key=key, fmt="csv",
                actor=ADMIN, rescan=False)
    runtime.refresh_screener()
    case_id = open_case(runtime, risky("p-1", media=(media("https://img.example.com/c.jpg", sha=digest),)))
    with console(runtime, "mia", "moderator") as con:
        html = con.get(f"/console/cases/{case_id}").text
    assert "Image withheld: known-bank match" in html and "known-images" in html
    assert "img.example.com/c.jpg" not in html


def test_next_and_previous_follow_the_working_order(runtime: Runtime) -> None:
    a = open_case(runtime, risky("p-1", account=Account(id="a1"), phone="206-555-0141"))
    b = open_case(runtime, risky("p-2", account=Account(id="a2"), phone="206-555-0142"))
    with runtime.db.read() as conn:
        rows = conn.execute(select(cases.c.id, cases.c.priority, cases.c.risk, cases.c.opened_at)).all()
    first, second = (r.id for r in sorted(rows, key=lambda r: (-r.priority, -r.risk, r.opened_at)))
    assert {first, second} == {a, b}
    with console(runtime, "mia", "moderator") as con:
        assert con.get(f"/console/cases/{first}/step/next", follow_redirects=False).headers["location"].endswith(
            f"/console/cases/{second}")
        assert con.get(f"/console/cases/{second}/step/previous", follow_redirects=False).headers[
            "location"].endswith(f"/console/cases/{first}")
        assert con.get(f"/console/cases/{second}/step/next", follow_redirects=False).headers["location"].endswith(
            "/console/queues/general")
        assert con.get(f"/console/cases/{first}/step/sideways").status_code == 404
