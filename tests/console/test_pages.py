"""The desk, banks, policy, CyberTip, network, dashboard and audit pages, each through its own service."""

from __future__ import annotations

import re

from sqlalchemy import select

from adwarden.domain import Account
from adwarden.networks.service import build_from_storage
from adwarden.policy.loader import default_policy_text
from adwarden.runtime import Runtime
from adwarden.storage.sql.networks import list_networks
from adwarden.storage.sql.tables import audit_events, cases
from adwarden.storage.sql.tables_review import review_decisions
from tests.console.helpers import ADMIN, console, open_case, risky


def _ring(rt: Runtime) -> tuple[str, list[str]]:
    """Three posts sharing a phone (a synthetic ring), linked into one network."""
    ids = [open_case(rt, risky(f"ring-{i}", phone="206-555-0177", account=Account(id=f"ring-{i}"),
                               location=city, posted_at=None))
           for i, city in enumerate(("Seattle, WA", "Portland, OR", "Boise, ID"))]
    build_from_storage(rt.db, actor=ADMIN)
    with rt.db.read() as conn:
        nets = list_networks(conn)
    assert nets, "the shared phone should link the posts"
    return nets[0]["id"], ids


def test_network_page_shows_links_and_why_and_says_when_no_route_exists(runtime: Runtime) -> None:
    network_id, _ = _ring(runtime)
    with console(runtime, "mia", "moderator") as con:
        html = con.get(f"/console/networks/{network_id}").text
    assert "+12065550177" in html and "phone" in html
    assert "no posting time" in html and "no route can be drawn" in html


