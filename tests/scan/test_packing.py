"""A scan links from the chunks' columns (``adwarden.scan.packing``): repeated posts, posts over the identifier
cap and hub identifiers must come out exactly as the batch linker over the same posts gives them, and the
records rebuilt from a packed chunk must equal the records that were packed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from adwarden.demo.generate import generate_posts
from adwarden.detect.network.linker import LinkConfig, collect_postings, link_records
from adwarden.detect.network.records import LinkRecord, record_from_post
from adwarden.pipeline import Screener
from adwarden.scan.packing import pack_chunk, records_from_table
from adwarden.scan.runner import ScanOptions, run_scan
from adwarden.scan.worker import ChunkResult


def _corpus() -> list[dict[str, Any]]:
    posts = list(generate_posts(400, seed=11, network_share=0.1))
    hub = "(206) 555-0142"  # one phone in every category: a hub by the category rule
    for n, p in enumerate(posts[:40]):
        p["body"] = f"{p.get('body', '')} text {hub}"
        p["category"] = f"cat-{n % 8}"
    many = {"external_id": "directory-1", "site": "example.com", "title": "Listing",
            "body": "A list of numbers, not one contact.",
            "media": [{"pdq": f"{i:064x}"} for i in range(1, 9)]}
    return [*posts, many]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_repeats_caps_and_hubs_link_as_the_batch_linker(tmp_path: Path, shared_screener: Screener) -> None:
    posts = _corpus()
    # repeats: of an early post far away (another chunk) and of the next post right away (same chunk)
    rows = [*posts[:200], posts[3], posts[200], posts[200], *posts[201:], posts[0]]
    path = _jsonl(tmp_path / "ads.jsonl", rows)
    config = LinkConfig(hubs=LinkConfig().hubs.__class__(max_identifiers_per_post=7))
    ref = link_records([record_from_post(p) for p in rows], config)
    assert ref.ignored and ref.ignored_posts and ref.duplicates  # the corpus exercises all three
    for workers, chunk in ((0, 8_000), (2, 5_000)):
        got = run_scan(str(path), shared_screener, str(tmp_path / f"out-{workers}"),
                       ScanOptions(workers=workers, chunk_bytes=chunk, link=config)).summary
        assert {frozenset(n["post_ids"]) for n in got["networks"]} == ref.partition()
        by_id = {n.id: n for n in ref.networks}
        for row in got["networks"]:
            net = by_id[row["id"]]
            assert row["ignored"] == [i.to_json() for i in net.ignored]
            assert sorted((x["kind"], x["count"]) for x in row["links"]) == sorted(
                (x.kind, len(x.posts)) for x in net.links)
        assert got["ignored_identifiers"] == [i.to_json() for i in sorted(ref.ignored, key=lambda x: -x.posts)]
        assert got["ignored_posts"] == [p.to_json() for p in ref.ignored_posts]
        assert [(d["post_id"], d["line"]) for d in got["duplicates"]] == [
            (f"{rows[i]['site']}:{rows[i]['external_id']}", i + 1) for i in (200, 202, len(rows) - 1)]
        assert got["totals"]["identifiers"] == ref.stats["identifiers"]


def test_a_packed_chunk_rebuilds_its_records_and_keys_them_as_the_linker() -> None:
    when = datetime(2026, 10, 1, 12, 30, 15, 123456, tzinfo=UTC)
    recs = [
        LinkRecord("s:1", external_id="1", site="s", identifiers=(("phone", "+12065550147"), ("ip", "10.0.0.1"),
                                                                 ("email", "a@example.com"), ("phone", "+12065550147")),
                   image_hashes=("f" * 64,), posted_at=when, location="Seattle, WA", lat=47.6, lon=-122.3,
                   names=("Kira",), ages=(19, 21), category="massage"),
        LinkRecord("s:2", external_id="2", site="t"),
        LinkRecord("s:3", external_id="3", site="s", identifiers=(("email", "a@example.com"),),
                   image_hashes=("f" * 64, "0" * 64)),
    ]
    res = ChunkResult(seq=0, source=0, lines=3, nbytes=0, records=recs, line_of=[1, 2, 3],
                      labels=[("a", "b"), (), ("b",)])
    config = LinkConfig(disabled=frozenset({"ip"}))
    packed = pack_chunk(res, config)
    back = records_from_table(pa.Table.from_batches([packed.posts]))
    assert back == recs
    assert all(r.posted_at is None or r.posted_at.tzinfo is UTC for r in back)
    kinds, values, post_of, key_of, _ = collect_postings(recs, config)
    assert list(zip(packed.key_kind, packed.key_value, strict=True)) == list(zip(kinds, values, strict=True))
    # the same (post, key) pairs; a pair listed twice by a record is counted once at link time, as here
    assert set(zip(packed.key_post.tolist(), packed.key_code.tolist(), strict=True)) == set(
        zip(post_of.tolist(), key_of.tolist(), strict=True))
    assert packed.key_post.size == 7  # phone twice, e-mail, image; the second post none; e-mail and two images
    assert list(packed.labels.items()) == [("a", 1), ("b", 2)]


def test_rows_built_on_two_processes_equal_the_rows_built_in_one(tmp_path: Path, shared_screener: Screener) -> None:
    from adwarden.scan.linking import link_state
    from adwarden.scan.networks import RowsJob, network_rows
    from adwarden.scan.runner import _results
    from adwarden.scan.sources import Source, plan_chunks, resolve_corpus
    from adwarden.scan.state import ScanState
    from adwarden.scan.worker import ScanJob

    path = _jsonl(tmp_path / "ads.jsonl", _corpus())
    opts = ScanOptions()
    sources = [Source(0, s.path, s.fmt, s.size) for s in resolve_corpus(str(path), None)]
    job = ScanJob(screener=shared_screener, mapping={}, minhash=opts.link.text, max_body_chars=opts.max_body_chars,
                  max_field_chars=opts.max_field_chars)
    state = ScanState(sources)
    for res in _results(job, plan_chunks(sources, 10_000), 0, opts.link):
        state.add(res)
    result = link_state(state, opts.link)
    assert len(result.networks) > 20
    one = network_rows(state, result)
    job_rows = RowsJob(state, result, min_networks=2)
    assert job_rows._pool is not None  # the second half really is built in a forked process
    assert job_rows.rows() == one
