"""``adwarden rescan spark EXPORT --out DIR``: re-screen an exported history on Spark executors.

The driver builds the database's current screener (active policy, enabled banks, promoted models) and
broadcasts its stored part, a :class:`~adwarden.runtime.ScreeningSnapshot` (the policy and the ``stored``
detectors: the bank index with its keyed hashes, PDQ and template indexes, the classifier models), with the
settings in a :class:`RescreenSpec`. Each executor process builds its stateless detectors (the lexicon) once
and composes the same screener from the snapshot, so executors never open the database. Per exported post:
``screen`` its live content, then ``with_network`` with the exported facts (what
:func:`~adwarden.retro.rescan.screen_stored` does), and keep the row only when the verdict's fingerprint
differs from the exported one. Only changed verdicts are written (``DIR/verdicts``, Parquet, from the
executors); the driver collects one count. ``DIR/rescreen.json`` records the screening-state version, which
``adwarden rescan load`` checks; an export made under another version is refused (posts ingested after it were
screened under its version, so only the same version covers them).

Paths are local (or ``file:``): on a cluster, the export and ``DIR`` must be on a filesystem every node mounts
at the same path (the load reads the verdicts with pyarrow on the driver's machine).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adwarden.config import Settings
from adwarden.domain import Conflict, InputError
from adwarden.retro.rescreen_format import (
    EXPORT_FORMAT,
    EXPORT_MANIFEST,
    VERDICT_DDL,
    VERDICTS_FORMAT,
    VERDICTS_MANIFEST,
    make_private_dir,
    make_private_tree,
    read_manifest,
    write_manifest,
)
from adwarden.storage.ids import new_id

__all__ = ["RescreenSpec", "rescreen_partition", "spark_rescreen"]


@dataclass(frozen=True)
class RescreenSpec:
    """What an executor needs besides the broadcast snapshot: the settings its stateless detectors read."""

    settings: Settings
    version: int


_BASE: dict[str, Any] = {}
_SCREENERS: dict[tuple[str, int], Any] = {}


def _screener(spec: RescreenSpec, snapshot: Any) -> Any:
    """The executor process's screener for ``spec`` (built once; the lexicon only once per settings)."""
    from adwarden.runtime import BaseDetectors, compose_screener

    key = repr(spec.settings)
    if (key, spec.version) not in _SCREENERS:
        if key not in _BASE:
            _BASE.clear()
            _BASE[key] = BaseDetectors.build(spec.settings)
        _SCREENERS.clear()
        snap = snapshot.value
        _SCREENERS[(key, spec.version)] = compose_screener(spec.settings, _BASE[key], policy=snap.policy,
                                                           stored=snap.stored)
    return _SCREENERS[(key, spec.version)]


def rescreen_partition(spec: RescreenSpec, snapshot: Any,
                       rows: Iterable[Any]) -> Iterator[tuple[str, int, str | None, str]]:
    """Executor side: ``(post id, version, network digest, assessment JSON)`` for every exported post whose
    verdict changed."""
    from adwarden.retro.rescan import verdict_fingerprint
    from adwarden.retro.rescreen_format import network_digest, network_of, post_from_row, verdict_to_json
    from adwarden.screening.service import screening_versions

    screener = _screener(spec, snapshot)
    for r in rows:
        row = r.asDict()
        post = post_from_row(row)
        screening = screener.screen(post)
        facts = network_of(row)
        if facts:
            screening = screener.with_network(post, screening, facts)
        if row["fingerprint"] == verdict_fingerprint(screening.verdict):
            continue
        yield (row["post_id"], int(row["version"]), network_digest(row["network"]),
               verdict_to_json(screening.verdict, screening_versions(screening)))


def _local(path: str, what: str) -> Path:
    if "://" in path and not path.startswith("file:"):
        raise InputError(f"{what} must be a local path or file: URL (a filesystem every node mounts)", record=path)
    return Path(path.removeprefix("file://").removeprefix("file:"))


def spark_rescreen(runtime: Any, export: str, out: str, *, master: str = "local[*]", spark: Any = None,
                   partitions: int | None = None) -> dict[str, Any]:
    """Re-screen ``export`` (``adwarden rescan export``) with the current screener; write the changed verdicts
    and ``rescreen.json`` to ``out`` (new or empty). Returns the manifest."""
    from adwarden.batch.network_job import spark_session
    from adwarden.batch.spark_input import list_inputs

    export_dir, out_dir = _local(export, "the export"), _local(out, "the output")
    exported = read_manifest(export_dir, EXPORT_MANIFEST, EXPORT_FORMAT, "a rescan export")
    if not runtime.is_current():
        runtime.refresh_screener()
    snap = runtime.snapshot
    if exported["screening_state"] != snap.version:
        # posts ingested after the export were screened under the export's state: a later state would miss them
        raise Conflict(f"{export_dir} was exported under screening state {exported['screening_state']}, the "
                       f"database is at {snap.version} (a bank, policy or model changed since): export again")
    make_private_dir(out_dir)
    started = time.perf_counter()
    verdicts = out_dir / "verdicts"
    if exported["posts"]:
        session = spark or spark_session(master, "adwarden-rescan")
        files = list_inputs(session, [str(export_dir.resolve() / "posts")])
        spec = RescreenSpec(settings=runtime.settings, version=snap.version)
        broadcast = session.sparkContext.broadcast(snap)
        frame = session.read.parquet(*files)
        # An export is a few large files (a split per file), screening is CPU per row: spread it over every core
        # in a few tasks each, so one slow task does not leave cores idle at the end.
        wanted = partitions or 4 * session.sparkContext.defaultParallelism
        if frame.rdd.getNumPartitions() < wanted:
            frame = frame.repartition(wanted)
        changed_rows = frame.rdd.mapPartitions(lambda it: rescreen_partition(spec, broadcast, it))
        session.createDataFrame(changed_rows, VERDICT_DDL).write.parquet(str(verdicts.resolve()))
        changed = session.read.schema(VERDICT_DDL).parquet(str(verdicts.resolve())).count()
        broadcast.unpersist()
    else:
        verdicts.mkdir()
        changed = 0
    manifest = {"format": VERDICTS_FORMAT, "id": new_id("s"), "export": exported["id"],
                "screening_state": snap.version, "policy": snap.policy.version, "policy_digest": snap.policy.digest,
                "posts": exported["posts"], "changed": changed, "seconds": round(time.perf_counter() - started, 3),
                "created_at": datetime.now(UTC).isoformat()}
    write_manifest(out_dir / VERDICTS_MANIFEST, manifest)
    make_private_tree(out_dir)
    return manifest
