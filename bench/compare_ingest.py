"""Ingest one file with two source trees into two fresh SQLite databases and compare what they stored.

Why: a speed-up of the ingest path (validation, screening, preparing rows) must store exactly what the tree
before it stored. This runs `adwarden ingest FILE --json` from each tree (``PYTHONPATH`` set to it) and compares
every table row by row, and the summaries' counts, leaving out what is random or a clock reading: generated
ids (assessments, cases, rows' own ``id``), timestamps, the audit chain's hashes (they cover timestamps) and the
case ids inside audit events. Exits 1 on any difference.

    .venv/bin/python bench/compare_ingest.py FILE /tmp/base/src src
    .venv/bin/python bench/compare_ingest.py ads.jsonl /tmp/base/src src --map external_id=url --map posted_at=created
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

#: Columns holding clock readings or chain hashes over them.
_CLOCK = {"created_at", "updated_at", "received_at", "opened_at", "closed_at", "prev_hash", "hash"}
#: Tables whose ``id`` is generated at random (``storage.ids.new_id``) or by the database.
_RANDOM_ID = {"assessments", "cases", "identifiers", "media", "post_versions"}
#: Audit payload keys that carry generated ids.
_RANDOM_PAYLOAD = ("assessment_id", "case_id")
_SKIP_TABLES = {"alembic_version", "audit_head"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("tree_a", type=Path, help="the src directory of the first tree (the baseline)")
    ap.add_argument("tree_b", type=Path, help="the src directory of the second tree")
    ap.add_argument("--map", action="append", default=[])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        summaries, dbs = [], []
        for tag, tree in (("a", args.tree_a), ("b", args.tree_b)):
            data = Path(tmp) / tag
            data.mkdir()
            env = {**os.environ, "ADWARDEN_DATA_DIR": str(data), "PYTHONPATH": str(tree.resolve())}
            env.pop("ADWARDEN_DATABASE_URL", None)
            cmd = [sys.executable, "-m", "adwarden", "ingest", str(args.file), "--json", "--no-progress"]
            for m in args.map:
                cmd += ["--map", m]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if out.returncode not in (0, 1):
                sys.exit(f"tree {tree}: ingest failed ({out.returncode}): {out.stderr[-2000:]}")
            summary = json.loads(out.stdout)
            summaries.append({k: v for k, v in summary.items() if k not in ("seconds", "posts_per_second")})
            dbs.append(data / "adwarden.db")
        same = summaries[0] == summaries[1]
        print(f"summary: {'same' if same else 'DIFFERENT'} {json.dumps(summaries[0])[:300]}")
        if not same:
            print(f"  b: {json.dumps(summaries[1])[:300]}")
        ok = same
        a_tables = _tables(dbs[0])
        if a_tables != _tables(dbs[1]):
            print("tables: DIFFERENT")
            ok = False
        for table in a_tables:
            ra, rb = _rows(dbs[0], table), _rows(dbs[1], table)
            equal = ra == rb
            ok &= equal
            if ra or not equal:
                digest = hashlib.sha256("\n".join(ra).encode()).hexdigest()[:12]
                print(f"{table:20s} {len(ra):8d} rows  {'same' if equal else 'DIFFERENT'}  {digest}")
            if not equal:
                for row in sorted(set(ra) - set(rb))[:3]:
                    print("  only in a:", row[:400])
                for row in sorted(set(rb) - set(ra))[:3]:
                    print("  only in b:", row[:400])
    print("ALL SAME" if ok else "DIFFERENCES")
    sys.exit(0 if ok else 1)


def _tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        names = [r[0] for r in c.execute("select name from sqlite_master where type = 'table' order by name")]
    return [n for n in names if n not in _SKIP_TABLES]


def _rows(db: Path, table: str) -> list[str]:
    """The table's rows as JSON, without random and clock columns, in insertion order (rowid, or the audit
    sequence)."""
    with sqlite3.connect(db) as c:
        cols = [r[1] for r in c.execute(f'pragma table_info("{table}")')]
        keep = [k for k in cols if k not in _CLOCK and not (k == "id" and table in _RANDOM_ID)
                and not (k == "case_id" and table == "assessments") and not (k == "seq" and table == "audit_events")]
        order = "seq" if table == "audit_events" else "rowid"
        try:
            fetched = c.execute(f'select {", ".join(chr(34) + k + chr(34) for k in keep)} from "{table}" '
                                f"order by {order}").fetchall()
        except sqlite3.OperationalError:  # a table without rowid
            fetched = sorted(c.execute(f'select {", ".join(chr(34) + k + chr(34) for k in keep)} from "{table}"'))
    out = []
    for values in fetched:
        row: dict[str, Any] = dict(zip(keep, values, strict=True))
        if table == "audit_events":
            payload = json.loads(row["payload"]) if row.get("payload") else {}
            for key in _RANDOM_PAYLOAD:
                payload.pop(key, None)
            row["payload"] = payload
            if row.get("subject_type") == "case":  # a case's id is random; its post names it
                row["subject_id"] = f"case of {payload.get('post_id')}"
        out.append(json.dumps(row, sort_keys=True, default=str))
    return out


if __name__ == "__main__":
    main()
