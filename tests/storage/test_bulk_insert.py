"""``insert_rows`` (the driver's executemany on SQLite) must store exactly what SQLAlchemy's insert stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import StatementError

from adwarden.storage.sql.bulk import _bind_processor, insert_rows
from adwarden.storage.sql.database import Database, WriteConflict
from adwarden.storage.sql.tables import assessments, post_versions, posts

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def _post(pid: str) -> dict[str, Any]:
    return {"id": pid, "site": "example.com", "external_id": pid, "account_id": None, "latest_version": 1,
            "current_version": 1, "created_at": T0, "updated_at": T0}


def _version(pid: str, **kw: Any) -> dict[str, Any]:
    return {"post_id": pid, "version": 1, "content_hash": "h" * 64, "title": "t", "body": "b", "category": None,
            "location": "Seattle, WA", "url": None, "posted_at": T0, "received_at": T0,
            "account": {"id": "acc", "phone": "+12065550147"}, "media": [], **kw}


def _assessment(pid: str, aid: str, **kw: Any) -> dict[str, Any]:
    return {"id": aid, "post_id": pid, "version": 1, "action": "hold", "risk": 0.5, "priority": 2, "queue": "q",
            "open_case": True, "preserve": False, "reasons": [{"code": "x", "é": "ü"}], "contributions": [],
            "rules_fired": ["r1"], "versions": {"policy": "p1"}, "trigger": "ingest", "case_id": None,
            "created_at": T0, **kw}


def _stored(db: Database) -> tuple[list[Any], list[Any], list[Any]]:
    with db.read() as conn:
        return (
            [tuple(r) for r in conn.execute(select(posts).order_by(posts.c.id))],
            [tuple(r)[1:] for r in conn.execute(select(post_versions).order_by(post_versions.c.post_id))],
            [tuple(r) for r in conn.execute(select(assessments).order_by(assessments.c.id))],
        )


def test_same_rows_as_sqlalchemy(backend_runtime: Any) -> None:
    """JSON, UTC datetimes (an aware non-UTC one too), booleans, floats and NULLs read back the same whichever
    way they were written; rows that leave out a column with a default (``preserve``) still get it."""
    db = backend_runtime.db
    est = timezone(timedelta(hours=-5))
    with db.transaction() as conn:
        insert_rows(conn, posts, [_post("p1"), _post("p2")])
        conn.execute(insert(posts), [_post("q1"), _post("q2")])
        insert_rows(conn, post_versions, [_version("p1"), _version("p2", posted_at=T0.astimezone(est), media=None)])
        conn.execute(insert(post_versions), [_version("q1"), _version("q2", posted_at=T0.astimezone(est),
                                                                        media=None)])
        no_preserve = _assessment("p2", "a-p2")
        del no_preserve["preserve"]
        insert_rows(conn, assessments, [_assessment("p1", "a-p1")])
        insert_rows(conn, assessments, [no_preserve])
        conn.execute(insert(assessments), [_assessment("q1", "a-q1")])
        no_preserve_q = _assessment("q2", "a-q2")
        del no_preserve_q["preserve"]
        conn.execute(insert(assessments), [no_preserve_q])
    stored_posts, versions, rows = _stored(db)
    by_id = {r[0]: r[1:] for r in stored_posts}
    assert by_id["p1"][2:] == by_id["q1"][2:]  # the same but the external id
    assert by_id["p1"][-1] == T0 and by_id["p1"][-1].tzinfo is not None
    by_post = {r[0]: r[1:] for r in versions}
    assert by_post["p1"] == by_post["q1"]
    assert by_post["p2"] == by_post["q2"]
    assert by_post["p2"][7] == T0  # posted_at stored as UTC
    by_assessment = {r[0]: r[2:] for r in rows}
    assert by_assessment["a-p1"] == by_assessment["a-q1"]
    assert by_assessment["a-p2"] == by_assessment["a-q2"]


def test_errors_are_translated_like_sqlalchemys(backend_runtime: Any) -> None:
    """A duplicate key through the fast path is the same WriteConflict the rest of storage raises, and the
    whole transaction rolls back."""
    db = backend_runtime.db
    with pytest.raises(WriteConflict), db.transaction() as conn:
        insert_rows(conn, posts, [_post("p1")])
        insert_rows(conn, posts, [_post("p1")])
    with db.read() as conn:
        assert conn.execute(select(posts.c.id)).all() == []


def test_naive_datetime_is_refused(backend_runtime: Any) -> None:
    """The UTC column's own check still runs on the fast path, and fails as it does through SQLAlchemy."""
    db = backend_runtime.db
    with pytest.raises(StatementError, match="naive datetime"), db.transaction() as conn:
        insert_rows(conn, posts, [{**_post("p1"), "created_at": datetime(2026, 10, 1)}])


