"""Preservation holds and retention: held data survives purge; release is explicit, checked and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, Table, func, select

from adwarden.domain import Conflict, InputError, PermissionDenied
from adwarden.legal.holds import get_hold, held_ids, is_held, list_holds, place_hold, release_hold
from adwarden.legal.retention import purge
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import assessments, audit_events, identifiers, media, post_versions, posts
from adwarden.storage.sql.tables_legal import hold_items

from .storefix import ADMIN, LIAISON, MODERATOR, ad, backdate, store

FUTURE = datetime.now(UTC) + timedelta(days=90)


@pytest.fixture
def runtime(backend_runtime: Runtime) -> Runtime:
    """Every test here runs on SQLite and, when ADWARDEN_TEST_POSTGRES_URL is set, on PostgreSQL."""
    return backend_runtime


def _count(conn: Connection, table: Table, post_id: str) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(table.c.post_id == post_id)).scalar_one())


@pytest.fixture
def seeded(runtime: Runtime) -> dict[str, str]:
    a1, b1 = store(runtime, ad("a1", phone="206-555-0147", account="u-1"), ad("b1", phone="206-555-0199", account="u-2"))
    # a second version of a1 (edited), and a post from the same account with another phone
    (a1v2,) = store(runtime, ad("a1", phone="206-555-0147", account="u-1", body="Edited text. Call 206-555-0147."))
    assert a1v2 == a1
    (c1,) = store(runtime, ad("c1", phone="206-555-0188", account="u-3"))
    return {"a1": a1, "b1": b1, "c1": c1}


def test_hold_freezes_everything_the_target_reaches(runtime: Runtime, seeded: dict[str, str]) -> None:
    with runtime.db.transaction() as conn:
        hold_id = place_hold(conn, targets=["phone:+12065550147"], reason="2703(f) test", expires_at=FUTURE,
                             source="legal:test", actor=LIAISON)
    with runtime.db.read() as conn:
        hold = get_hold(conn, hold_id)
        assert hold.item_counts["post"] == 1
        assert hold.item_counts["post_version"] == 2  # all versions
        assert hold.item_counts["account"] == 1
        assert hold.item_counts["identifier"] >= 2
        assert hold.item_counts["assessment"] >= 2
        assert is_held(conn, "post", seeded["a1"])
        assert is_held(conn, "post_version", f"{seeded['a1']}:1")
        assert is_held(conn, "account", "example-classifieds:u-1")
        assert not is_held(conn, "post", seeded["b1"])
        ids = {str(i) for i in conn.execute(select(identifiers.c.id).where(identifiers.c.post_id == seeded["a1"])).scalars()}
        assert held_ids(conn, "identifier", ids) == ids
        events = conn.execute(select(audit_events.c.name, audit_events.c.subject_id)
                              .where(audit_events.c.name == "hold-placed")).all()
        assert [(e.name, e.subject_id) for e in events] == [("hold-placed", hold_id)]


def test_account_target_reaches_all_its_posts(runtime: Runtime, seeded: dict[str, str]) -> None:
    (a2,) = store(runtime, ad("a2", phone="206-555-0177", account="u-1"))
    with runtime.db.transaction() as conn:
        hold_id = place_hold(conn, targets=["account:u-1"], reason="r", expires_at=None, source="manual",
                             actor=LIAISON)
        assert held_ids(conn, "post", [seeded["a1"], a2, seeded["b1"]]) == {seeded["a1"], a2}
        assert get_hold(conn, hold_id).expires_at is None


def test_unmatched_targets_still_make_a_hold(runtime: Runtime, seeded: dict[str, str]) -> None:
    with runtime.db.transaction() as conn:
        hold_id = place_hold(conn, targets=["email:nobody@example.org"], reason="r", expires_at=FUTURE,
                             source="cybertip:1", actor="reporting-service")
        hold = get_hold(conn, hold_id)
    assert hold.targets == ("email:nobody@example.org",) and hold.item_counts["post"] == 0
    assert hold.created_by == "reporting-service"


def test_hold_input_errors(runtime: Runtime) -> None:
    with runtime.db.transaction() as conn:
        with pytest.raises(InputError, match="past"):
            place_hold(conn, targets=["post:x"], reason="r", expires_at=datetime.now(UTC) - timedelta(days=1),
                       source="s", actor=LIAISON)
        with pytest.raises(InputError, match="reason"):
            place_hold(conn, targets=["post:x"], reason=" ", expires_at=None, source="s", actor=LIAISON)
        with pytest.raises(InputError, match="KIND:VALUE"):
            place_hold(conn, targets=["bogus"], reason="r", expires_at=None, source="s", actor=LIAISON)
        with pytest.raises(PermissionDenied):
            place_hold(conn, targets=["post:x"], reason="r", expires_at=None, source="s", actor=MODERATOR)


def test_release_is_explicit_checked_and_audited(runtime: Runtime, seeded: dict[str, str]) -> None:
    with runtime.db.transaction() as conn:
        hold_id = place_hold(conn, targets=[f"post:{seeded['a1']}"], reason="r", expires_at=FUTURE, source="s",
                             actor=LIAISON)
    with runtime.db.transaction() as conn:
        with pytest.raises(PermissionDenied):
            release_hold(conn, hold_id=hold_id, reason="done", actor=MODERATOR)
        with pytest.raises(InputError, match="reason"):
            release_hold(conn, hold_id=hold_id, reason="", actor=LIAISON)
    with runtime.db.read() as conn:
        assert is_held(conn, "post", seeded["a1"])
    with runtime.db.transaction() as conn:
        released = release_hold(conn, hold_id=hold_id, reason="process served and answered", actor=LIAISON)
    assert released.released_by == "lee.liaison"
    with runtime.db.read() as conn:
        assert not is_held(conn, "post", seeded["a1"])
        assert list_holds(conn) == []
        assert len(list_holds(conn, active_only=False)) == 1
        # the item list is kept: what was preserved stays provable
        assert conn.execute(select(func.count()).select_from(hold_items)).scalar_one() > 0
        names = list(conn.execute(select(audit_events.c.name).where(audit_events.c.subject_id == hold_id)).scalars())
        assert names == ["hold-placed", "hold-released"]
    with runtime.db.transaction() as conn, pytest.raises(Conflict, match="already released"):
        release_hold(conn, hold_id=hold_id, reason="again", actor=LIAISON)


def test_expired_hold_no_longer_holds(runtime: Runtime, seeded: dict[str, str]) -> None:
    soon = datetime.now(UTC) + timedelta(days=1)
    with runtime.db.transaction() as conn:
        place_hold(conn, targets=[f"post:{seeded['a1']}"], reason="r", expires_at=soon, source="s", actor=LIAISON)
    with runtime.db.read() as conn:
        assert is_held(conn, "post", seeded["a1"])
        assert not is_held(conn, "post", seeded["a1"], now=soon + timedelta(seconds=1))


def test_purge_leaves_held_data_intact(runtime: Runtime, seeded: dict[str, str]) -> None:
    a1, b1, c1 = seeded["a1"], seeded["b1"], seeded["c1"]
    backdate(runtime, [a1, b1], days=400)  # c1 stays young
    with runtime.db.read() as conn:
        before = {t.name: _count(conn, t, a1) for t in (post_versions, identifiers, media, assessments)}
    assert all(n > 0 for n in before.values()), before
    with runtime.db.transaction() as conn:
        place_hold(conn, targets=["phone:+12065550147"], reason="CyberTip", expires_at=FUTURE, source="cybertip:9",
                   actor=LIAISON)
    with runtime.db.transaction() as conn:
        dry = purge(conn, older_than_days=365, actor=ADMIN, dry_run=True)
    assert dry.purged == (b1,) and dry.kept_held == 1
    with runtime.db.transaction() as conn:
        result = purge(conn, older_than_days=365, actor=ADMIN)
    assert result.purged == (b1,) and result.kept_held == 1 and not result.dry_run
    with runtime.db.read() as conn:
        remaining = set(conn.execute(select(posts.c.id)).scalars())
        assert remaining == {a1, c1}
        assert {t.name: _count(conn, t, a1) for t in (post_versions, identifiers, media, assessments)} == before
        for table in (post_versions, identifiers, assessments):
            assert _count(conn, table, b1) == 0
        purged_events = conn.execute(select(audit_events.c.payload).where(audit_events.c.name == "retention-purged")).all()
        assert len(purged_events) == 1 and b1 in purged_events[0].payload


def test_purge_after_release_removes_formerly_held(runtime: Runtime, seeded: dict[str, str]) -> None:
    a1 = seeded["a1"]
    backdate(runtime, [a1], days=30)
    with runtime.db.transaction() as conn:
        hold_id = place_hold(conn, targets=[f"post:{a1}"], reason="r", expires_at=FUTURE, source="s", actor=LIAISON)
    with runtime.db.transaction() as conn:
        assert purge(conn, older_than_days=7, actor=ADMIN).purged == ()
        release_hold(conn, hold_id=hold_id, reason="closed", actor=LIAISON)
    with runtime.db.transaction() as conn:
        assert purge(conn, older_than_days=7, actor=ADMIN).purged == (a1,)


def test_purge_needs_permission_and_sane_days(runtime: Runtime) -> None:
    with runtime.db.transaction() as conn:
        with pytest.raises(PermissionDenied):
            purge(conn, older_than_days=30, actor=LIAISON)
        with pytest.raises(InputError, match="at least 1"):
            purge(conn, older_than_days=0, actor=ADMIN)
