"""Screening ahead in a forked worker gives exactly the in-process results, in order."""

from __future__ import annotations

import io
import json
import pickle
import shutil
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from adwarden.detect.network import LinkConfig
from adwarden.ingest.files import JsonlChunk, jsonl_chunks, read_jsonl
from adwarden.pipeline import Screener
from adwarden.screening.parallel import ScreeningPipeline
from adwarden.screening.service import prepare_batch
from tests.factories import post, post_json, risky_post


def test_screenings_survive_pickling(shared_screener: Screener) -> None:
    s = shared_screener.screen(risky_post())
    again = pickle.loads(pickle.dumps(s))
    assert again == s
    assert again.extraction.phones[0].attrs == s.extraction.phones[0].attrs


def test_worker_results_equal_in_process_results_in_order(shared_screener: Screener) -> None:
    batches = [([post(f"p-{b}-{i}", body=f"Item {i}, call 206-555-01{i:02d}") for i in range(5)] + [risky_post()],
                b) for b in range(6)]
    with ScreeningPipeline[int](shared_screener, workers=1, ahead=2) as pipe:
        forked = [(tag, [s.verdict for s in scr], [s.identifiers for s in scr]) for _, scr, tag in pipe.run(batches)]
    with ScreeningPipeline[int](shared_screener, workers=0) as pipe:
        local = [(tag, [s.verdict for s in scr], [s.identifiers for s in scr]) for _, scr, tag in pipe.run(batches)]
    assert [t for t, _, _ in forked] == list(range(6))
    assert forked == local


def test_rows_prepared_in_the_worker_equal_the_storing_process_s(shared_screener: Screener) -> None:
    """A file ingest builds each batch's rows and network records in its screening worker
    (``run_prepared``); they must be what the storing process would have built from the same screenings."""
    batches = [([post(f"p-{b}-{i}", body=f"Item {i}, call 206-555-01{i:02d}", location="Seattle, WA")
                 for i in range(4)] + [risky_post()], b) for b in range(4)]
    prepare = partial(prepare_batch, link=True, text=LinkConfig().text)
    with ScreeningPipeline[int](shared_screener, workers=1, ahead=2, prepare=prepare) as pipe:
        assert pipe.forked
        forked = [(tag, prepared, screenings) for _, screenings, prepared, tag in pipe.run_prepared(batches)]
    assert [tag for tag, _, _ in forked] == list(range(4))
    for (posts, tag), (_, prepared, screenings) in zip(batches, forked, strict=True):
        assert prepared == prepare_batch(posts, [shared_screener.screen(p) for p in posts], link=True,
                                         text=LinkConfig().text), tag
        assert [s.verdict for s in screenings] == [shared_screener.screen(p).verdict for p in posts]
        assert all(p.record is not None and p.identifier_rows and p.text_signature for p in prepared)
    with ScreeningPipeline[int](shared_screener, workers=0, prepare=prepare) as pipe:
        assert not pipe.forked
        local = [(tag, prepared) for _, _, prepared, tag in pipe.run_prepared(batches)]
    assert local == [(tag, prepared) for tag, prepared, _ in forked]


