"""Benchmark: ingest + screen + store from a JSONL file into SQLite (target: >= 1,000 posts/s on 2 cores).

Runs the real CLI path (`adwarden ingest FILE --json`) on a synthetic marketplace, in a fresh SQLite file, and
reports posts/s for the whole job, plus the screening-only rate measured in the same run (the CPU share of the
work) so the storage overhead is visible.

    .venv/bin/python bench/bench_ingest.py --count 20000
    .venv/bin/python bench/bench_ingest.py --file ../shared/data/clustering/backpage_wa_2013_ads.jsonl \
        --map external_id=url --map site=source --map posted_at=created
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--file", type=Path, help="ingest this JSONL instead of a generated corpus")
    ap.add_argument("--map", action="append", default=[])
    ap.add_argument("--batch-size", type=int, default=200)
    args = ap.parse_args()

    from adwarden.config import Settings
    from adwarden.demo.generate import generate_posts
    from adwarden.ingest.files import parse_mapping, read_jsonl
    from adwarden.runtime import build_screener

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.file
        if corpus is None:
            corpus = Path(tmp) / "corpus.jsonl"
            with corpus.open("w", encoding="utf-8") as f:
                for p in generate_posts(args.count, seed=7):
                    f.write(json.dumps(p) + "\n")
        env = {**os.environ, "ADWARDEN_DATA_DIR": tmp, "ADWARDEN_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        # Migrate first so schema creation is not timed.
        subprocess.run([sys.executable, "-m", "adwarden", "cases", "list", "--json"], env=env, check=True,
                       capture_output=True)
        cmd = [sys.executable, "-m", "adwarden", "ingest", str(corpus), "--json", "--no-progress",
               "--batch-size", str(args.batch_size)]
        for m in args.map:
            cmd += ["--map", m]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        summary = json.loads(out.stdout)
        stored = summary["accepted"] + summary["new_versions"]

        screener = build_screener(Settings(environment="test"))
        with corpus.open("rb") as f:
            posts = [r.post for r in read_jsonl(f, mapping=parse_mapping(args.map)) if r.post]
        t1 = time.perf_counter()
        for p in posts:
            screener.screen(p)
        screen_s = time.perf_counter() - t1

    result = {
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "data": str(args.file or f"synthetic marketplace, {args.count} posts, seed 7"),
        "posts_stored": stored,
        "rejected": len(summary["rejected"]),
        "ingest_seconds_in_process": summary["seconds"],
        "ingest_posts_per_s": round(stored / summary["seconds"], 1),
        "wall_seconds_incl_startup": round(wall, 2),
        "screen_only_posts_per_s": round(len(posts) / screen_s, 1),
        "storage_share_of_time": round(1 - (screen_s / summary["seconds"]), 3),
        "actions": summary["actions"],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
