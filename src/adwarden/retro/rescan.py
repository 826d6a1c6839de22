"""Retroactive re-assessment: when a bank or the policy changes, stored posts get new verdicts.

A rescan job lists its target posts (``rescan_items``) and keeps a cursor. :func:`run_rescan` screens a batch
outside any transaction, then stores the changed verdicts (through the screening service's
``record_assessment``, which opens, updates or closes cases and audits each step) and advances the cursor in
one transaction. A crash loses at most the batch in flight, and running the job again resumes after the last
committed batch. Posts whose verdict did not change get no new assessment, so a rescan is idempotent.

Only posts a change can affect are targeted: for identifier entries, the stored identifiers whose keyed hash
is in the new entries (through the identifier index); for MD5/SHA-256, the stored media hashes; for PDQ, the
stored media PDQs within distance 31 of a new entry. Text templates and policy changes can affect any post,
so they target every stored post.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from adwarden.audit.log import append_event
from adwarden.detect.banks.keys import keyed_hash, normalize_identifier
from adwarden.detect.banks.model import IDENTIFIER_KINDS, BankEntry
from adwarden.detect.banks.pdq_index import MATCH_RADIUS, PdqIndex, hex_to_bytes
from adwarden.domain import Actor, Assessment, InputError, NotFound, Post, Verdict
from adwarden.domain.rescans import RescanJob as RescanJob  # re-exported: it was defined here
from adwarden.permissions import ensure_permission
from adwarden.pipeline import Screener, Screening
from adwarden.storage.ids import new_id
from adwarden.storage.sql import rescan_store
from adwarden.storage.sql.database import Connection, Database
from adwarden.storage.sql.queries import get_post, latest_assessment
from adwarden.storage.sql.rescan_store import all_post_ids as all_post_ids  # re-exported: it was defined here


class Runtime(Protocol):
    """What a rescan needs of the process (:class:`adwarden.runtime.Runtime` is one): the database, the current
    screener, and the network facts of a stored post. A protocol, so services never import the composition root."""

    db: Database
    screener: Screener

    def is_current(self) -> bool: ...

    def refresh_screener(self) -> Screener: ...

    def network_facts(self, conn: Connection, post_id: str) -> dict[str, Any]: ...

#: How long a worker holds a job between batches before another process may take it over (a dead worker's
#: job is resumed from its last committed batch once the lease has expired).
LEASE_SECONDS = 60.0

#: One rescan at a time per process (the API's background tasks and worker share it).
RUN_LOCK = threading.RLock()


def get_job(conn: Connection, job_id: str) -> RescanJob:
    job = rescan_store.find_job(conn, job_id)
    if job is None:
        raise NotFound(f"rescan job {job_id} not found")
    return job


def list_jobs(conn: Connection, *, unfinished_only: bool = False) -> list[RescanJob]:
    return rescan_store.all_jobs(conn, unfinished_only=unfinished_only)


# -- which posts can a change affect ---------------------------------------------------------------------------

def affected_posts_for_entries(conn: Connection, entries: Sequence[BankEntry], *, key: bytes,
                               region: str = "US") -> list[str]:
    """Stored posts that new bank ``entries`` can match, through the identifier index."""
    kinds = {e.kind for e in entries}
    if "text" in kinds:
        return all_post_ids(conn)
    matched: dict[str, set[str]] = {}
    for kind in kinds & IDENTIFIER_KINDS:
        digests = {e.value for e in entries if e.kind == kind}
        hits = set()
        for value in rescan_store.identifier_values(conn, kind):
            try:
                if keyed_hash(kind, normalize_identifier(kind, value, region=region), key) in digests:
                    hits.add(value)
            except InputError:
                continue
        matched[kind] = hits
    for kind in kinds & {"md5", "sha256"}:
        wanted = {e.value for e in entries if e.kind == kind}
        matched[kind] = {v for v in rescan_store.identifier_values(conn, kind) if v.lower() in wanted}
    if "pdq" in kinds:
        index = PdqIndex(hex_to_bytes([e.value for e in entries if e.kind == "pdq"]))
        valid = []
        for v in rescan_store.identifier_values(conn, "pdq"):
            try:
                valid.append((v, hex_to_bytes([v])[0]))
            except ValueError:
                continue
        if valid:
            import numpy as np

            answers = index.query_many(np.stack([b for _, b in valid]), MATCH_RADIUS)
            matched["pdq"] = {v for (v, _), ans in zip(valid, answers, strict=True) if ans}
    out: set[str] = set()
    for kind, values in matched.items():
        out.update(rescan_store.posts_with_identifiers(conn, kind, values))
    return sorted(out)


# -- jobs -------------------------------------------------------------------------------------------------------

def enqueue_rescan(conn: Connection, post_ids: Sequence[str], *, trigger: str, reason: str, actor: Actor) -> str:
    """Queue a rescan of ``post_ids`` (in the caller's transaction) and audit it. Returns the job id."""
    job_id = new_id("r")
    ids = list(dict.fromkeys(post_ids))
    rescan_store.insert_job(conn, job_id, ids, trigger=trigger, reason=reason, created_by=actor.name,
                            now=datetime.now(UTC))
    append_event(conn, name="rescan-queued", actor=actor.name, subject_type="rescan", subject_id=job_id,
                 payload={"trigger": trigger, "reason": reason, "posts": len(ids)})
    return job_id


def queue_full_rescan(db: Database, *, actor: Actor, reason: str = "manual full rescan") -> str:
    ensure_permission(actor, "rescan:run")
    with db.transaction() as conn:
        return enqueue_rescan(conn, all_post_ids(conn), trigger="manual", reason=reason, actor=actor)


def _verdict_key(v: Verdict) -> tuple[Any, ...]:
    """What makes two verdicts the same for a rescan (a new assessment is stored only when this differs)."""
    reasons = sorted((e.detector, e.label, e.start or -1) for e in v.reasons)
    return (v.action.value, round(v.risk, 4), v.queue, v.open_case, v.preserve, list(v.rules_fired),
            [list(r) for r in reasons])


def verdict_fingerprint(v: Verdict) -> str:
    """:func:`_verdict_key` as a string: exported with a stored post so a Spark executor can tell a changed
    verdict from an unchanged one without the database (equal fingerprints iff :func:`same_verdict`)."""
    return json.dumps(_verdict_key(v), separators=(",", ":"))


def same_verdict(old: Assessment | None, new: Verdict) -> bool:
    return old is not None and _verdict_key(old.verdict) == _verdict_key(new)


ProgressFn = Callable[[RescanJob], None]


def screen_stored(runtime: Runtime, conn: Connection, post: Post) -> tuple[int, Screening]:
    """Screen a stored post exactly as ingest would: its live version, then its network's facts.

    Returns ``(live version, screening)``. Ingest screens, links, then re-decides with the network's facts
    (:meth:`~adwarden.pipeline.Screener.with_network`); this does the same with the facts of what committed."""
    live = post.current
    screening = runtime.screener.screen(live.content)
    facts = runtime.network_facts(conn, post.id)
    if facts:
        screening = runtime.screener.with_network(live.content, screening, facts)
    return live.version, screening


def run_rescan(
    runtime: Runtime, job_id: str, *, actor: Actor, batch_size: int = 100, progress: ProgressFn | None = None,
    max_batches: int | None = None, lock: bool = True, worker: str | None = None,
) -> RescanJob:
    """Work ``job_id`` from its cursor to the end (or ``max_batches`` batches); resumable. Returns the job.

    The job is leased to this worker (``worker``, default a fresh id) for :data:`LEASE_SECONDS` at a time and
    the lease is renewed with every batch: a job another live process is working is left to it (the call
    returns the job as it stands), and one whose worker died is taken over once its lease expired."""
    ensure_permission(actor, "rescan:run")
    with RUN_LOCK if lock else nullcontext():
        if not runtime.is_current():
            runtime.refresh_screener()  # banks or policy changed in another process since this one loaded them
        return _run(runtime, job_id, actor=actor, batch_size=batch_size, progress=progress,
                    max_batches=max_batches, worker=worker or new_id("w"))


def take_lease(conn: Connection, job_id: str, worker: str) -> bool:
    """Lease (or renew) the job for :data:`LEASE_SECONDS`; ``False`` when another live worker holds it."""
    now = datetime.now(UTC)
    return rescan_store.take_lease(conn, job_id, worker, now=now, until=now + timedelta(seconds=LEASE_SECONDS))


def _run(
    runtime: Runtime, job_id: str, *, actor: Actor, batch_size: int, progress: ProgressFn | None,
    max_batches: int | None, worker: str,
) -> RescanJob:
    from adwarden.screening.service import record_assessment

    db = runtime.db
    with db.transaction() as conn:
        job = get_job(conn, job_id)
        if job.status == "done" or not take_lease(conn, job_id, worker):
            return job
    batches = 0
    while max_batches is None or batches < max_batches:
        with db.read() as conn:
            cursor = rescan_store.job_cursor(conn, job_id)
            rows = rescan_store.items_after(conn, job_id, cursor, limit=batch_size)
            if not rows:
                break
            work: list[tuple[str, int, Screening]] = []
            for _seq, target in rows:
                try:
                    post = get_post(conn, target)
                except NotFound:
                    continue
                version, screening = screen_stored(runtime, conn, post)
                work.append((post.id, version, screening))
        changed = 0
        with db.transaction() as conn:
            # The batch counts only if this worker still holds the job and nobody moved its cursor.
            if not take_lease(conn, job_id, worker) or rescan_store.job_cursor(conn, job_id) != cursor:
                return get_job(conn, job_id)
            for post_id, version, screening in work:
                if same_verdict(latest_assessment(conn, post_id), screening.verdict):
                    continue
                record_assessment(conn, post_id=post_id, version=version, screening=screening, trigger="rescan",
                                  actor=actor.name)
                changed += 1
            rescan_store.advance_job(conn, job_id, cursor=rows[-1][0], screened=len(rows), changed=changed,
                                     now=datetime.now(UTC))
        batches += 1
        if progress is not None:
            with db.read() as conn:
                progress(get_job(conn, job_id))
    with db.transaction() as conn:
        return finish_or_release(conn, job_id, actor=actor, worker=worker)


def finish_or_release(conn: Connection, job_id: str, *, actor: Actor, worker: str) -> RescanJob:
    """At the end of a worker's run: finish (and audit) the job when no target is left, else drop the lease."""
    job = get_job(conn, job_id)
    if rescan_store.items_left(conn, job_id) == 0 and job.status != "done":
        rescan_store.finish_job(conn, job_id, now=datetime.now(UTC))
        append_event(conn, name="rescan-finished", actor=actor.name, subject_type="rescan", subject_id=job_id,
                     payload={"trigger": job.trigger, "posts": job.done, "changed": job.changed})
    elif job.status != "done":
        rescan_store.release_lease(conn, job_id, worker)
    return get_job(conn, job_id)


def run_pending(runtime: Runtime, *, actor: Actor, progress: ProgressFn | None = None,
                lock: bool = True) -> list[RescanJob]:
    """Run every pending or interrupted job, oldest first (``adwarden rescan``)."""
    with runtime.db.read() as conn:
        jobs = list_jobs(conn, unfinished_only=True)
    return [run_rescan(runtime, j.id, actor=actor, progress=progress, lock=lock) for j in jobs]