def test_jsonl_chunks_read_in_the_worker_give_what_reading_in_process_gives(shared_screener: Screener) -> None:
    """A file ingest's worker reads and validates the JSONL lines itself (``run_chunks``): the posts, the
    rejected lines, the screenings and the prepared rows must be those of reading the file here."""
    lines = [json.dumps(post_json(f"c-{i}", body=f"Item {i}, call 206-555-01{i:02d}")).encode() for i in range(9)]
    lines[4] = b'{"external_id": "bad", "body": 7}'
    data = b"\n".join(lines) + b"\n"
    prepare = partial(prepare_batch, link=True, text=LinkConfig().text)
    chunks = [JsonlChunk(first, part) for first, part in jsonl_chunks(io.BytesIO(data), 4)]
    with ScreeningPipeline[int](shared_screener, workers=1, ahead=2, prepare=prepare) as pipe:
        assert pipe.forked
        forked = list(pipe.run_chunks(chunks))
    with ScreeningPipeline[int](shared_screener, workers=0, prepare=prepare) as pipe:
        local = list(pipe.run_chunks(chunks))
    whole = list(read_jsonl(io.BytesIO(data)))
    assert [p for got, _, _ in forked for p in got.posts] == [r.post for r in whole if r.post]
    assert [e for got, _, _ in forked for e in got.rejected] == [(r.line, str(r.error)) for r in whole if r.error]
    assert [line for got, _, _ in forked for line, _ in got.rejected] == [5]
    assert [got.last_line for got, _, _ in forked] == [4, 8, 9]
    for (got, screenings, prepared), (lgot, lscreenings, lprepared) in zip(forked, local, strict=True):
        assert got == lgot and prepared == lprepared
        assert prepared == prepare_batch(got.posts, [shared_screener.screen(p) for p in got.posts], link=True,
                                         text=LinkConfig().text)
        assert [s.verdict for s in screenings] == [s.verdict for s in lscreenings]
    with ScreeningPipeline[int](shared_screener, workers=0) as pipe, pytest.raises(ValueError, match="prepare"):
        list(pipe.run_chunks(chunks))


def test_ingest_stores_the_same_rows_with_rows_prepared_beforehand(
        runtime: Any, tmp_path: Path, sqlite_template: Path, shared_base: Any) -> None:
    """``Runtime.ingest(prepared=...)`` stores what it stores when it prepares the rows itself (two fresh
    databases, the same posts)."""
    from sqlalchemy import select

    from adwarden.config import Settings
    from adwarden.domain import Actor
    from adwarden.runtime import build_runtime
    from adwarden.storage.sql.tables import assessments, identifiers, post_versions

    other_path = tmp_path / "other.db"
    shutil.copyfile(sqlite_template, other_path)
    other = build_runtime(Settings(environment="test", data_dir=tmp_path / "other",
                                   database_url=f"sqlite:///{other_path}"), migrate=False, base=shared_base)
    actor = Actor.system("test")
    posts = [post(f"a-{i}", body=f"Call 206-555-01{i % 3:02d} now", location="Seattle, WA") for i in range(6)]
    posts.append(risky_post())
    screenings = [other.screener.screen(p) for p in posts]
    plain = runtime.ingest(posts, actor=actor)
    ready = other.ingest(posts, actor=actor, screenings=screenings,
                         prepared=prepare_batch(posts, screenings, link=True, text=LinkConfig().text))
    other.db.dispose()
    assert [(o.post_id, o.status, o.version, o.assessment.verdict if o.assessment else None) for o in plain] == \
        [(o.post_id, o.status, o.version, o.assessment.verdict if o.assessment else None) for o in ready]
    assert any(o.assessment and o.assessment.verdict.risk > 0 for o in ready)

    def stored(rt: Any) -> tuple[list[Any], list[Any], list[Any]]:
        with rt.db.read() as conn:
            return (sorted(repr(tuple(r)) for r in conn.execute(
                        select(*[c for c in post_versions.c if c.name not in ("id", "received_at")]))),
                    sorted(repr(tuple(r)) for r in conn.execute(select(*[c for c in identifiers.c if c.name != "id"]))),
                    sorted(repr((r.post_id, r.action, r.risk, r.reasons)) for r in conn.execute(select(assessments))))

    other = build_runtime(Settings(environment="test", data_dir=tmp_path / "other",
                                   database_url=f"sqlite:///{other_path}"), migrate=False, base=shared_base)
    mine, theirs = stored(runtime), stored(other)
    other.db.dispose()
    assert mine == theirs
    assert mine[1]  # identifiers were stored


