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
