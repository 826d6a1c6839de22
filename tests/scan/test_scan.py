"""``adwarden scan``: same networks and verdicts as the in-process linker and screener, every input format, bad
records named by file and line, one clear error for a missing id field, and the outputs a user opens."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from adwarden.demo.generate import generate_posts
from adwarden.detect.network.linker import link_records
from adwarden.detect.network.records import record_from_post
from adwarden.domain import InputError
from adwarden.ingest.schema import validate_post
from adwarden.pipeline import Screener
from adwarden.runtime import Runtime
from adwarden.scan.runner import ScanOptions, run_scan
from adwarden.storage.sql.tables import audit_events, posts
from tests.conftest import Cli


def _posts(n: int, seed: int = 5) -> list[dict[str, Any]]:
    return list(generate_posts(n, seed=seed, network_share=0.1))


def _write_jsonl(path: Path, rows: list[dict[str, Any]], extra: tuple[bytes, ...] = ()) -> Path:
    with path.open("wb") as fh:
        for r in rows:
            fh.write(json.dumps(r).encode() + b"\n")
        for line in extra:
            fh.write(line + b"\n")
    return path


def _partition(summary: dict[str, Any]) -> set[frozenset[str]]:
    return {frozenset(n["post_ids"]) for n in summary["networks"]}


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return _posts(1500)


def test_networks_equal_the_batch_linker(tmp_path: Path, corpus: list[dict[str, Any]],
                                         shared_screener: Screener) -> None:
    path = _write_jsonl(tmp_path / "ads.jsonl", corpus)
    ref = link_records([record_from_post(p) for p in corpus])
    one = run_scan(str(path), shared_screener, str(tmp_path / "a"), ScanOptions(workers=0))
    assert _partition(one.summary) == ref.partition()
    assert len(ref.networks) > 20  # the corpus has networks to find
    # many small chunks on two worker processes: the same networks (text links depend on post order)
    two = run_scan(str(path), shared_screener, str(tmp_path / "b"), ScanOptions(workers=2, chunk_bytes=20_000))
    assert _partition(two.summary) == ref.partition()
    assert one.summary["totals"]["posts"] == two.summary["totals"]["posts"] == len(corpus)


def test_verdicts_equal_the_screener(tmp_path: Path, shared_screener: Screener) -> None:
    rows = _posts(300, seed=9)
    rows[0]["body"] = "Sweet girl, im 16 years old, new in town, available 24/7"
    rows[1]["body"] = "Fresh in town, 100 roses per hour, incall only, call 206-555-0111"
    path = _write_jsonl(tmp_path / "ads.jsonl", rows)
    out = run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0, chunk_bytes=30_000))
    table = pq.read_table(out.files["posts.parquet"]).to_pylist()
    got = {r["external_id"]: (round(r["risk"], 3), r["action"]) for r in table}
    for raw in rows:
        v = shared_screener.screen(validate_post(raw, record="t")).verdict
        assert got[raw["external_id"]] == (round(v.risk, 3), v.action.value), raw["external_id"]
    assert got[rows[0]["external_id"]][1] != "allow"
    minors = out.summary["minors"]
    assert minors["posts"] == 1 and minors["listed"][0]["external_id"] == rows[0]["external_id"]
    assert "16" in minors["listed"][0]["stated"] and minors["listed"][0]["line"] == 1
    mark = minors["listed"][0]["excerpt"]["mark"]
    assert "16" in minors["listed"][0]["excerpt"]["text"][mark[0] : mark[1]]


def test_bad_records_are_named_and_the_rest_goes_on(tmp_path: Path, cli: Cli) -> None:
    good = _posts(40)
    path = _write_jsonl(tmp_path / "ads.jsonl", good[:20], extra=(
        b"{broken json",
        json.dumps({"external_id": "n1", "body": 12345}).encode(),
        b'{"external_id": "u1", "body": "caf\xe9 bad bytes"}',
        json.dumps({"title": "no id here"}).encode(),
    ))
    with path.open("ab") as fh:
        for r in good[20:]:
            fh.write(json.dumps(r).encode() + b"\n")
    r = cli("scan", str(path), "--out", str(tmp_path / "out"), "--workers", "0", "--json")
    assert r.exit_code == 6, r.output
    summary = json.loads((tmp_path / "out" / "scan.json").read_text())
    rejected = {x["line"]: x for x in summary["rejected"]}
    assert sorted(rejected) == [21, 22, 23, 24]
    assert all(x["file"] == str(path) for x in rejected.values())
    assert "malformed JSON" in rejected[21]["error"]
    assert rejected[22]["field"] == "body"
    assert "UTF-8" in rejected[23]["error"]
    assert rejected[24]["field"] == "external_id"
    assert summary["totals"]["posts"] == 40
    assert pq.read_table(tmp_path / "out" / "rejected.parquet").num_rows == 4
    html = (tmp_path / "out" / "report.html").read_text()
    assert f"{path}" in html and ">23<" in html
    clean = _write_jsonl(tmp_path / "clean.jsonl", good)
    assert cli("scan", str(clean), "--out", str(tmp_path / "out2"), "--workers", "0").exit_code == 0


def test_an_id_field_missing_everywhere_is_one_error_suggesting_map(tmp_path: Path, cli: Cli) -> None:
    rows = [{"id": f"a{i}", "title": "Bike for sale", "body": "Blue bike, call 206-555-0142"} for i in range(30)]
    path = _write_jsonl(tmp_path / "ads.jsonl", rows)
    r = cli("scan", str(path), "--out", str(tmp_path / "out"), "--workers", "0")
    assert r.exit_code == 1
    assert "external_id" in r.output and "--map external_id=id" in r.output
    assert r.output.count("\n") <= 2  # one message, not one per line
    assert not (tmp_path / "out").exists()
    ok = cli("scan", str(path), "--out", str(tmp_path / "out"), "--workers", "0", "--map", "external_id=id")
    assert ok.exit_code == 0, ok.output
    assert json.loads((tmp_path / "out" / "scan.json").read_text())["totals"]["networks"] == 1


def test_a_missing_path_is_one_clear_error(tmp_path: Path, cli: Cli) -> None:
    r = cli("scan", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out"))
    assert r.exit_code == 1 and "matches no files" in r.output


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    fields = ["external_id", "site", "category", "title", "body", "location", "posted_at", "url"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Posts without account and media (what a CSV carries)."""
    return [{k: v for k, v in r.items() if k not in ("account", "media")} for r in rows]


