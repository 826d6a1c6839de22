"""Benchmark: the storing side of a file ingest alone (what `adwarden ingest`'s main process does per batch).

Screens the synthetic marketplace (or a JSONL file) in this process first, then times only
``Runtime.ingest(batch, screenings=..., prepared=...)`` over batches of 200 into a fresh SQLite file, with the
CPU time (``time.process_time``) and the garbage collector's share. The rows are prepared beforehand as the
screening worker prepares them (``prepare_batch``), so the figure is the storing process's own cost. A tree
without ``prepare_batch`` (an older baseline) is timed the way it stores: screenings only.

    PYTHONPATH=src .venv/bin/python bench/bench_store.py --count 20000
    PYTHONPATH=/tmp/base/src .venv/bin/python bench/bench_store.py --count 20000   # a baseline tree

CPU per post moves far less with the machine's load than wall time; compare trees in the same run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--file", type=Path, help="a JSONL file of posts instead of the generated corpus")
    ap.add_argument("--batch-size", type=int, default=200)
    args = ap.parse_args()

    from adwarden import runtime as runtime_module
    from adwarden.config import Settings
    from adwarden.demo.generate import generate_posts
    from adwarden.domain import Actor
    from adwarden.ingest.files import read_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.file or Path(tmp) / "corpus.jsonl"
        if args.file is None:
            with corpus.open("w", encoding="utf-8") as f:
                for p in generate_posts(args.count, seed=7):
                    f.write(json.dumps(p) + "\n")
        with corpus.open("rb") as f:
            posts = [r.post for r in read_jsonl(f) if r.post][: args.count]
        rt = runtime_module.build_runtime(Settings(environment="test", data_dir=Path(tmp) / "data",
                                                   database_url=f"sqlite:///{tmp}/store.db"))
        screenings = [rt.screener.screen(p) for p in posts]
        warm = getattr(runtime_module, "warm_up_storing", None) or runtime_module.warm_up
        warm(rt)
        try:
            from adwarden.screening.service import prepare_batch  # type: ignore[attr-defined,unused-ignore]
        except ImportError:  # a baseline tree from before prepare_batch
            prepare_batch = None
        n = args.batch_size
        batches = [(posts[i : i + n], screenings[i : i + n]) for i in range(0, len(posts), n)]
        text = None if "text" in rt.networks.config.disabled else rt.networks.config.text
        prepared: list[Any] = [prepare_batch(b, s, link=True, text=text) if prepare_batch else None
                               for b, s in batches]
        actor = Actor.system("bench")
        gc.collect()
        in_gc = [0.0, 0.0]

        def on_gc(phase: str, _info: dict[str, Any]) -> None:
            if phase == "start":
                in_gc[1] = time.process_time()
            else:
                in_gc[0] += time.process_time() - in_gc[1]

        gc.callbacks.append(on_gc)
        t0, c0 = time.perf_counter(), time.process_time()
        for (batch, scr), prep in zip(batches, prepared, strict=True):
            if prep is None:
                rt.ingest(batch, actor=actor, screenings=scr)
            else:
                rt.ingest(batch, actor=actor, screenings=scr, prepared=prep)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        gc.callbacks.remove(on_gc)
        rt.db.dispose()
    print(json.dumps({
        "load_average": os.getloadavg(),
        "posts": len(posts),
        "prepared_beforehand": prepare_batch is not None,
        "storing_cpu_us_per_post": round(1e6 * cpu / len(posts), 1),
        "storing_wall_us_per_post": round(1e6 * wall / len(posts), 1),
        "gc_cpu_us_per_post": round(1e6 * in_gc[0] / len(posts), 1),
    }, indent=2))


if __name__ == "__main__":
    main()
