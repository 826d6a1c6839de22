"""A bank import or policy activation committed by another process is used by the very next ingest, and rescans
judge the live version the way ingest does. Each test failed before the screening-state version and
``screen_stored`` existed (the server learned of an import at its next 5-second poll, and rescans screened the
latest stored version)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from adwarden.domain import Actor
from adwarden.ingest.identity import post_id_for
from adwarden.policy import default_policy_text
from adwarden.retro.banks import import_bank
from adwarden.retro.policies import activate_policy
from adwarden.retro.rescan import queue_full_rescan, run_pending
from adwarden.runtime import BaseDetectors, Runtime, build_runtime
from adwarden.storage.sql.queries import get_post, latest_assessment
from tests.factories import post

ACTOR = Actor.system("test")
ADMIN = Actor("ana", frozenset({"admin"}))
KEY = b"test-bank-key-0123456789abcdef0123"


def _bank_hits(rt: Runtime, external_id: str) -> list[str]:
    with rt.db.read() as conn:
        a = latest_assessment(conn, post_id_for("example-classifieds", external_id))
    assert a is not None
    return [e.label for e in a.verdict.reasons if e.detector == "bank"]


def test_a_post_sent_right_after_another_process_imports_a_bank_is_flagged(
        backend_runtime: Runtime, shared_base: BaseDetectors) -> None:
    server = backend_runtime
    server.ingest([post("warm", body="Table for sale")], actor=ACTOR)  # the server has loaded its screener
    cli = build_runtime(server.settings, migrate=False, base=shared_base)  # another process
    try:
        key = server.settings.bank_hmac_key.encode("utf-8")
        res = import_bank(cli.db, "ring", b"kind,value,label\nphone,206-555-0105,trafficking\n", key=key,
                          actor=ADMIN, source="ring.csv")
        assert res.rescan_job is None  # no stored post carried the phone when it committed
        server.ingest([post("after", body="Call 206-555-0105 tonight")], actor=ACTOR)  # no poll in between
        assert _bank_hits(server, "after") == ["trafficking"]
        assert server.screener.versions["policy"] and "bank" in server.screener.registry.names()
    finally:
        cli.db.dispose()


def test_a_policy_activated_elsewhere_is_used_at_once(runtime: Runtime, shared_base: BaseDetectors,
                                                      tmp_path: Path) -> None:
    server = runtime
    server.ingest([post("warm")], actor=ACTOR)
    strict = tmp_path / "strict.toml"
    strict.write_text(default_policy_text().decode().replace('version = "2026.11.0"', 'version = "strict-2"'))
    cli = build_runtime(server.settings, migrate=False, base=shared_base)
    try:
        activate_policy(cli.db, strict, actor=ADMIN, rescan=False)
        [out] = server.ingest([post("next", body="Bookshelf")], actor=ACTOR)
        assert out.assessment is not None and out.assessment.versions["policy"] == "strict-2"
    finally:
        cli.db.dispose()


def test_rescans_judge_the_live_version_and_repeat_without_changes(backend_runtime: Runtime,
                                                                   tmp_path: Path) -> None:
    rt = backend_runtime
    harmful = post("r", body="Call 206-555-0106 tonight")
    rt.ingest([harmful], actor=ACTOR)
    rt.ingest([post("r", body="Oak chair, e-mail only")], actor=ACTOR)  # version 2
    rt.ingest([harmful], actor=ACTOR)  # reverted: version 1 is live again, version 2 is the latest stored
    pid = post_id_for("example-classifieds", "r")
    with rt.db.read() as conn:
        stored = get_post(conn, pid)
    assert (stored.current.version, stored.latest.version) == (1, 2)
    import_bank(rt.db, "ring", b"kind,value,label\nphone,206-555-0106,trafficking\n",
                key=rt.settings.bank_hmac_key.encode("utf-8"), actor=ADMIN, rescan=False)
    queue_full_rescan(rt.db, actor=ADMIN)
    [first] = run_pending(rt, actor=ADMIN)
    assert first.changed == 1  # the live version carries the banked phone
    with rt.db.read() as conn:
        a = latest_assessment(conn, pid)
    assert a is not None and a.version == 1 and a.trigger == "rescan"
    assert [e.label for e in a.verdict.reasons if e.detector == "bank"] == ["trafficking"]
    queue_full_rescan(rt.db, actor=ADMIN)
    [second] = run_pending(rt, actor=ADMIN)
    assert (second.done, second.changed) == (second.total, 0)  # a repeated rescan changes nothing


def test_a_job_another_worker_holds_is_not_run_twice(backend_runtime: Runtime) -> None:
    from sqlalchemy import update

    from adwarden.retro.rescan import get_job, run_rescan, take_lease
    from adwarden.storage.sql.tables_banks import rescan_jobs

    rt = backend_runtime
    rt.ingest([post(f"p{i}", body=f"Item {i}") for i in range(6)], actor=ACTOR)
    job_id = queue_full_rescan(rt.db, actor=ADMIN)
    with rt.db.transaction() as conn:  # the server's worker is in the middle of the job
        assert take_lease(conn, job_id, "server-worker")
    left = run_rescan(rt, job_id, actor=ADMIN, worker="cli")
    assert (left.status, left.done) == ("running", 0)  # the CLI leaves it to the lease holder
    with rt.db.transaction() as conn:  # the server died: its lease runs out
        conn.execute(update(rescan_jobs).where(rescan_jobs.c.id == job_id).values(
            lease_until=datetime.now(UTC) - timedelta(seconds=1)))
    done = run_rescan(rt, job_id, actor=ADMIN, worker="cli")
    assert (done.status, done.done, done.total) == ("done", 6, 6)
    with rt.db.read() as conn:
        assert get_job(conn, job_id).done == 6  # never twice its total
