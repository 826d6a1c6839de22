"""Benchmark: ingest + screen + store from a JSONL file into SQLite (target: >= 1,000 posts/s on 2 cores).

Runs the real CLI path (`adwarden ingest FILE --json`) on a synthetic marketplace, each time into a fresh SQLite
file: once as shipped (a forked worker screens ahead while the main process stores) and once with
`--workers 0` (everything in one process), the baseline measured in the same run. Also reports the
screening-only rate, to show which side bounds the pipeline.

    .venv/bin/python bench/bench_ingest.py --count 20000
    .venv/bin/python bench/bench_ingest.py --count 20000 --database-url postgresql+psycopg://USER@127.0.0.1:PORT/DB

The CLI runs from whatever ``PYTHONPATH`` names, so ``PYTHONPATH=/tmp/base/src`` measures another tree (a baseline
checked out with ``git worktree add``) with the same script; ``bench/bench_against.py`` alternates two trees.
``--database-url`` ingests into PostgreSQL: every run gets a database of its own, created on that server
(``CREATE DATABASE``) and dropped afterwards.
    .venv/bin/python bench/bench_ingest.py --file ../shared/data/clustering/backpage_wa_2013_ads.jsonl \
        --map external_id=url --map site=source --map posted_at=created
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--file", type=Path, help="ingest this JSONL instead of a generated corpus")
    ap.add_argument("--map", action="append", default=[])
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--database-url", default=None, help="a PostgreSQL server to ingest into (default: SQLite)")
    ap.add_argument("--no-sequential", action="store_true", help="skip the --workers 0 run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="with --file: ingest N distinct copies (the external id gets a '#k' suffix) so one-time "
                         "start-up costs are amortized")
    args = ap.parse_args()

    from adwarden.config import Settings
    from adwarden.demo.generate import generate_posts
    from adwarden.ingest.files import parse_mapping, read_jsonl
    from adwarden.runtime import build_screener

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.file
        if corpus is not None and args.repeat > 1:
            from adwarden.ingest.files import apply_mapping

            maps = parse_mapping(args.map)
            copy = Path(tmp) / "repeated.jsonl"
            lines = corpus.read_bytes().splitlines()
            with copy.open("w", encoding="utf-8") as f:
                for k in range(args.repeat):
                    for line in lines:
                        if not line.strip():
                            continue
                        rec = apply_mapping(json.loads(line), maps)
                        rec["external_id"] = f"{rec.get('external_id')}#{k}"
                        f.write(json.dumps(rec) + "\n")
            corpus, args.map = copy, []
        if corpus is None:
            corpus = Path(tmp) / "corpus.jsonl"
            with corpus.open("w", encoding="utf-8") as f:
                for p in generate_posts(args.count, seed=7):
                    f.write(json.dumps(p) + "\n")
        def run(tag: str, extra: list[str]) -> tuple[dict[str, object], float]:
            db_dir = Path(tmp) / tag
            db_dir.mkdir()
            env = {**os.environ, "ADWARDEN_DATA_DIR": str(db_dir)}
            with fresh_database(args.database_url, db_dir, tag) as url:
                env["ADWARDEN_DATABASE_URL"] = url
                # Migrate first so schema creation is not timed.
                subprocess.run([sys.executable, "-m", "adwarden", "cases", "list", "--json"], env=env,
                               check=True, capture_output=True)
                cmd = [sys.executable, "-c", _REPORT_CPU, "ingest", str(corpus), "--json", "--no-progress",
                       "--batch-size", str(args.batch_size), *extra]
                for m in args.map:
                    cmd += ["--map", m]
                t0, cpu0 = time.perf_counter(), _children_cpu()
                out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
                summary = json.loads(out.stdout)
                summary["cpu_seconds"] = _children_cpu() - cpu0
                split = [line for line in out.stderr.splitlines() if line.startswith("BENCH_CPU ")]
                summary["cpu_split"] = json.loads(split[-1].split(" ", 1)[1]) if split else None
                return summary, time.perf_counter() - t0

        summary, wall = run("pipelined", [])
        baseline, _ = (summary, wall) if args.no_sequential else run("sequential", ["--workers", "0"])
        stored = summary["accepted"] + summary["new_versions"]  # type: ignore[operator]
        base_stored = baseline["accepted"] + baseline["new_versions"]  # type: ignore[operator]

        screener = build_screener(Settings(environment="test"))
        with corpus.open("rb") as f:
            posts = [r.post for r in read_jsonl(f, mapping=parse_mapping(args.map)) if r.post]
        t1 = time.perf_counter()
        for p in posts:
            screener.screen(p)
        screen_s = time.perf_counter() - t1

    result = {
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "database": args.database_url.rsplit("@", 1)[-1] if args.database_url else "sqlite (fresh file per run)",
        "data": (f"{args.file} x{args.repeat}" if args.file else f"synthetic marketplace, {args.count} posts, seed 7"),
        "posts_stored": stored,
        "rejected": len(summary["rejected"]),  # type: ignore[arg-type]
        "ingest_seconds_in_process": summary["seconds"],
        "ingest_posts_per_s": round(stored / summary["seconds"], 1),  # type: ignore[operator]
        "baseline_sequential_posts_per_s": round(base_stored / baseline["seconds"], 1),  # type: ignore[operator]
        "ratio_vs_sequential": round((stored / summary["seconds"]) / (base_stored / baseline["seconds"]), 2),  # type: ignore[operator]
        "wall_seconds_incl_startup": round(wall, 2),
        # CPU of the command and its screening worker, start-up included: on a shared machine this moves far
        # less with the load than the rate does.
        "cpu_ms_per_post_incl_startup": round(1000 * summary["cpu_seconds"] / stored, 3),  # type: ignore[operator]
        # The same CPU split: the storing (main) process and the screening worker (its reaped children).
        "cpu_ms_per_post_main": round(1000 * summary["cpu_split"]["main"] / stored, 3)  # type: ignore[index,operator]
        if summary["cpu_split"] else None,
        "cpu_ms_per_post_worker": round(1000 * summary["cpu_split"]["workers"] / stored, 3)  # type: ignore[index,operator]
        if summary["cpu_split"] else None,
        "screen_only_posts_per_s": round(len(posts) / screen_s, 1),
        "actions": summary["actions"],
    }
    print(json.dumps(result, indent=2))


#: Runs ``adwarden`` as ``python -m adwarden`` does and, at exit, prints the CPU seconds of the command's own
#: process and of the children it reaped (the screening worker) on stderr.
_REPORT_CPU = """
import atexit, json, resource, sys
def _report():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print("BENCH_CPU " + json.dumps({"main": own.ru_utime + own.ru_stime, "workers": kids.ru_utime + kids.ru_stime}),
          file=sys.stderr)
atexit.register(_report)
sys.argv[0] = "adwarden"
from adwarden.cli.main import main
main()
"""


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process (and the children they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def fresh_database(server_url: str | None, db_dir: Path, tag: str) -> Iterator[str]:
    """A fresh database for one run: a SQLite file in ``db_dir``, or a new database on the PostgreSQL server
    (``CREATE DATABASE``; dropped afterwards). bench_load.py uses it too."""
    if server_url is None:
        yield f"sqlite:///{db_dir}/bench.db"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{tag}_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
