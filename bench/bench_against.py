"""Benchmark: the user's commands on this tree against another source tree (a baseline commit), in one run.

Why: a refactor must not cost speed, and on a shared machine only a ratio measured in the same run, rounds
alternating between the two trees, says anything. Each round runs the real CLI from the file, the way a user
runs it, into a fresh SQLite file:

* ``ingest``: ``adwarden ingest CORPUS --json`` (extraction, detectors, policy, storage, linking at ingest);
* ``networks``: ``adwarden networks build --from CORPUS --json`` (extraction and linking from the file);
* ``api``: ``bench/bench_api.py`` (20 users at 10 posts/s each) against a server of each tree.

    git worktree add /tmp/adwarden-base <commit>
    .venv/bin/python bench/bench_against.py --baseline-src /tmp/adwarden-base/src --count 20000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _env(src: Path, tmp: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src), "ADWARDEN_ENVIRONMENT": "test",
            "ADWARDEN_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "ADWARDEN_DATA_DIR": str(tmp / "data")}


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed: {out.stderr[-2000:]}")
    return time.perf_counter() - t0, out.stdout


def run_ingest(src: Path, corpus: Path) -> float:
    with tempfile.TemporaryDirectory() as d:
        secs, _ = _timed([sys.executable, "-m", "adwarden", "ingest", str(corpus), "--json"], _env(src, Path(d)))
    return secs


def run_networks(src: Path, corpus: Path) -> float:
    with tempfile.TemporaryDirectory() as d:
        secs, _ = _timed([sys.executable, "-m", "adwarden", "networks", "build", "--from", str(corpus), "--json"],
                         _env(src, Path(d)))
    return secs


def run_api(src: Path, seconds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        _, out = _timed([sys.executable, str(HERE / "bench_api.py"), "--seconds", str(seconds)], _env(src, Path(d)))
    data = json.loads(out[out.index("{"):])
    return {k: float(v) for k, v in data.items() if isinstance(v, int | float)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline-src", type=Path, required=True, help="the other tree's src/ directory")
    ap.add_argument("--count", type=int, default=20000, help="synthetic posts in the corpus")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", choices=["ingest", "networks", "api"], action="append")
    ap.add_argument("--api-seconds", type=int, default=30)
    args = ap.parse_args()
    sys.path.insert(0, str(SRC))
    from adwarden.demo.generate import generate_posts

    which = args.only or ["ingest", "networks", "api"]
    trees = {"this": SRC, "baseline": args.baseline_src.resolve()}
    report: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                            f"load {os.getloadavg()[0]:.1f} at start", "count": args.count}
    with tempfile.TemporaryDirectory() as d:
        corpus = Path(d) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for p in generate_posts(args.count, seed=7):
                fh.write(json.dumps(p) + "\n")
        for mode in ("ingest", "networks"):
            if mode not in which:
                continue
            fn = run_ingest if mode == "ingest" else run_networks
            times: dict[str, list[float]] = {k: [] for k in trees}
            for _ in range(args.rounds):
                for name, src in trees.items():
                    times[name].append(fn(src, corpus))
            med = {k: statistics.median(v) for k, v in times.items()}
            report[mode] = {"seconds": times, "posts_per_s": {k: round(args.count / v, 1) for k, v in med.items()},
                            "ratio_this_over_baseline": round(med["baseline"] / med["this"], 3)}
        if "api" in which:
            # One run per tree per round, the order alternating (the tree that runs second was seen to be faster
            # whenever the load fell during a run); the report gives every run and the median of each figure.
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            for r in range(args.rounds):
                order = list(trees.items()) if r % 2 == 0 else list(reversed(trees.items()))
                for name, src in order:
                    runs[name].append(run_api(src, args.api_seconds))
            report["api"] = {name: {"runs": rs, "median": {k: statistics.median(x[k] for x in rs) for k in rs[0]}}
                             for name, rs in runs.items()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