def test_csv_parquet_directory_and_glob_give_the_same_networks(tmp_path: Path, corpus: list[dict[str, Any]],
                                                               shared_screener: Screener) -> None:
    rows = _flat(corpus[:600])
    rows[5]["body"] = 'A quoted "word", and a body\nover two lines, call 206-555-0147'
    rows[6]["body"] = "Same phone here: 206-555-0147"
    ref = link_records([record_from_post(p) for p in rows]).partition()
    d = tmp_path / "in"
    d.mkdir()
    jsonl = _write_jsonl(d / "a.jsonl", rows)
    csv_path = _write_csv(tmp_path / "a.csv", rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet", row_group_size=100)
    opts = ScanOptions(workers=0, chunk_bytes=8_000)
    for i, target in enumerate([str(jsonl), str(csv_path), str(tmp_path / "a.parquet"), str(d),
                                str(tmp_path / "in" / "*.jsonl")]):
        out = run_scan(target, shared_screener, str(tmp_path / f"o{i}"), opts)
        assert _partition(out.summary) == ref, target
        assert out.summary["totals"]["rejected"] == 0, (target, out.summary["rejected"][:3])
    assert any(rows[5]["external_id"] in n["posts"] for n in out.summary["networks"])


def test_csv_lines_are_file_lines_across_chunks(tmp_path: Path, shared_screener: Screener) -> None:
    rows = _flat(_posts(200))
    rows[3]["body"] = "first line\nsecond line\nthird line of a long body"
    rows[150]["body"] = ""
    rows[150]["title"] = ""
    path = _write_csv(tmp_path / "a.csv", rows)
    out = run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0, chunk_bytes=5_000))
    # header = line 1, rows 0..149 take lines 2..153 (row 3 spans three lines), so row 150 is line 154
    assert [(r["line"], r["field"]) for r in out.summary["rejected"]] == [(154, "(record)")]


def test_report_is_self_contained_and_escapes_ad_text(tmp_path: Path, shared_screener: Screener) -> None:
    hostile = '<script>alert(1)</script><img src="https://example.com/x.png" onerror="alert(2)"> call 206-555-0123'
    rows = [{"external_id": f"h{i}", "title": "Hello", "body": hostile + f" number {i}",
             "location": "Seattle, WA", "posted_at": "2026-10-02T10:00:00Z"} for i in range(6)]
    path = _write_jsonl(tmp_path / "ads.jsonl", rows)
    out = run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0))
    html = Path(out.files["report.html"]).read_text()
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # nothing is fetched: no attribute points anywhere (URLs from ads are text), no CSS url(), no link tags
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:|//)""", html, re.IGNORECASE)
    assert "url(" not in html and "<link" not in html.lower()
    assert "https://example.com/x.png" in html  # shown, as text
    assert "<svg" in html and "<style>" in html
    net = out.summary["networks"][0]
    assert net["size"] == 6 and {"kind": "phone", "value": "+12065550123"}.items() <= net["links"][0].items()
    assert net["templates"] and "{number}" in net["templates"][0]["skeleton"]
    assert 'class="slot slot-number"' in html


