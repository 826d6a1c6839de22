"""Group commit: many threads submit, one writer stores; every caller gets its own committed outcome."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from adwarden.audit.verify import verify_chain
from adwarden.domain import Actor
from adwarden.runtime import Runtime
from adwarden.screening.batcher import IngestBatcher
from adwarden.storage.sql.tables import posts
from tests.factories import post

ACTOR = Actor("shop", frozenset({"platform"}))


def test_concurrent_submissions_are_all_stored_once(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    batcher = IngestBatcher(rt, max_batch=8)
    items = [post(f"c-{i % 40}", body=f"Item {i % 40} for sale") for i in range(80)]  # each post twice
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(lambda p: batcher.submit(p, actor=ACTOR), items))
    finally:
        batcher.close()
    statuses = [o.status for o in outcomes]
    assert statuses.count("accepted") == 40 and statuses.count("duplicate") == 40
    by_id: dict[str, set[str]] = {}
    for p, o in zip(items, outcomes, strict=True):
        by_id.setdefault(p.external_id, set()).add(o.post_id)
    assert all(len(v) == 1 for v in by_id.values())
    with rt.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(posts)).scalar_one() == 40
        assert verify_chain(conn).ok


def test_screening_in_a_forked_worker_gives_the_same_verdicts(runtime: Runtime) -> None:
    items = [post(f"w-{i}", body=f"Oak chair {i}, call 206-555-01{i:02d}" if i % 2 else f"Bookshelf {i}")
             for i in range(30)]
    forked = IngestBatcher(runtime, max_batch=4, screen_workers=1)
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(lambda p: forked.submit(p, actor=ACTOR), items))
        assert forked._pool is not None  # the worker screened them
    finally:
        forked.close()
    assert forked._pool is None  # closing the writer ends its worker
    for p, o in zip(items, outcomes, strict=True):
        assert o.status == "accepted" and o.assessment is not None
        expected = runtime.screener.screen(p).verdict
        # network reasons are added at ingest, from the network the post joined
        assert [r.label for r in o.assessment.verdict.reasons if r.detector != "network"] == \
            [r.label for r in expected.reasons]


def test_a_screener_changed_under_the_worker_is_never_used_stale(runtime: Runtime) -> None:
    """The rescan worker refreshes the process's screener after a bank import elsewhere; the forked worker still
    holds the old one, so the next batch must be screened by the new one (and the worker forked again)."""
    from adwarden.retro.banks import import_bank

    batcher = IngestBatcher(runtime, max_batch=4, screen_workers=1)
    try:
        batcher.submit(post("before", body="Oak table"), actor=ACTOR)
        first_pool = batcher._pool
        import_bank(runtime.db, "ring", b"kind,value,label\nphone,206-555-0107,trafficking\n",
                    key=runtime.settings.bank_hmac_key.encode("utf-8"),
                    actor=Actor("ana", frozenset({"admin"})), rescan=False)
        runtime.refresh_screener()  # what the server's rescan worker does on its next poll
        out = batcher.submit(post("after", body="Call 206-555-0107 tonight"), actor=ACTOR)
        assert out.assessment is not None
        assert [r.label for r in out.assessment.verdict.reasons if r.detector == "bank"] == ["trafficking"]
        assert batcher._pool is not None and batcher._pool is not first_pool
    finally:
        batcher.close()
