"""The audit log is anchored outside the database: signed checkpoints catch what the chain alone cannot
(a truncated tail with the head moved, everything deleted, a rewritten and fully rehashed chain), and the
data tables are cross-checked against the events about them. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update

from adwarden.audit.checkpoint import check_checkpoints, load_checkpoints, make_checkpoint, write_checkpoint
from adwarden.audit.crosscheck import cross_check
from adwarden.audit.verify import verify_chain
from adwarden.domain.audit import GENESIS_HASH, event_hash
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import audit_events, audit_head, cases, post_versions
from tests.conftest import Cli
from tests.reporting.storefix import store_case

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _anchor(rt: Runtime, directory: Path) -> None:
    with rt.db.read() as conn:
        write_checkpoint(make_checkpoint(conn, KEY, now=NOW), directory)


def _problems(rt: Runtime, directory: Path) -> list[str]:
    loaded = load_checkpoints(directory, public_key=KEY.public_key())
    with rt.db.read() as conn:
        return [*loaded.problems, *check_checkpoints(conn, loaded.checkpoints)]


def _rehash(conn: object) -> None:
    """What an insider with database access does to hide an edit: recompute every hash and the head."""
    prev = GENESIS_HASH
    rows = conn.execute(select(audit_events).order_by(audit_events.c.seq)).all()  # type: ignore[attr-defined]
    for r in rows:
        digest = event_hash(prev_hash=prev, seq=r.seq, name=r.name, actor=r.actor, subject_type=r.subject_type,
                            subject_id=r.subject_id, payload_json=r.payload, created_at=r.created_at)
        conn.execute(update(audit_events).where(audit_events.c.seq == r.seq)  # type: ignore[attr-defined]
                     .values(prev_hash=prev, hash=digest))
        prev = digest
    conn.execute(update(audit_head).values(last_seq=rows[-1].seq if rows else 0, last_hash=prev))  # type: ignore[attr-defined]


@pytest.fixture
def seeded(backend_runtime: Runtime, tmp_path: Path) -> tuple[Runtime, Path]:
    store_case(backend_runtime)
    directory = tmp_path / "checkpoints"
    _anchor(backend_runtime, directory)
    return backend_runtime, directory


def test_clean_log_matches_checkpoints_and_tables(seeded: tuple[Runtime, Path]) -> None:
    rt, directory = seeded
    assert _problems(rt, directory) == []
    with rt.db.read() as conn:
        check = cross_check(conn)
    assert check.problems == [] and check.versions >= 2 and check.cases >= 1


def test_truncated_tail_with_moved_head_is_caught(seeded: tuple[Runtime, Path]) -> None:
    rt, directory = seeded
    with rt.db.transaction() as conn:
        last = conn.execute(select(audit_events.c.seq).order_by(audit_events.c.seq.desc()).limit(1)).scalar_one()
        conn.execute(delete(audit_events).where(audit_events.c.seq >= last - 1))
        prev = conn.execute(select(audit_events.c.hash).where(audit_events.c.seq == last - 2)).scalar_one()
        conn.execute(update(audit_head).values(last_seq=last - 2, last_hash=prev))
    with rt.db.read() as conn:
        assert verify_chain(conn).ok  # the chain alone cannot tell
    assert any("is gone" in p for p in _problems(rt, directory))


def test_everything_deleted_is_caught(seeded: tuple[Runtime, Path]) -> None:
    rt, directory = seeded
    with rt.db.transaction() as conn:
        conn.execute(delete(audit_events))
        conn.execute(delete(audit_head))
    with rt.db.read() as conn:
        assert verify_chain(conn).ok  # "intact: 0 events"
    assert any("is gone" in p for p in _problems(rt, directory))


def test_rewritten_and_rehashed_chain_is_caught(seeded: tuple[Runtime, Path]) -> None:
    rt, directory = seeded
    with rt.db.transaction() as conn:
        conn.execute(update(audit_events).where(audit_events.c.seq == 1).values(actor="someone-else"))
        _rehash(conn)
    with rt.db.read() as conn:
        assert verify_chain(conn).ok
    assert any("another hash" in p for p in _problems(rt, directory))


def test_checkpoint_signed_with_another_key_is_refused(seeded: tuple[Runtime, Path]) -> None:
    rt, directory = seeded
    forger = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    with rt.db.read() as conn:
        write_checkpoint(make_checkpoint(conn, forger, now=NOW, reason="forged"), directory)
    assert any("does not verify" in p for p in _problems(rt, directory))
    path = next(p for p in directory.glob("checkpoint-*.json") if "forged" not in p.read_text())
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "seq": doc["seq"] - 1}))  # edited by hand
    assert sum("does not verify" in p for p in _problems(rt, directory)) == 2


def test_post_body_edited_in_the_database_is_caught(seeded: tuple[Runtime, Path]) -> None:
    rt, _ = seeded
    with rt.db.transaction() as conn:
        conn.execute(update(post_versions).values(body="An innocent ad about a bicycle."))
    with rt.db.read() as conn:
        problems = cross_check(conn).problems
    assert any("does not match its content hash" in p for p in problems)


def test_recomputed_content_hash_still_caught(seeded: tuple[Runtime, Path]) -> None:
    rt, _ = seeded
    with rt.db.transaction() as conn:
        conn.execute(update(post_versions).values(body=None, title="edited", content_hash="0" * 64))
    with rt.db.read() as conn:
        problems = cross_check(conn).problems
    assert any("differs from the one its audit event recorded" in p for p in problems)


def test_case_moved_out_of_the_restricted_queue_is_caught(seeded: tuple[Runtime, Path]) -> None:
    rt, _ = seeded
    with rt.db.transaction() as conn:
        conn.execute(update(cases).values(queue="general"))
    with rt.db.read() as conn:
        problems = cross_check(conn).problems
    assert any("queue is 'general' but its audit events say 'child-safety'" in p for p in problems)


def test_cli_checkpoint_then_verify(cli: Cli, tmp_path: Path) -> None:
    directory = tmp_path / "cps"
    r = cli("audit", "checkpoint", "--dir", str(directory), "--json")
    assert r.exit_code == 0, r.output
    assert cli("audit", "verify", "--checkpoints", str(directory)).exit_code == 0
    (directory / "checkpoint-000000009999-x.json").write_text("{}")
    bad = cli("audit", "verify", "--checkpoints", str(directory))
    assert bad.exit_code == 1 and "not a checkpoint" in bad.stderr
