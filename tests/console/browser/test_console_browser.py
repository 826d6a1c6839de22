"""The console in a real headless Chromium: sign in, claim, evidence, wellness, keyboard decisions reaching
the platform's webhook, a network decision, CyberTip drafting blocked by the linter, and hostile ad text."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select, update

from adwarden.actions.endpoints import register_endpoint
from adwarden.actions.receiver import Receiver
from adwarden.domain import Account, MediaRef
from adwarden.networks.service import build_from_storage
from adwarden.storage.sql.tables import audit_events, cases
from adwarden.storage.sql.tables_review import review_decisions
from tests.console.browser.conftest import LiveServer, sign_in
from tests.console.helpers import ADMIN, PASSWORD, PLATFORM, make_user, open_case, risky
from tests.console.test_hostile_text import HOSTILE_BODY, HOSTILE_TITLE


def _events(live: LiveServer, name: str) -> list[dict[str, Any]]:
    with live.runtime.db.read() as conn:
        rows = conn.execute(select(audit_events.c.actor, audit_events.c.payload)
                            .where(audit_events.c.name == name).order_by(audit_events.c.seq)).all()
    return [{"actor": r.actor, **json.loads(r.payload)} for r in rows]


def _wait(predicate: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_claim_see_evidence_reveal_and_decide_by_keyboard(live: LiveServer, page: Any, image_server: str) -> None:
    rt = live.runtime
    secret = "browser-test-webhook-secret"
    with Receiver(secret) as rcv:
        register_endpoint(rt.db, site="example-classifieds", url=rcv.url, actor=ADMIN, secret=secret)
        case_id = open_case(rt, risky("b-1", media=(MediaRef(url=f"{image_server}/img/1.png", sha256="ab" * 32),)))
        make_user(rt, "mia", "moderator")
        sign_in(page, live, "mia", PASSWORD)
        page.wait_for_selector("table.queues")
        page.keyboard.press("Enter")  # "Next case": claims the lease
        page.wait_for_url(f"**/console/cases/{case_id}")
        assert "Claimed by mia" in page.inner_text(".claim-state")
        assert "206-555-0147" in page.inner_text(".post-text mark.ev-phone")
        assert page.locator(".post-text mark.ev-indicator").count() >= 2
        assert "19" in " ".join(page.locator(".post-text mark.ev-age").all_inner_texts())
        mark_colour = page.locator(".post-text mark.ev-phone").evaluate("e => getComputedStyle(e).backgroundColor")
        assert mark_colour not in ("rgba(0, 0, 0, 0)", "transparent")  # visibly highlighted
        img = page.locator("img.media").first
        img.wait_for()
        assert "blur" in img.evaluate("e => getComputedStyle(e).filter")
        assert "grayscale" in img.evaluate("e => getComputedStyle(e).filter")
        img.click()
        page.wait_for_function("() => document.querySelector('img.media').classList.contains('revealed')")
        page.wait_for_function("() => getComputedStyle(document.querySelector('img.media')).filter === 'none'")
        assert page.inner_text("#exposure-count") == "1"
        assert [e["position"] for e in _events(live, "media-revealed")] == [0]
        page.keyboard.press("?")
        assert "Decide: violating-trafficking" in page.inner_text("#help")
        page.keyboard.press("Escape")
        page.keyboard.press("t")  # violating-trafficking, default action remove
        page.wait_for_url("**/console/queues?empty=general")
        assert _wait(lambda: bool(rcv.received)), "the webhook receiver got no event"
        body = rcv.received[0]["body"]
        assert body["post"]["external_id"] == "b-1" if "post" in body else "b-1" in json.dumps(body)
    with rt.db.read() as conn:
        assert conn.execute(select(cases.c.status).where(cases.c.id == case_id)).scalar_one() == "closed"
        assert conn.execute(select(review_decisions.c.label)).scalar_one() == "violating-trafficking"


def test_reveal_re_blurs_after_the_timeout(live: LiveServer, page: Any, image_server: str) -> None:
    rt = live.runtime
    case_id = open_case(rt, risky("b-2", media=(MediaRef(url=f"{image_server}/img/2.png", sha256="cd" * 32),)))
    make_user(rt, "mia", "moderator")
    sign_in(page, live, "mia", PASSWORD)
    page.goto(f"{live.url}/console/preferences")
    page.fill("input[name=reblur_seconds]", "3")
    page.click("form[action$='/preferences'] button[type=submit]")
    page.goto(f"{live.url}/console/cases/{case_id}")
    page.click("button.reveal")
    page.wait_for_function("() => document.querySelector('img.media').classList.contains('revealed')")
    page.wait_for_function("() => document.querySelector('img.media').classList.contains('blurred')",
                           timeout=8000)
    assert "blur" in page.locator("img.media").evaluate("e => getComputedStyle(e).filter")


def test_review_a_network_as_one_case(live: LiveServer, page: Any) -> None:
    rt = live.runtime
    ids = [open_case(rt, risky(f"ring-{i}", phone="206-555-0177", account=Account(id=f"ring-{i}"),
                               location=city)) for i, city in enumerate(("Seattle, WA", "Portland, OR"))]
    build_from_storage(rt.db, actor=ADMIN)
    make_user(rt, "mia", "moderator")
    sign_in(page, live, "mia", PASSWORD)
    page.goto(f"{live.url}/console/networks")
    page.click("a[href*='/console/networks/net-']")
    page.wait_for_selector("#network-decision")
    assert "+12065550177" in page.inner_text("body")
    page.select_option("select[name=label]", "violating-trafficking")
    page.click("#network-decision button[type=submit]")
    page.wait_for_selector(".results")
    with rt.db.read() as conn:
        statuses = {conn.execute(select(cases.c.status).where(cases.c.id == c)).scalar_one() for c in ids}
    assert statuses == {"closed"}


def test_draft_a_cybertip_and_see_a_linter_error_block_submit(live: LiveServer, page: Any) -> None:
    rt = live.runtime
    case_id = open_case(rt, risky("b-3", queue_minor=True))
    make_user(rt, "cara", "child-safety")
    sign_in(page, live, "cara", PASSWORD)
    page.goto(f"{live.url}/console/cases/{case_id}/cybertip")
    assert page.locator("#cybertip-submit").is_disabled()
    page.check("input[name=escalate]")
    page.wait_for_function("() => document.querySelector('#cybertip-findings').innerText.includes('escalation_reason')")
    assert page.locator("#cybertip-submit").is_disabled()
    page.fill("textarea[name=escalation_reason]", "Stated age 16; moving between cities")
    page.wait_for_function(
        "() => !document.querySelector('#cybertip-findings').innerText.includes('escalation_reason')")
    assert "reporter.email" in page.inner_text("#cybertip-findings")  # still missing: submit stays blocked
    assert page.locator("#cybertip-submit").is_disabled()


def test_hostile_ad_text_runs_no_script_and_sends_no_request(live: LiveServer, page: Any) -> None:
    rt = live.runtime
    post = risky("h-1", title=HOSTILE_TITLE, body=HOSTILE_BODY,
                 media=(MediaRef(url="javascript:alert(4)"), MediaRef(url="data:image/svg+xml,<svg onload=alert(5)>")))
    case_id = open_case(rt, post)
    make_user(rt, "mia", "moderator")
    sign_in(page, live, "mia", PASSWORD)
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live.url}/console/cases/{case_id}")
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Case ")
    assert dialogs == []
    outside = [u for u in requests if not u.startswith(live.url)]
    assert outside == [], outside
    text = page.inner_text(".post-text")
    assert "<script>" in text and "onerror=alert(1)" in text and "U+202E" in text
    assert page.locator(".post-text img, .post-text script, .post-text a, .post-text svg").count() == 0


def test_an_expired_claim_does_not_block_and_sla_is_shown(live: LiveServer, page: Any) -> None:
    """Opening a case directly shows its claim and SLA state; an unclaimed case can be claimed with 'a'."""
    rt = live.runtime
    case_id = open_case(rt, risky("b-4"))
    with rt.db.transaction() as conn:
        conn.execute(update(cases).where(cases.c.id == case_id).values(priority=10))
    make_user(rt, "mia", "moderator")
    sign_in(page, live, "mia", PASSWORD)
    page.goto(f"{live.url}/console/cases/{case_id}")
    assert "Not claimed" in page.inner_text(".claim-state")
    page.keyboard.press("a")
    page.wait_for_selector("text=Claimed by mia")
    assert _events(live, "case-claimed")[0]["actor"] == "mia"
    assert PLATFORM.name != "mia"


def test_a_moderator_works_the_demo_queue_to_empty_with_the_keyboard(live: LiveServer, page: Any) -> None:
    """The issue's "done": the demo marketplace's queues, worked by keyboard only (Enter claims, n decides)."""
    from adwarden.demo.generate import generate_posts
    from adwarden.ingest.schema import validate_post

    rt = live.runtime
    rt.ingest([validate_post(p, record=f"line {i}") for i, p in enumerate(generate_posts(400, seed=3))],
              actor=PLATFORM)
    visible = [q for q, r in rt.screener.policy.queues.items() if not r.restricted]
    with rt.db.read() as conn:
        todo = conn.execute(select(cases.c.id).where(cases.c.status == "open", cases.c.queue.in_(visible))).all()
    assert todo, "the demo corpus should open cases in the moderator's queues"
    make_user(rt, "mia", "moderator")
    sign_in(page, live, "mia", PASSWORD)
    for _ in range(2 * (len(todo) + len(visible))):
        page.wait_for_selector("html[data-console-ready]", state="attached")
        if "/console/cases/" in page.url:
            key = "n"
        elif page.locator("[data-key=Enter]").count():
            key = "Enter"
        else:
            break
        with page.expect_navigation():
            page.keyboard.press(key)
    with rt.db.read() as conn:
        left = conn.execute(select(cases.c.id).where(cases.c.status == "open", cases.c.queue.in_(visible))).all()
    assert left == [] and "/console/queues" in page.url
