"""``adwarden rescan load``: changed verdicts from a Spark re-screen, stored through a normal rescan job.

The verdicts directory becomes one rescan job (trigger ``spark-rescan``) whose targets are its posts in the
order the files are read, so the job's cursor is also a position in the files: a batch is read, checked and
stored in one transaction with the job's lease and cursor exactly as :func:`~adwarden.retro.rescan.run_rescan`
does (``record_verdict``: assessment, case opened/updated/closed, ``post-assessed`` audit events). Loading a
directory again resumes its job, or does nothing when the job is done; a verdict equal to the post's latest
one is not stored again, so the load is idempotent.

Why the checks: a verdict is only as good as what it screened.

* The directory records the screening-state version it screened under; it is refused when the database's is
  another (a bank or policy changed since), and a batch stops when the state moves during the load (the job
  stays unfinished, ``adwarden rescan`` finishes it in process with the new screener).
* A post whose live version is not the one exported (edited or reverted since), or whose network's facts are
  not the exported ones (another member was edited, added or removed), is re-screened here, in process, with
  :func:`~adwarden.retro.rescan.screen_stored`, never given the exported verdict; a post that is gone
  (purged) is skipped. Both are counted (``rescan-loaded``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound, Verdict
from adwarden.permissions import ensure_permission
from adwarden.retro.rescan import (
    RUN_LOCK,
    RescanJob,
    Runtime,
    enqueue_rescan,
    finish_or_release,
    get_job,
    list_jobs,
    same_verdict,
    screen_stored,
    take_lease,
)
from adwarden.retro.rescreen_format import (
    VERDICTS_FORMAT,
    VERDICTS_MANIFEST,
    current_network_digest,
    parquet_files,
    read_manifest,
    verdict_from_json,
)
from adwarden.storage.ids import new_id
from adwarden.storage.sql import rescan_store, screening_state
from adwarden.storage.sql.queries import get_post, latest_assessment

TRIGGER = "spark-rescan"


@dataclass(frozen=True)
class LoadResult:
    """One load: the job, and what this invocation did (``rescreened``: edited since the export, screened here;
    ``gone``: no longer stored)."""

    job: RescanJob
    rescreened: int
    gone: int

    def to_json(self) -> dict[str, Any]:
        return {"job": self.job.to_json(), "rescreened_in_process": self.rescreened, "gone": self.gone}


@dataclass(frozen=True)
class _Row:
    seq: int
    post_id: str
    version: int
    network: str | None
    assessment: str


def _rows(files: Sequence[Path], *, after: int, batch: int) -> Iterator[_Row]:
    """Every verdict row in file order, numbered from 1, skipping the first ``after`` (whole files by their
    metadata, without reading them)."""
    import pyarrow.parquet as pq

    seq = 0
    for f in files:
        pf = pq.ParquetFile(f)
        n = pf.metadata.num_rows
        if seq + n <= after:
            seq += n
            continue
        for rb in pf.iter_batches(batch_size=batch, columns=["post_id", "version", "network", "assessment"]):
            for pid, version, network, text in zip(*(rb.column(i).to_pylist() for i in range(4)), strict=True):
                seq += 1
                if seq > after:
                    yield _Row(seq, pid, int(version), network, text)


def _post_ids(files: Sequence[Path]) -> list[str]:
    import pyarrow.parquet as pq

    ids: list[str] = []
    for f in files:
        for rb in pq.ParquetFile(f).iter_batches(batch_size=10_000, columns=["post_id"]):
            ids.extend(rb.column(0).to_pylist())
    if len(set(ids)) != len(ids):
        raise InputError("a post appears twice among the verdicts (not written by `adwarden rescan spark`)",
                         record=str(files[0].parent))
    return ids


def _stale(directory: Path, screened: int, current: int) -> Conflict:
    return Conflict(f"{directory} was screened under screening state {screened}, the database is at {current} "
                    "(a bank, policy or model changed since): run `adwarden rescan spark` again on a new export, "
                    "or `adwarden rescan` to finish in process")


def load_verdicts(runtime: Runtime, directory: Path, *, actor: Actor, batch_size: int = 500) -> LoadResult:
    """Store the changed verdicts of ``directory`` (``adwarden rescan spark --out``) through a rescan job."""
    ensure_permission(actor, "rescan:run")
    manifest = read_manifest(directory, VERDICTS_MANIFEST, VERDICTS_FORMAT, "a verdicts directory")
    files = parquet_files(directory / "verdicts")
    state = int(manifest["screening_state"])
    reason = f"spark re-screen {manifest['id']} of export {manifest['export']}"
    db = runtime.db
    with RUN_LOCK:
        with db.read() as conn:
            current = screening_state.read(conn)
            job = next((j for j in list_jobs(conn) if j.trigger == TRIGGER and j.reason == reason), None)
        if current != state:
            raise _stale(directory, state, current)
        if not runtime.is_current():
            runtime.refresh_screener()
        if job is None:
            ids = _post_ids(files)
            with db.transaction() as conn:
                job = get_job(conn, enqueue_rescan(conn, ids, trigger=TRIGGER, reason=reason, actor=actor))
        worker = new_id("w")
        with db.transaction() as conn:
            job = get_job(conn, job.id)
            if job.status == "done" or not take_lease(conn, job.id, worker):
                return LoadResult(job, 0, 0)  # loaded already, or another live worker is loading it
        try:
            return _run(runtime, job.id, files, directory=directory, state=state, actor=actor,
                        batch_size=batch_size, worker=worker)
        except BaseException:
            # a failure here (a malformed verdict, the database) leaves the committed batches; the next load
            # resumes after them at once instead of waiting for the lease to expire
            with db.transaction() as conn:
                rescan_store.release_lease(conn, job.id, worker)
            raise


def _run(runtime: Runtime, job_id: str, files: Sequence[Path], *, directory: Path, state: int, actor: Actor,
         batch_size: int, worker: str) -> LoadResult:
    from adwarden.screening.service import record_verdict, screening_versions

    db = runtime.db
    with db.read() as conn:
        cursor = rescan_store.job_cursor(conn, job_id)
    source = _rows(files, after=cursor, batch=batch_size)
    rescreened = gone = 0
    while True:
        with db.read() as conn:
            cursor = rescan_store.job_cursor(conn, job_id)
            items = rescan_store.items_after(conn, job_id, cursor, limit=batch_size)
            if not items:
                break
            work: list[tuple[str, int, Verdict, dict[str, str]]] = []
            for seq, post_id in items:
                row = next(source, None)
                if row is None or (row.seq, row.post_id) != (seq, post_id):
                    raise InputError(f"the verdict files no longer match rescan job {job_id} at target {seq}",
                                     record=str(directory))
                try:
                    post = get_post(conn, post_id)
                except NotFound:
                    gone += 1
                    continue
                if (post.current.version != row.version
                        or current_network_digest(runtime.network_facts(conn, post_id)) != row.network):
                    version, screening = screen_stored(runtime, conn, post)
                    work.append((post_id, version, screening.verdict, screening_versions(screening)))
                    rescreened += 1
                else:
                    verdict, versions = verdict_from_json(row.assessment, record=f"verdict of post {post_id}")
                    work.append((post_id, row.version, verdict, versions))
        changed = 0
        with db.transaction() as conn:
            now_state = screening_state.read_locked(conn)  # a change moving it stops the load (raised below)
            if now_state == state:
                if not take_lease(conn, job_id, worker) or rescan_store.job_cursor(conn, job_id) != cursor:
                    return LoadResult(get_job(conn, job_id), rescreened, gone)  # another worker took the job over
                for post_id, version, verdict, versions in work:
                    if same_verdict(latest_assessment(conn, post_id), verdict):
                        continue
                    record_verdict(conn, post_id=post_id, version=version, verdict=verdict, versions=versions,
                                   trigger="rescan", actor=actor.name)
                    changed += 1
                rescan_store.advance_job(conn, job_id, cursor=items[-1][0], screened=len(items), changed=changed,
                                         now=datetime.now(UTC))
        if now_state != state:
            raise _stale(directory, state, now_state)
    with db.transaction() as conn:
        job = finish_or_release(conn, job_id, actor=actor, worker=worker)
        append_event(conn, name="rescan-loaded", actor=actor.name, subject_type="rescan", subject_id=job_id,
                     payload={"verdicts": str(directory.resolve()), "posts": job.done, "stored": job.changed,
                              "rescreened_in_process": rescreened, "gone": gone, "screening_state": state})
    return LoadResult(job, rescreened, gone)