def test_outputs_hold_the_same_findings(tmp_path: Path, corpus: list[dict[str, Any]],
                                        shared_screener: Screener) -> None:
    path = _write_jsonl(tmp_path / "ads.jsonl", corpus[:500])
    out = run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0))
    summary = json.loads(Path(out.files["scan.json"]).read_text())
    posts = pq.read_table(out.files["posts.parquet"]).to_pylist()
    nets = pq.read_table(out.files["networks.parquet"]).to_pylist()
    assert len(posts) == summary["totals"]["posts"] == 500
    assert {n["network_id"]: n["size"] for n in nets} == {n["id"]: n["size"] for n in summary["networks"]}
    member_of = {p["external_id"]: p["network_id"] for p in posts}
    for n in summary["networks"]:
        assert {member_of[e] for e in n["posts"]} == {n["id"]}
    assert sum(1 for p in posts if p["network_id"]) == summary["totals"]["networked_posts"]
    first = posts[0]
    assert first["file"] == str(path) and first["line"] == 1
    assert summary["timeline"] and summary["cities"]


def test_parquet_and_json_carry_every_identifier_and_network(tmp_path: Path, corpus: list[dict[str, Any]],
                                                              shared_screener: Screener) -> None:
    # posts.parquet's identifier columns are cut from one flat array and scan.json's networks are spliced from
    # JSON encoded once for both files: each post must keep its own identifiers, in order, and both files the
    # same network facts
    rows = corpus[:400]
    path = _write_jsonl(tmp_path / "ads.jsonl", rows)
    out = run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0, chunk_bytes=50_000))
    posts = pq.read_table(out.files["posts.parquet"]).to_pylist()
    kinds = {"phone": "phones", "email": "emails", "handle": "handles", "payment": "payments", "url": "urls",
             "account": "accounts"}
    for raw, got in zip(rows, posts, strict=True):
        rec = record_from_post(raw)
        assert got["post_id"] == rec.post_id
        for kind, col in kinds.items():
            assert got[col] == [v for k, v in rec.identifiers if k == kind], (rec.post_id, kind)
        assert got["names"] == list(rec.names) and got["stated_ages"] == list(rec.ages)
    assert sum(len(p["phones"]) for p in posts) > 100
    summary = json.loads(Path(out.files["scan.json"]).read_text())
    assert summary["totals"] == out.summary["totals"] and "_members" not in summary["networks"][0]
    nets = {n["network_id"]: n for n in pq.read_table(out.files["networks.parquet"]).to_pylist()}
    for n in summary["networks"]:
        assert json.loads(nets[n["id"]]["links_json"]) == n["links"]
        assert json.loads(nets[n["id"]]["facts_json"]) == n["facts"]
        assert n["post_ids"] == list(next(r for r in out.summary["networks"] if r["id"] == n["id"])["post_ids"])


def test_store_ingests_through_the_ingest_path(tmp_path: Path, backend_runtime: Runtime) -> None:
    cli = Cli(backend_runtime.settings)
    rows = _posts(30)
    path = _write_jsonl(tmp_path / "ads.jsonl", rows)
    r = cli("scan", str(path), "--out", str(tmp_path / "o"), "--workers", "0", "--store", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["stored"] == {"accepted": 30}
    again = cli("scan", str(path), "--out", str(tmp_path / "o"), "--workers", "0", "--store", "--json")
    assert json.loads(again.output)["stored"] == {"duplicate": 30}
    with backend_runtime.db.read() as conn:
        stored = conn.execute(select(func.count()).select_from(posts)).scalar_one()
        audited = conn.execute(select(func.count()).select_from(audit_events)
                               .where(audit_events.c.name == "post-accepted")).scalar_one()
    assert stored == 30 and audited == 30


def test_unknown_extension_needs_format(tmp_path: Path, shared_screener: Screener) -> None:
    path = _write_jsonl(tmp_path / "ads.txt", _posts(5))
    with pytest.raises(InputError, match="--format"):
        run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0))
    out = run_scan(str(path), shared_screener, str(tmp_path / "o"), ScanOptions(workers=0, fmt="jsonl"))
    assert out.summary["totals"]["posts"] == 5
