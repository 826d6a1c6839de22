"""The ingest service on SQLite and PostgreSQL: idempotency, versions, identifiers, verdicts, cases, audit."""

from __future__ import annotations

from sqlalchemy import func, select

from adwarden.audit.verify import verify_chain
from adwarden.domain import Actor, CaseStatus
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_post, latest_assessment, list_cases
from adwarden.storage.sql.tables import audit_events, identifiers, post_versions, posts
from tests.factories import post, risky_post

ACTOR = Actor("test-platform", frozenset({"platform"}))


def _count(rt: Runtime, table: object) -> int:
    with rt.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_same_post_twice_is_stored_once(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    first = rt.ingest([post("a")], actor=ACTOR)[0]
    again = rt.ingest([post("a")], actor=ACTOR)[0]
    assert first.status == "accepted" and first.version == 1
    assert again.status == "duplicate" and again.post_id == first.post_id and again.version == 1
    assert _count(rt, posts) == 1 and _count(rt, post_versions) == 1


def test_duplicates_inside_one_batch(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    out = rt.ingest([post("a"), post("a"), post("b")], actor=ACTOR)
    assert [o.status for o in out] == ["accepted", "duplicate", "accepted"]
    assert _count(rt, posts) == 2


def test_edit_keeps_every_version(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    rt.ingest([post("a", body="Original text. Call 206-555-0147.")], actor=ACTOR)
    out = rt.ingest([post("a", body="Edited text.")], actor=ACTOR)[0]
    assert out.status == "new-version" and out.version == 2
    with rt.db.read() as conn:
        stored = get_post(conn, out.post_id)
    assert [v.version for v in stored.versions] == [1, 2]
    assert stored.versions[0].content.body == "Original text. Call 206-555-0147."
    assert stored.latest.content.body == "Edited text."


def test_same_external_id_on_two_sites_is_two_posts(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    out = rt.ingest([post("a", site="one"), post("a", site="two")], actor=ACTOR)
    assert out[0].post_id != out[1].post_id
    assert _count(rt, posts) == 2


def test_risky_post_gets_reasons_identifiers_and_a_case(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    out = rt.ingest([risky_post()], actor=ACTOR)[0]
    assert out.assessment is not None
    verdict = out.assessment.verdict
    assert verdict.open_case and verdict.risk > 0
    assert verdict.reasons, "a risky post must carry its reasons"
    assert out.case_id is not None
    with rt.db.read() as conn:
        kinds = {(r.kind, r.value) for r in conn.execute(select(identifiers.c.kind, identifiers.c.value))}
        cases = list_cases(conn)
        stored = latest_assessment(conn, out.post_id)
    assert ("phone", "+12065550147") in kinds
    assert ("email", "u9@example.com") in kinds
    assert [c.id for c in cases] == [out.case_id] and cases[0].status is CaseStatus.OPEN
    assert cases[0].external_id == "r-1"
    assert stored is not None and stored.verdict.risk == verdict.risk
    assert "policy" in stored.versions


def test_benign_post_is_allowed_without_case(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    out = rt.ingest([post("sofa")], actor=ACTOR)[0]
    assert out.assessment is not None and out.assessment.verdict.action.value == "allow"
    assert out.case_id is None


def test_every_state_change_is_audited_and_chained(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    rt.ingest([risky_post("r-1"), post("b")], actor=ACTOR)
    rt.ingest([post("b", body="changed")], actor=ACTOR)
    with rt.db.read() as conn:
        names = [r.name for r in conn.execute(select(audit_events.c.name).order_by(audit_events.c.seq))]
        report = verify_chain(conn)
    assert names.count("post-accepted") == 2
    assert names.count("post-version-added") == 1
    assert names.count("post-assessed") == 3
    assert names.count("case-opened") == 1
    assert report.ok and report.events == len(names)


def test_identifier_found_in_the_url_has_no_text_span(runtime: Runtime) -> None:
    rt = runtime
    p = post("u-1", body="Garden chairs, two of them.", url="https://example.com/call-206-555-0147")
    rt.ingest([p], actor=ACTOR)
    with rt.db.read() as conn:
        rows = conn.execute(select(identifiers.c.kind, identifiers.c.value, identifiers.c.source,
                                   identifiers.c.start)).all()
    assert [(r.kind, r.value, r.source, r.start) for r in rows] == [("phone", "+12065550147", "url", None)]
