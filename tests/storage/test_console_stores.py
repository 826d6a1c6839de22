"""Contract tests of the stores behind the console, rescans and the API edge, on SQLite and PostgreSQL: the
working order of a queue, and database failures arriving as domain errors (never as driver exceptions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from adwarden.domain import Actor, Conflict, InputError, StorageError
from adwarden.runtime import Runtime
from adwarden.storage.sql.console_store import comments_of, find_user, insert_comment
from adwarden.storage.sql.errors import ConstraintViolation, UnstorableValue, domain_error
from adwarden.storage.sql.queue_store import open_cases_at, posts_with_cases_in, working_order_ids
from adwarden.storage.sql.tables import cases
from adwarden.storage.sql.tables_review import case_work
from tests.console.helpers import open_case, risky

PLATFORM = Actor("shop", frozenset({"platform"}))


def _three_cases(rt: Runtime) -> tuple[str, str, str, str]:
    ids = [open_case(rt, risky(f"w-{i}", phone=f"206-555-014{i}")) for i in range(3)]
    with rt.db.read() as conn:
        queues = {r.queue for r in conn.execute(select(cases.c.queue).where(cases.c.id.in_(ids)))}
    assert len(queues) == 1
    return ids[0], ids[1], ids[2], queues.pop()


def test_working_order_puts_overdue_cases_first_by_their_sla_clock(backend_runtime: Runtime) -> None:
    """Overdue (clock started at or before the cut-off) first; a reopened case's clock is its restart, not its
    opening; then priority."""
    rt = backend_runtime
    fresh, overdue, reopened, queue = _three_cases(rt)
    now = datetime.now(UTC)
    with rt.db.transaction() as conn:
        conn.execute(update(cases).where(cases.c.id == fresh).values(priority=90, opened_at=now))
        conn.execute(update(cases).where(cases.c.id.in_([overdue, reopened]))
                     .values(priority=10, opened_at=now - timedelta(days=3)))
        conn.execute(insert(case_work).values(case_id=reopened, kind="post", sla_started_at=now))
    with rt.db.read() as conn:
        order = working_order_ids(conn, queue, overdue_before=now - timedelta(days=1), limit=10)
        assert order[0] == overdue
        assert order.index(fresh) < order.index(reopened)  # both on time: priority decides
        assert working_order_ids(conn, queue, overdue_before=now - timedelta(days=1), limit=1) == [overdue]
        assert working_order_ids(conn, "no-such-queue", overdue_before=now, limit=10) == []


def test_open_cases_at_counts_what_was_open_then(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    first, second, _third, queue = _three_cases(rt)
    now = datetime.now(UTC)
    with rt.db.transaction() as conn:
        conn.execute(update(cases).where(cases.c.id == first).values(opened_at=now - timedelta(days=2),
                                                                     closed_at=now - timedelta(days=1)))
    with rt.db.read() as conn:
        assert open_cases_at(conn, now - timedelta(days=1, hours=12), queues=[queue]) == 1  # only the closed one
        assert open_cases_at(conn, now, queues=[queue]) == 2
        assert open_cases_at(conn, now, queues=None) == 2
        assert open_cases_at(conn, now, queues=[]) == 0
        found = posts_with_cases_in(conn, [], [queue])
        assert found == {}
        with_case = {r.post_id for r in conn.execute(select(cases.c.post_id).where(cases.c.id == second))}
        assert set(posts_with_cases_in(conn, with_case, [queue])) == with_case
        assert posts_with_cases_in(conn, with_case, ["another-queue"]) == {}


def test_a_value_the_database_cannot_hold_is_an_input_error(backend_runtime: Runtime) -> None:
    """PostgreSQL refuses NUL in text: inside a transaction and in a read, storage raises
    :class:`UnstorableValue` (a 422 at the API) instead of a driver exception. SQLite stores it as it is."""
    rt = backend_runtime
    case_id = open_case(rt, risky("nul-1"))
    if rt.db.backend == "postgresql":
        with pytest.raises(UnstorableValue) as refused, rt.db.transaction() as conn:
            insert_comment(conn, case_id=case_id, author="mia", body="before\x00after", now=datetime.now(UTC))
        assert isinstance(refused.value, InputError) and refused.value.field == "(request)"
        with pytest.raises(UnstorableValue), rt.db.read() as conn:
            find_user(conn, "mi\x00a")
        with rt.db.read() as conn:
            assert comments_of(conn, case_id) == []  # the transaction was rolled back
    else:
        with rt.db.transaction() as conn:
            insert_comment(conn, case_id=case_id, author="mia", body="before\x00after", now=datetime.now(UTC))
        with rt.db.read() as conn:
            assert [c.body for c in comments_of(conn, case_id)] == ["before\x00after"]


def test_driver_exceptions_map_to_domain_errors() -> None:
    """What an edge gets for a driver exception that reached it some other way than a transaction."""
    conflict = domain_error(IntegrityError("INSERT INTO posts", {}, Exception("duplicate key value")))
    assert isinstance(conflict, ConstraintViolation) and isinstance(conflict, Conflict)
    assert conflict.http_status == 409
    value = domain_error(DataError("INSERT INTO posts", {}, Exception("NUL")))
    assert isinstance(value, UnstorableValue) and value.http_status == 422
    down = domain_error(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert isinstance(down, StorageError) and down.http_status == 503
    assert domain_error(RuntimeError("not a database error")) is None