def test_the_worker_ships_screenings_without_their_extraction(shared_screener: Screener) -> None:
    """The storing process never reads the extraction, so the worker does not send it; what it does send
    re-decides with network facts exactly as the full screening does."""
    batches = [([risky_post(), post("p-1", body="Call 206-555-0147, Seattle")], 0)]
    prepare = partial(prepare_batch, link=True, text=LinkConfig().text)
    with ScreeningPipeline[int](shared_screener, workers=1, prepare=prepare) as pipe:
        (_, shipped, _, _), = list(pipe.run_prepared(batches))
    with ScreeningPipeline[int](shared_screener, workers=1) as pipe:
        (_, shipped_plain, _), = list(pipe.run(batches))
    assert all(s.extraction is None for s in [*shipped, *shipped_plain])
    full = [shared_screener.screen(p) for p in batches[0][0]]
    assert all(f.extraction is not None and f.extraction.phones for f in full)
    assert [s.verdict for s in shipped] == [f.verdict for f in full]
    # the identifiers cross only where the storing side builds the rows itself (the API's writer, a scan)
    assert all(s.identifiers is None for s in shipped)
    assert [s.identifiers for s in shipped_plain] == [f.identifiers for f in full]
    with pytest.raises(ValueError, match="shipped without its identifiers"):
        prepare_batch(batches[0][0], shipped, link=True)
    facts = {"size": 12, "distinct_cities": 3, "km_travelled": 900.0, "names_per_phone": 4, "network_id": "n1",
             "cities": ["Seattle, WA", "Portland, OR", "Boise, ID"]}
    for p, s, f in zip(batches[0][0], shipped, full, strict=True):
        again, expected = shared_screener.with_network(p, s, facts), shared_screener.with_network(p, f, facts)
        assert again.verdict == expected.verdict
        assert again.evidence == expected.evidence
        assert any(e.detector == "network" for e in again.evidence)


def test_a_network_detector_that_reads_the_extraction_fails_loudly(shared_screener: Screener) -> None:
    """A network detector must read only the network facts: given a shipped screening, one that reads the
    extraction (or the identifiers, when they were left out) raises instead of silently seeing none (and
    deciding differently than the API would)."""
    from adwarden.detect.base import Detector, DetectorRegistry, ScreenContext
    from adwarden.domain import Evidence

    class NetworkDetector(Detector):
        def detect(self, ctx: ScreenContext) -> list[Evidence]:
            return [Evidence("network", "phones", weight=1.0, value=str(len(ctx.extraction.phones)))]

    screener = Screener(DetectorRegistry([NetworkDetector()]), shared_screener.policy)
    p = risky_post()
    full = screener.screen(p)
    assert screener.with_network(p, full, {"size": 3}).evidence  # reads the extraction it has
    with pytest.raises(RuntimeError, match="extraction.phones"):
        screener.with_network(p, full.for_storing(), {"size": 3})

    def reading_identifiers() -> Detector:
        class NetworkDetector(Detector):
            def detect(self, ctx: ScreenContext) -> list[Evidence]:
                return [Evidence("network", "ids", weight=1.0, value=str(len(ctx.identifiers)))]

        return NetworkDetector()

    screener = Screener(DetectorRegistry([reading_identifiers()]), shared_screener.policy)
    assert screener.with_network(p, full.for_storing(), {"size": 3}).evidence
    with pytest.raises(RuntimeError, match="identifiers were not shipped"):
        screener.with_network(p, full.for_storing(rows_prepared=True), {"size": 3})


def test_workers_freeze_what_they_start_with_and_collect_less_often(shared_screener: Screener) -> None:
    """A screening worker's inherited and warmed-up state is out of the collector's reach, and young
    collections run every BATCH_GC_THRESHOLD allocations, not every 700 (they took 8% of its CPU), nor at the
    higher threshold a storing parent set for itself before forking."""
    import gc

    from adwarden.screening.collector import BATCH_GC_THRESHOLD, STORING_GC_THRESHOLD
    from adwarden.screening.parallel import fork_screening_pool

    parents = gc.get_threshold()
    gc.set_threshold(STORING_GC_THRESHOLD, *parents[1:])
    try:
        pool = fork_screening_pool(shared_screener, 1, warm_parent=False)
    finally:
        gc.set_threshold(*parents)
    assert pool is not None
    try:
        threshold = pool.apply(gc.get_threshold)
        frozen = pool.apply(gc.get_freeze_count)
    finally:
        pool.terminate()
        pool.join()
    assert threshold[0] == BATCH_GC_THRESHOLD
    assert frozen > 10_000
