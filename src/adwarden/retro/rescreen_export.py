"""``adwarden rescan export``: stored history to Parquet, for a Spark re-screen after a policy or bank change.

Streams: posts are read in pages of ``batch_size`` (keyset on the id), each page becomes one Parquet row group,
and a new file starts every ``rows_per_file`` rows, so memory stays bounded whatever the store holds. Per post:
its live version (number and content), the network facts :func:`~adwarden.retro.rescan.screen_stored` would
pass, and the fingerprint of its latest verdict (:func:`~adwarden.retro.rescan.verdict_fingerprint`), so the
executors can drop unchanged verdicts themselves.

The export is post content, restricted child-safety content included: it needs ``case:view-restricted`` as well
as ``rescan:run``, its directory is 0700 and its files 0600, and the export is audited (``rescan-exported``:
who, where, how many posts). A failed export removes what it wrote.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adwarden.audit.log import append_event
from adwarden.domain import Actor
from adwarden.permissions import ensure_permission
from adwarden.retro.rescan import Runtime, verdict_fingerprint
from adwarden.retro.rescreen_format import (
    EXPORT_COLUMNS,
    EXPORT_FORMAT,
    EXPORT_MANIFEST,
    arrow_schema,
    export_row,
    make_private_dir,
    open_private,
    write_manifest,
)
from adwarden.storage.ids import new_id
from adwarden.storage.sql import screening_state
from adwarden.storage.sql.rescreen_store import live_assessments, live_versions_after


@dataclass(frozen=True)
class ExportResult:
    id: str
    path: Path
    posts: int
    files: int
    screening_state: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "path": str(self.path), "posts": self.posts, "files": self.files,
                "screening_state": self.screening_state}


def export_history(runtime: Runtime, out: Path, *, actor: Actor, batch_size: int = 2000,
                   rows_per_file: int = 250_000) -> ExportResult:
    """Write every stored post's live version to ``out`` (a new or empty directory) and audit it."""
    ensure_permission(actor, "rescan:run")
    ensure_permission(actor, "case:view-restricted")
    make_private_dir(out)
    try:
        return _export(runtime, out, actor=actor, batch_size=batch_size, rows_per_file=rows_per_file)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise


def _export(runtime: Runtime, out: Path, *, actor: Actor, batch_size: int, rows_per_file: int) -> ExportResult:
    import pyarrow as pa
    import pyarrow.parquet as pq

    export_id = new_id("x")
    schema = arrow_schema(EXPORT_COLUMNS)
    posts_dir = out / "posts"
    make_private_dir(posts_dir)
    db = runtime.db
    with db.read() as conn:
        state = screening_state.read(conn)
    after, total, files, in_file = "", 0, 0, 0
    fh: Any = None
    writer: Any = None
    try:
        while True:
            with db.read() as conn:
                page = live_versions_after(conn, after, limit=batch_size)
                if not page:
                    break
                latest = live_assessments(conn, [v.post_id for v in page])
                rows = []
                for live in page:
                    old = latest.get(live.post_id)
                    rows.append(export_row(live, runtime.network_facts(conn, live.post_id),
                                           verdict_fingerprint(old.verdict) if old is not None else None))
            if writer is None or in_file >= rows_per_file:
                if writer is not None:
                    writer.close()
                    fh.close()
                fh = open_private(posts_dir / f"part-{files:05d}.parquet")
                writer = pq.ParquetWriter(fh, schema, compression="zstd")
                files, in_file = files + 1, 0
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            total += len(rows)
            in_file += len(rows)
            after = page[-1].post_id
    finally:
        if writer is not None:
            writer.close()
            fh.close()
    created = datetime.now(UTC)
    write_manifest(out / EXPORT_MANIFEST, {"format": EXPORT_FORMAT, "id": export_id, "posts": total, "files": files,
                                           "screening_state": state, "created_by": actor.name,
                                           "created_at": created.isoformat()})
    with db.transaction() as conn:
        append_event(conn, name="rescan-exported", actor=actor.name, subject_type="rescan-export",
                     subject_id=export_id, payload={"path": str(out.resolve()), "posts": total, "files": files,
                                                    "screening_state": state})
    return ExportResult(export_id, out, total, files, state)
