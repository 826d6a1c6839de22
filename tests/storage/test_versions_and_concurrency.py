"""Versions inside one batch, reverts, account merging and concurrent writers, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from adwarden.audit.verify import verify_chain
from adwarden.domain import Account, Actor, Conflict
from adwarden.review.decisions import record_decision
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_post, latest_assessment
from adwarden.storage.sql.tables import accounts, post_versions
from tests.factories import post, risky_post

ACTOR = Actor("shop", frozenset({"platform"}))


def test_post_changed_twice_in_one_batch_then_edited_again(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    out = rt.ingest([post("a", body="one"), post("a", body="two")], actor=ACTOR)
    assert [(o.status, o.version) for o in out] == [("accepted", 1), ("new-version", 2)]
    third = rt.ingest([post("a", body="three")], actor=ACTOR)[0]
    assert (third.status, third.version) == ("new-version", 3)
    with rt.db.read() as conn:
        stored = get_post(conn, third.post_id)
        latest = latest_assessment(conn, third.post_id)
    assert [v.content.body for v in stored.versions] == ["one", "two", "three"]
    assert latest is not None and latest.version == 3


def test_revert_to_earlier_content_is_reassessed_not_a_duplicate(backend_runtime: Runtime) -> None:
    """Harmful A, edited to benign B, reverted to A: the live content is A again and so is the verdict."""
    rt = backend_runtime
    harmful = risky_post("r-1")
    benign = post("r-1", title="Sofa", body="Blue sofa.")
    first = rt.ingest([harmful], actor=ACTOR)[0]
    rt.ingest([benign], actor=ACTOR)
    with rt.db.read() as conn:
        after_edit = latest_assessment(conn, first.post_id)
    assert after_edit is not None and after_edit.version == 2
    back = rt.ingest([harmful], actor=ACTOR)[0]
    assert (back.status, back.version) == ("reverted", 1)
    assert back.assessment is not None and back.assessment.trigger == "revert"
    with rt.db.read() as conn:
        latest = latest_assessment(conn, first.post_id)
        n_versions = conn.execute(select(func.count()).select_from(post_versions)).scalar_one()
    assert latest is not None and latest.version == 1
    assert latest.verdict.risk == first.assessment.verdict.risk  # type: ignore[union-attr]
    assert n_versions == 2
    again = rt.ingest([harmful], actor=ACTOR)[0]
    assert (again.status, again.version) == ("duplicate", 1)


def test_account_fields_are_merged_not_erased(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    rt.ingest([post("a", account=Account(id="u1", email="u1@example.com", phone="+12065550100"))], actor=ACTOR)
    rt.ingest([post("b", account=Account(id="u1", ip="192.0.2.7"))], actor=ACTOR)
    with rt.db.read() as conn:
        row = conn.execute(select(accounts)).one()
    assert (row.email, row.phone, row.ip) == ("u1@example.com", "+12065550100", "192.0.2.7")


def test_concurrent_writers_store_a_new_post_once(backend_runtime: Runtime) -> None:
    """Two writers (two processes in production) submit the same new post at the same moment."""
    rt = backend_runtime
    barrier = threading.Barrier(4)

    def submit(i: int) -> str:
        barrier.wait()
        return rt.ingest([post("same", body="Same body"), post(f"own-{i}")], actor=ACTOR)[0].status

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(submit, range(4)))
    assert statuses == ["accepted", "duplicate", "duplicate", "duplicate"]
    with rt.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(post_versions)).scalar_one() == 5
        assert verify_chain(conn).ok


def test_two_reviewers_deciding_at_once_one_wins(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    case_id = rt.ingest([risky_post()], actor=ACTOR)[0].case_id
    assert case_id is not None
    barrier = threading.Barrier(2)
    results: list[str] = []

    def decide(name: str) -> None:
        barrier.wait()
        try:
            record_decision(rt.db, case_id, "not-violating", actor=Actor(name, frozenset({"moderator"})),
                            policy=rt.screener.policy)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=decide, args=(n,)) for n in ("mia", "max")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]


def test_sqlite_reads_do_not_block_writers(runtime: Runtime) -> None:
    runtime.ingest([post("a")], actor=ACTOR)
    with runtime.db.read() as conn:
        conn.execute(select(func.count()).select_from(post_versions)).scalar_one()
        # A write while this read transaction is open must not wait for it.
        done = threading.Event()

        def write() -> None:
            runtime.ingest([post("b")], actor=ACTOR)
            done.set()

        t = threading.Thread(target=write)
        t.start()
        assert done.wait(timeout=20), "the writer was blocked by an open read"
        t.join()


@pytest.mark.parametrize("status", ["closed"])
def test_closed_case_is_not_rewritten_by_ingest(runtime: Runtime, status: str) -> None:
    case_id = runtime.ingest([risky_post("r-9")], actor=ACTOR)[0].case_id
    assert case_id is not None
    record_decision(runtime.db, case_id, "not-violating", actor=Actor("mia", frozenset({"moderator"})),
                    policy=runtime.screener.policy)
    edited = risky_post("r-9").__class__(**{**risky_post("r-9").__dict__, "body": "Changed text, new in town 24/7."})
    out = runtime.ingest([edited], actor=ACTOR)[0]
    assert out.case_id != case_id
