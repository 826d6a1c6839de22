"""``adwarden ingest``: JSON summary, rejected records by line, idempotent re-runs, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from adwarden.config import Settings
from adwarden.storage.sql.tables import posts
from tests.conftest import Cli
from tests.factories import post_json


def _write_jsonl(path: Path, rows: list[dict[str, object]], extra_lines: tuple[bytes, ...] = ()) -> None:
    with path.open("wb") as f:
        for r in rows:
            f.write(json.dumps(r).encode() + b"\n")
        for line in extra_lines:
            f.write(line + b"\n")


def _stored(settings: Settings) -> int:
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(posts)).scalar_one())
    engine.dispose()
    return n


def test_ingest_json_summary_and_rejects(cli: Cli, tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "posts.jsonl"
    rows = [post_json(f"p-{i}") for i in range(5)]
    _write_jsonl(f, rows, extra_lines=(b"{not json", b'{"external_id": "x"}'))
    r = cli("ingest", str(f), "--json")
    assert r.exit_code == 1, r.output  # rejected records make the run fail, after storing the rest
    assert r.stderr.strip() == "error: 2 of 7 records rejected (named above); the other records were stored"
    summary = json.loads(r.stdout)
    assert summary["read"] == 7 and summary["accepted"] == 5 and summary["duplicates"] == 0
    assert [x["line"] for x in summary["rejected"]] == [6, 7]
    assert "line 7" in summary["rejected"][1]["error"]
    assert sum(summary["actions"].values()) == 5
    assert summary["seconds"] >= 0
    again = json.loads(cli("ingest", str(f), "--json").stdout)
    assert again["accepted"] == 0 and again["duplicates"] == 5
    assert _stored(settings) == 5


def test_ingest_csv_with_mapping_and_table_output(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "posts.csv"
    f.write_text("sid,text\nc1,Bike for sale\nc2,Garden chairs\n", encoding="utf-8")
    r = cli("ingest", str(f), "--map", "external_id=sid", "--map", "body=text")
    assert r.exit_code == 0, r.output
    assert "accepted" in r.output and "2" in r.output


def test_ingest_from_stdin(cli: Cli) -> None:
    data = json.dumps(post_json("s-1")) + "\n"
    r = cli("ingest", "-", "--json", input=data)
    assert json.loads(r.output)["accepted"] == 1


def test_cases_list_json(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "p.jsonl"
    risky = post_json("r-1", title="New in town, young and fresh",
                      body="Just arrived, available 24/7. 100 roses per hour. Call 206-555-0147.")
    _write_jsonl(f, [risky, post_json("b-1")])
    cli("ingest", str(f))
    out = json.loads(cli("cases", "list", "--json").output)
    assert [c["external_id"] for c in out] == ["r-1"]
    assert out[0]["risk"] > 0 and out[0]["queue"]


def test_audit_verify_cli_detects_tampering(cli: Cli, tmp_path: Path, settings: Settings) -> None:
    f = tmp_path / "p.jsonl"
    _write_jsonl(f, [post_json(f"p-{i}") for i in range(3)])
    cli("ingest", str(f))
    ok = cli("audit", "verify")
    assert ok.exit_code == 0 and "intact" in ok.output
    engine = create_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET payload = '{}' WHERE seq = 2"))
    engine.dispose()
    bad = cli("audit", "verify")
    assert bad.exit_code == 1 and "event 2" in bad.output


def test_killed_midway_loses_nothing_acknowledged(tmp_path: Path, settings: Settings) -> None:
    """Feed posts slowly through stdin, kill -9 after some acknowledgements, check every acknowledged line is
    stored, then re-run the whole file: all posts, no duplicates."""
    rows = [post_json(f"k-{i}") for i in range(400)]
    env = {**os.environ, "ADWARDEN_DATABASE_URL": settings.resolved_database_url,
           "ADWARDEN_DATA_DIR": str(settings.data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "adwarden", "ingest", "-", "--ack", "--batch-size", "20", "--no-progress"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    assert proc.stdin is not None and proc.stderr is not None
    acked = 0
    for i, row in enumerate(rows[:300]):
        proc.stdin.write(json.dumps(row).encode() + b"\n")
        if i % 20 == 19:
            proc.stdin.flush()
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while acked < 100 and time.monotonic() < deadline:
        line = proc.stderr.readline().decode()
        if line.startswith("ack "):
            acked = int(line.split()[1])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acked >= 100, "the ingest process never acknowledged a batch"
    assert _stored(settings) >= acked
    f = tmp_path / "all.jsonl"
    _write_jsonl(f, rows)
    r = subprocess.run([sys.executable, "-m", "adwarden", "ingest", str(f), "--json"], env=env,
                       capture_output=True, check=True)
    summary = json.loads(r.stdout)
    assert summary["accepted"] + summary["duplicates"] == 400
    assert _stored(settings) == 400


def test_ingest_names_rejected_lines_across_batches_and_acknowledges_each(tmp_path: Path, settings: Settings) -> None:
    """With batches smaller than the file (read by the screening worker, chunk by chunk), rejected records are
    still named by their line in the file, and each batch is acknowledged up to its last line."""
    f = tmp_path / "posts.jsonl"
    rows = [json.dumps(post_json(f"b-{i}")).encode() for i in range(7)]
    rows[2], rows[5] = b"{not json", b'{"external_id": "no-text"}'
    f.write_bytes(b"\n".join(rows) + b"\n\n")
    env = {**os.environ, "ADWARDEN_DATABASE_URL": settings.resolved_database_url,
           "ADWARDEN_DATA_DIR": str(settings.data_dir)}
    r = subprocess.run([sys.executable, "-m", "adwarden", "ingest", str(f), "--json", "--ack", "--batch-size", "2",
                        "--no-progress", "--workers", "1"], env=env, capture_output=True)
    assert r.returncode == 1, r.stderr
    summary = json.loads(r.stdout)
    assert summary["read"] == 7 and summary["accepted"] == 5
    assert [x["line"] for x in summary["rejected"]] == [3, 6]
    assert "line 3" in summary["rejected"][0]["error"] and "line 6" in summary["rejected"][1]["error"]
    acks = [int(line.split()[1]) for line in r.stderr.decode().splitlines() if line.startswith("ack ")]
    assert acks == [2, 4, 6, 8]
    assert _stored(settings) == 5