def test_text_that_needs_escaping_and_equal_instants(backend_runtime: Any) -> None:
    """Tabs, newlines, backslashes and non-ASCII text (which ``COPY`` must escape on PostgreSQL) and one instant
    given in two time zones (processed once on the fast path) are stored as SQLAlchemy stores them."""
    db = backend_runtime.db
    est = timezone(timedelta(hours=-5))
    tricky = "tab\there\nnew line\\N \\ back\r\n \"quoted\" 'single' é ü 東京 🙂"
    with db.transaction() as conn:
        rows = [_post("p1"), {**_post("p2"), "created_at": T0.astimezone(est), "external_id": tricky}]
        insert_rows(conn, posts, rows)
        conn.execute(insert(posts), [_post("q1"), {**_post("q2"), "created_at": T0.astimezone(est),
                                                  "external_id": tricky, "site": "example.net"}])
        insert_rows(conn, post_versions, [_version("p1", title=tricky, body="\\.\n\\.", account={"k": tricky})])
        conn.execute(insert(post_versions), [_version("q1", title=tricky, body="\\.\n\\.", account={"k": tricky})])
    stored_posts, versions, _ = _stored(db)
    by_id = {r[0]: r[1:] for r in stored_posts}
    assert by_id["p2"][1:] == by_id["q2"][1:]  # the same but the site
    assert by_id["p2"][1] == tricky and by_id["p2"][-2] == T0
    by_post = {r[0]: r[1:] for r in versions}
    assert by_post["p1"] == by_post["q1"]
    assert by_post["p1"][2] == tricky and by_post["p1"][3] == "\\.\n\\." and by_post["p1"][-2] == {"k": tricky}


def test_many_rows_bypass_sqlalchemys_per_row_path(backend_runtime: Any) -> None:
    """The fast path is taken on both backends (``executemany`` on SQLite, ``COPY`` on PostgreSQL): no
    statement goes through SQLAlchemy's execution, which on PostgreSQL sent one insert per row."""
    from sqlalchemy import event

    db = backend_runtime.db
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with db.transaction() as conn:
        event.listen(conn, "before_cursor_execute", count)
        try:
            insert_rows(conn, posts, [_post(f"p{i}") for i in range(50)])
        finally:
            event.remove(conn, "before_cursor_execute", count)
        assert not [s for s in seen if "posts" in s]
    with db.read() as conn:
        assert len(conn.execute(select(posts.c.id)).all()) == 50


def test_rows_with_different_keys_are_refused_as_sqlalchemy_refuses_them(backend_runtime: Any) -> None:
    """Rows of one call that do not share their keys take SQLAlchemy's path, which refuses a row missing a
    column the first one has (the fast path must not store it with a default, nor drop the other's value)."""
    db = backend_runtime.db
    no_preserve = _assessment("p2", "a-p2")
    del no_preserve["preserve"]
    renamed = {**no_preserve, "id": "a-p3", "preserved": True}
    for rows in ([_assessment("p1", "a-p1", preserve=True), no_preserve],
                 [_assessment("p1", "a-p1", preserve=True), renamed]):
        with pytest.raises(StatementError), db.transaction() as conn:
            insert_rows(conn, assessments, rows)
    with db.read() as conn:
        assert conn.execute(select(assessments.c.id)).all() == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300)
@given(value=json_values)
def test_json_columns_get_sqlalchemys_text_on_sqlite(value: Any) -> None:
    """The fast JSON bind processor (dicts and lists through a prebuilt encoder) gives the exact text
    SQLAlchemy's own processor gives, for any value, so stored JSON is byte for byte what it was."""
    dialect = create_engine("sqlite://").dialect
    for column in (assessments.c.reasons, post_versions.c.account):
        impl = column.type.dialect_impl(dialect)
        fast = _bind_processor(impl, dialect)
        assert fast is not None and fast.__name__ == "json_text"  # the fast path is the one under test
        for v in (value, [value], {"k": value}):
            assert fast(v) == impl.bind_processor(dialect)(v)
