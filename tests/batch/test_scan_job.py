"""The Spark corpus job (local mode) finds the in-process linker's networks, names bad records, refuses a
missing path with one error, and reads Parquet like JSONL."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from adwarden.batch.scan_job import spark_scan
from adwarden.config import Settings
from adwarden.demo.generate import generate_posts
from adwarden.detect.network.linker import link_records
from adwarden.detect.network.records import record_from_post
from adwarden.domain import InputError
from adwarden.ingest.files import read_jsonl

pytestmark = pytest.mark.spark


def _partition(out: Path) -> set[frozenset[str]]:
    rows = pq.read_table(out / "memberships.parquet").to_pylist()
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["network_id"], set()).add(r["post_id"])
    return {frozenset(g) for g in groups.values()}


@pytest.mark.timeout(1200)  # a few minutes on an idle 2-core box; Spark's fixed costs dominate under load
def test_spark_job_equals_the_in_process_linker_on_20000_ads(tmp_path: Path, spark: Any) -> None:
    posts = list(generate_posts(20_000, seed=11, network_share=0.05))
    path = tmp_path / "ads.jsonl"
    with path.open("wb") as fh:
        for p in posts:
            fh.write(json.dumps(p).encode() + b"\n")
        fh.write(b"{not json\n")
        fh.write(b'{"external_id": "u1", "body": "bad \xff bytes"}\n')
    ref = link_records([record_from_post(p) for p in posts])
    out = tmp_path / "out"
    summary = spark_scan([str(path)], str(out), settings=Settings(environment="test"), spark=spark)
    assert _partition(out) == ref.partition()
    assert summary["totals"]["networks"] == len(ref.networks) > 100
    assert summary["totals"]["posts"] == 20_000
    assert [(r["line"], "UTF-8" in r["error"] or "JSON" in r["error"]) for r in summary["rejected"]] == [
        (20_001, True), (20_002, True)]
    nets = {r["network_id"]: r for r in pq.read_table(out / "networks.parquet").to_pylist()}
    assert {n.id for n in ref.networks} == set(nets)
    biggest = ref.networks[0]
    assert nets[biggest.id]["size"] == biggest.size
    links = pq.read_table(out / "links.parquet").to_pylist()
    assert {(lk["kind"], lk["value"]) for lk in links if lk["network_id"] == biggest.id} >= {
        (lk.kind, lk.value) for lk in biggest.links if lk.kind not in ("text", "image")}
    assert json.loads((out / "scan.json").read_text())["totals"]["rejected"] == 2


def test_parquet_input_and_a_missing_path(tmp_path: Path, spark: Any) -> None:
    posts = [{k: v for k, v in p.items() if k != "media"} for p in generate_posts(400, seed=4, network_share=0.2)]
    pq.write_table(pa.Table.from_pylist(posts), tmp_path / "ads.parquet", row_group_size=100)
    out = tmp_path / "out"
    spark_scan([str(tmp_path / "ads.parquet")], str(out), settings=Settings(environment="test"), spark=spark)
    assert _partition(out) == link_records([record_from_post(p) for p in posts]).partition()
    with pytest.raises(InputError, match="no such file or directory"):
        spark_scan([str(tmp_path / "missing" / "*.jsonl")], str(out), spark=spark)


def test_invalid_utf8_is_refused_by_file_and_line_as_ingest_refuses_it(tmp_path: Path, spark: Any) -> None:
    """The Spark path reads the bytes in the file: a line ``adwarden ingest`` refuses as invalid UTF-8 is refused
    here too, naming its file and line, and the valid lines around it (in another file too) are screened."""
    posts = list(generate_posts(30, seed=5, network_share=0.2))
    good, mixed = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    good.write_bytes(b"".join(json.dumps(p).encode() + b"\n" for p in posts[:20]))
    bad_line = b'{"external_id": "u1", "body": "bad \xff bytes"}\n'
    mixed.write_bytes(b"".join(json.dumps(p).encode() + b"\n" for p in posts[20:23]) + bad_line
                      + b"".join(json.dumps(p).encode() + b"\n" for p in posts[23:]))
    in_process = list(read_jsonl(io.BytesIO(mixed.read_bytes())))
    assert [(r.line, "invalid UTF-8" in str(r.error)) for r in in_process if r.error] == [(4, True)]
    summary = spark_scan([str(good), str(mixed)], str(tmp_path / "out"), settings=Settings(environment="test"),
                         spark=spark)
    assert summary["totals"]["posts"] == 30
    assert [(Path(r["file"].removeprefix("file:")).name, r["line"], "invalid UTF-8" in r["error"])
            for r in summary["rejected"]] == [("b.jsonl", 4, True)]


def test_a_path_naming_only_hidden_files_is_an_error_not_an_empty_input(tmp_path: Path, spark: Any) -> None:
    """Spark's readers skip files whose names start with "_" or "." even when named; such a path is refused."""
    hidden = tmp_path / "_export.jsonl"
    hidden.write_bytes(json.dumps(next(iter(generate_posts(1, seed=3)))).encode() + b"\n")
    with pytest.raises(InputError, match="never read"):
        spark_scan([str(hidden)], str(tmp_path / "out"), settings=Settings(environment="test"), spark=spark)