def test_one_decision_for_the_network_with_a_per_post_override(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    network_id, case_ids = _ring(rt)
    with console(rt, "mia", "moderator") as con:
        with rt.db.read() as conn:
            post_of = dict(conn.execute(select(cases.c.id, cases.c.post_id)).all())
        r = con.post(f"/console/networks/{network_id}/decision",
                     {"label": "violating-trafficking", "action": "remove",
                      f"override-{post_of[case_ids[2]]}": "keep-open", "note": "ring"})
        assert r.status_code == 200 and "Decision applied" in r.text
        assert "kept out (override)" in r.text
    with rt.db.read() as conn:
        status = dict(conn.execute(select(cases.c.id, cases.c.status)).all())
        decided = conn.execute(select(review_decisions.c.case_id).where(
            review_decisions.c.scope == "network")).scalars().all()
    assert [status[c] for c in case_ids] == ["closed", "closed", "open"]
    assert sorted(decided) == sorted(case_ids[:2])


def test_cybertip_findings_block_submit_until_requirements_are_met(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1", queue_minor=True))
    with console(runtime, "cara", "child-safety") as con:
        page = con.get(f"/console/cases/{case_id}/cybertip").text
        assert "Missing: submission blocked" in page and "reporter.email" in page
        assert re.search(r'id="cybertip-submit" disabled', page)
        live = con.post(f"/console/cases/{case_id}/cybertip/check",
                        {"incident_type": "Child Sex Trafficking", "escalate": "1", "escalation_reason": ""},
                        headers={"HX-Request": "true"})
        assert "escalation_reason" in live.text and "disabled" in live.text
        refused = con.post(f"/console/cases/{case_id}/cybertip", {"action": "submit"})
        assert refused.status_code == 422 and "Not submitted" in refused.text and "reporter" in refused.text
        assert con.post(f"/console/cases/{case_id}/cybertip/check", {"incident_type": "Nope"}).text.count(
            "unknown incident type") == 1
    with runtime.db.read() as conn:
        assert conn.execute(select(audit_events.c.name).where(audit_events.c.name == "report-drafted")).first()


def test_bank_import_names_bad_lines_and_the_debugger_finds_matches(runtime: Runtime) -> None:
    with console(runtime, "ada", "admin") as con:
        bad = con.post("/console/banks/import", {"name": "known-phones",
                                                 "text": "kind,value,label\nphone,+12065550100,ring\nphone,,x\n"})
        assert bad.status_code == 422 and ":3:" in bad.text and "Nothing was imported" in bad.text
        ok = con.post("/console/banks/import", {"name": "known-phones",
                                                "text": "kind,value,label\nphone,+12065550100,ring\n"})
        assert ok.status_code == 200 and "1 added" in ok.text
        assert re.search(r"known-phones</td>.*?<td class=\"num\">1</td>", ok.text.replace("\n", " "))
        hit = con.post("/console/banks/debug", {"kind": "phone", "value": "(206) 555-0100"})
        assert "1 match(es)" in hit.text and "ring" in hit.text
        miss = con.post("/console/banks/debug", {"kind": "phone", "value": "206-555-0199"})
        assert "0 match(es)" in miss.text
        bad_pdq = con.post("/console/banks/debug", {"kind": "pdq", "value": "zz"})
        assert bad_pdq.status_code == 422 and "64 hex" in bad_pdq.text


def test_policy_candidate_is_validated_diffed_backtested_and_activated(runtime: Runtime) -> None:
    open_case(runtime, risky("p-1"))
    with console(runtime, "ada", "admin") as con:
        page = con.get("/console/policy").text
        assert runtime.screener.policy.version in page
        text = default_policy_text().decode("utf-8")
        broken = con.post("/console/policy/candidate", {"text": text.replace("review_threshold = 40",
                                                                            "review_threshold = 'x'")})
        assert broken.status_code == 422 and "candidate.toml:" in broken.text
        lower = text.replace("review_threshold = 40", "review_threshold = 20").replace(
            'version = "2026.11.0"', 'version = "2026.12.0-test"')
        diff = con.post("/console/policy/candidate", {"text": lower})
        assert diff.status_code == 200 and "posts replayed" in diff.text and "review_threshold = 20" in diff.text
        digest = re.search(r'name="digest" value="([0-9a-f]{64})"', diff.text).group(1)  # type: ignore[union-attr]
        done = con.post("/console/policy/activate", {"digest": digest})
        assert "Activated policy 2026.12.0-test" in done.text
    assert runtime.screener.policy.version == "2026.12.0-test"


def test_audit_browser_filters_and_verifies_the_chain(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "cory", "compliance") as con:
        page = con.get("/console/audit", params={"subject": case_id}).text
        assert "<code>case-opened</code>" in page and "<code>post-accepted</code>" not in page
        state = con.post("/console/audit/verify", {}, headers={"HX-Request": "true"}).text
        assert "Chain intact" in state


def test_dashboard_draws_charts_and_the_transparency_report(runtime: Runtime) -> None:
    open_case(runtime, risky("p-1"))
    with console(runtime, "ada", "admin") as con:
        html = con.get("/console/dashboard").text
    assert html.count("<svg") >= 4 and "Open cases at the end of each day" in html
    assert "Transparency report" in html


def test_legal_desk_lists_requests_and_produces_a_package(runtime: Runtime) -> None:
    from adwarden.legal.service import deadline_policy, do_intake_request

    open_case(runtime, risky("p-1"))
    with runtime.db.transaction() as conn:
        req = do_intake_request(conn, request_type="subpoena", agency="Example County Sheriff",
                                authority="Subpoena 2026-17", targets=["phone:+12065550147"], actor=ADMIN,
                                policy=deadline_policy(runtime.settings))
    with console(runtime, "leo", "le-liaison") as con:
        desk = con.get("/console/legal").text
        assert req.id in desk and "Example County Sheriff" in desk
        for status in ("in_review", "producing"):
            assert con.post(f"/console/legal/{req.id}/transition", {"status": status}).status_code == 303
        r = con.post(f"/console/legal/{req.id}/produce", {"recipient": "Det. Example"})
        assert r.status_code == 303
        page = con.get(r.headers["location"]).text
        assert "Produced" in page and "manifest SHA-256" in page


def test_a_report_ncmec_decision_drafts_the_cybertip_and_opens_it(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1", queue_minor=True))
    with console(runtime, "cara", "child-safety") as con:
        r = con.post(f"/console/cases/{case_id}/decision", {"label": "violating-child-sexual-exploitation",
                                                            "violating_action": "report-ncmec"})
        assert r.status_code == 303 and r.headers["location"].endswith(f"/console/cases/{case_id}/cybertip")
        page = con.get(f"/console/cases/{case_id}").text
        assert "CyberTips" in page and "draft" in page
