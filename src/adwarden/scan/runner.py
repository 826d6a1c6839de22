"""Run a scan: plan chunks, screen them in worker processes, fold the results, link, summarise, write.

Workers are forked once and inherit the screener (lexicon automaton, policy, gazetteer) instead of building
it again; each reads its own chunks from disk (:mod:`adwarden.scan.sources`), screens them
(:mod:`adwarden.scan.worker`) and returns them as columns (:mod:`adwarden.scan.packing`), cheap to receive and
to keep. The main process only folds results in corpus order, then links, summarises and writes (with the
collector off, and ``posts.parquet`` written in a thread meanwhile).
``workers=0`` runs everything in the calling process (same results, one core; tests and debugging).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from adwarden.detect.network.linker import LinkConfig
from adwarden.detect.network.movement import resolve_place
from adwarden.domain import InputError
from adwarden.ingest.files import apply_mapping
from adwarden.ingest.schema import MAX_BODY_CHARS, MAX_FIELD_CHARS
from adwarden.pipeline import WARM_UP_POST, Screener
from adwarden.scan.linking import link_state
from adwarden.scan.networks import RowsJob
from adwarden.scan.outputs import start_posts, write_outputs
from adwarden.scan.packing import PackedChunk, pack_chunk
from adwarden.scan.report.render import render_report
from adwarden.scan.sources import CHUNK_BYTES, Chunk, Source, plan_chunks, resolve_corpus
from adwarden.scan.state import ScanState
from adwarden.scan.summary import build_summary
from adwarden.scan.worker import ScanJob, scan_chunk

__all__ = ["ScanOptions", "ScanOutcome", "check_id_field", "run_scan"]

#: Called after each chunk with (bytes done, total bytes, records read).
Progress = Callable[[int, int, int], None]

_ID_GUESSES = ("id", "ad_id", "post_id", "url", "uuid", "_id", "sid", "key")
_PREFLIGHT_RECORDS = 1000


@dataclass(frozen=True)
class ScanOptions:
    """How to scan. ``workers=None`` uses every core."""

    mapping: Mapping[str, str] = field(default_factory=dict)
    fmt: str | None = None
    workers: int | None = None
    chunk_bytes: int = CHUNK_BYTES
    link: LinkConfig = field(default_factory=LinkConfig)
    max_body_chars: int = MAX_BODY_CHARS
    max_field_chars: int = MAX_FIELD_CHARS


@dataclass
class ScanOutcome:
    """What a scan produced: the summary document, the written files and the state (for ``--store``)."""

    summary: dict[str, Any]
    files: dict[str, str]
    sources: list[Source]

    @property
    def rejected(self) -> int:
        return int(self.summary["totals"]["rejected"])


def _first_records(src: Source, limit: int) -> Iterator[dict[str, Any]]:
    """Up to ``limit`` raw records of ``src`` (JSON objects, CSV rows or Parquet rows), skipping broken ones."""
    if src.fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(src.path)
        if pf.metadata.num_row_groups:
            yield from pf.read_row_group(0).slice(0, limit).to_pylist()
        return
    if src.fmt == "csv":
        import csv
        import io

        with open(src.path, "rb") as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
            for n, row in enumerate(csv.DictReader(text)):
                if n >= limit:
                    return
                yield {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        return
    with open(src.path, "rb") as fh:
        n = 0
        for line in fh:
            if n >= limit:
                return
            try:
                obj = json.loads(line.decode("utf-8", "replace").lstrip("\ufeff"))
            except ValueError:
                continue
            if isinstance(obj, dict):
                n += 1
                yield obj


_DATE_HINTS = ("date", "time", "created", "posted", "published")


def check_id_field(sources: Sequence[Source], mapping: Mapping[str, str]) -> list[str]:
    """Refuse the whole corpus at once when none of the first records of its first file has ``external_id``
    (after ``--map``): one clear error naming the field and the fields seen, instead of every line rejected.

    Returns the unmapped fields of those records that look like dates when none has ``posted_at`` (the
    report suggests mapping one)."""
    for src in sources:
        seen: dict[str, None] = {}
        count = 0
        has_id = has_date = False
        for raw in _first_records(src, _PREFLIGHT_RECORDS):
            count += 1
            data = apply_mapping(raw, mapping)
            has_id = has_id or data.get("external_id") not in (None, "")
            has_date = has_date or data.get("posted_at") not in (None, "")
            seen.update(dict.fromkeys(raw))
        if not count:
            continue
        if has_id:
            return [] if has_date else [f for f in seen if any(h in f.lower() for h in _DATE_HINTS)]
        guess = next((g for g in _ID_GUESSES if g in seen), None)
        hint = f"--map external_id={guess}" if guess else "--map external_id=FIELD"
        fields = ", ".join(list(seen)[:15]) or "(none)"
        raise InputError(
            f"none of the first {count} records has the id field; the records have: {fields}. "
            f"Name the field that identifies a post with {hint}",
            record=src.path, field="external_id",
        )
    return []


_JOB: ScanJob | None = None
_LINK: LinkConfig | None = None


def _run_chunk(chunk: Chunk) -> PackedChunk:
    assert _JOB is not None and _LINK is not None, "the worker was not forked from a process that set the scan job"
    return pack_chunk(scan_chunk(_JOB, chunk), _LINK)


def _results(job: ScanJob, chunks: Iterator[Chunk], workers: int, link: LinkConfig) -> Iterator[PackedChunk]:
    global _JOB, _LINK
    if workers <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        for c in chunks:
            yield pack_chunk(scan_chunk(job, c), link)
        return
    job.screener.screen(WARM_UP_POST)  # build lazy tables once, before the fork, so workers inherit them
    import pyarrow  # noqa: F401  (the workers pack their chunks with it: imported once here, shared after fork)
    # the inherited objects are never freed: frozen, a worker's collections neither scan them nor write to
    # their pages (which would copy every page of the screener into every worker)
    gc.freeze()
    _JOB, _LINK = job, link
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield from pool.imap(_run_chunk, chunks, chunksize=1)
    finally:
        pool.terminate()
        pool.join()
        _JOB = _LINK = None


def run_scan(
    corpus: str | Sequence[str],
    screener: Screener,
    out_dir: str,
    options: ScanOptions | None = None,
    *,
    progress: Progress | None = None,
) -> ScanOutcome:
    """Scan ``corpus`` (paths, directories or globs) and write the outputs into ``out_dir``."""
    opts = options or ScanOptions()
    inputs = [corpus] if isinstance(corpus, str) else list(corpus)
    sources: list[Source] = []
    for item in inputs:
        for s in resolve_corpus(item, opts.fmt):
            sources.append(Source(len(sources), s.path, s.fmt, s.size))
    date_fields = check_id_field(sources, opts.mapping)
    job = ScanJob(screener=screener, mapping=dict(opts.mapping), minhash=opts.link.text,
                  max_body_chars=opts.max_body_chars, max_field_chars=opts.max_field_chars)
    workers = opts.workers if opts.workers is not None else (os.cpu_count() or 1)
    total = sum(s.size for s in sources)
    state = ScanState(sources)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # the report resolves cities with the gazetteer (about a second to load): load it while the workers screen
    gazetteer = threading.Thread(target=resolve_place, args=("Seattle, WA",), daemon=True)
    gazetteer.start()
    for res in _results(job, plan_chunks(sources, opts.chunk_bytes), workers, opts.link):
        state.add(res)
        gc.freeze()  # the state only grows: keep the collector from rescanning it after every chunk
        if progress is not None:
            progress(state.bytes_done, total, state.read)
    gazetteer.join()
    timings["read_and_screen"] = time.perf_counter() - t0
    # Link, summarise and write allocate a few hundred thousand objects that all live to the end (links,
    # networks, rebuilt records, rows, facts) and make almost no cycles, so the collector only rescans them
    # again and again (a third of the summary's time at 200,000 ads): switched off until the outputs are written.
    collecting = gc.isenabled()
    gc.disable()
    try:
        t1 = time.perf_counter()
        result = link_state(state, opts.link)
        timings["link"] = time.perf_counter() - t1
        rows = RowsJob(state, result)  # forks: before the thread below starts
        posts_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan-posts")
        posts = start_posts(posts_pool, out_dir, state, result)
        t2 = time.perf_counter()
        versions = {"policy": screener.policy.version, **{k: v for k, v in screener.versions.items()
                                                            if k.startswith("detector:")}}
        summary = build_summary(state, result, inputs=inputs, seconds=timings, versions=versions,
                                rows_job=rows)
        summary["corpus"]["date_fields"] = date_fields
        timings["summarise"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        html = render_report(summary)
        files = write_outputs(out_dir, state, summary, html, posts)
        posts_pool.shutdown()
        timings["write"] = time.perf_counter() - t3
        summary["seconds"] = {k: round(v, 3) for k, v in timings.items()}
    finally:
        if collecting:
            gc.enable()
        gc.unfreeze()
    return ScanOutcome(summary=summary, files=files, sources=sources)
