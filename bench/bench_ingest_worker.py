"""Benchmark: CPU per post of a file ingest's screening worker, on its own (issue 15: ingest >= 2,000 posts/s).

`adwarden ingest FILE` forks one screening worker that reads and validates each JSONL chunk of 200 lines,
screens it and prepares the rows to store (:func:`adwarden.screening.parallel.read_screen_and_prepare_chunk`),
then pickles the result across to the storing process. With two cores, 2,000 posts/s needs the worker at or
under 0.5 ms of CPU per post. This runs that work in one process over a synthetic marketplace (the corpus of
`bench/bench_ingest.py`), with the worker's collector settings, and prints the CPU per post of each stage and
of the whole (``total`` = read, screen, prepare, and pickling the result, what the worker process pays).

    ADWARDEN_DATA_DIR=/tmp/w PYTHONPATH=src .venv/bin/python bench/bench_ingest_worker.py --count 20000
    ADWARDEN_DATA_DIR=/tmp/w PYTHONPATH=/tmp/base/src .venv/bin/python bench/bench_ingest_worker.py  # another tree

Only the tree named by ``PYTHONPATH`` is imported, so two trees can be compared with the same script (alternate
them: the machine's load moves CPU time too). ``ADWARDEN_DATA_DIR`` should name an empty scratch directory (no
database is written; the settings only read it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20000, help="posts of the generated corpus (seed 7)")
    ap.add_argument("--file", type=Path, help="a JSONL file instead of the generated corpus")
    ap.add_argument("--chunk", type=int, default=200, help="lines per chunk (the ingest's batch size)")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the corpus; the fastest is reported")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args()

    from multiprocessing.reduction import ForkingPickler

    from adwarden.config import Settings
    from adwarden.detect.network.linker import LinkConfig
    from adwarden.ingest.files import JsonlChunk, jsonl_chunks, read_chunk
    from adwarden.pipeline import WARM_UP_POST
    from adwarden.runtime import build_screener
    from adwarden.screening import parallel
    from adwarden.screening.collector import collect_less_often, freeze_long_lived
    from adwarden.screening.service import prepare_batch

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.file
        if corpus is None:
            from adwarden.demo.generate import generate_posts

            corpus = Path(tmp) / "corpus.jsonl"
            with corpus.open("w", encoding="utf-8") as f:
                for p in generate_posts(args.count, seed=7):
                    f.write(json.dumps(p) + "\n")
        settings = Settings()
        with corpus.open("rb") as fh:
            chunks = [JsonlChunk(first, data, {}, settings.max_body_bytes, settings.max_field_chars)
                      for first, data in jsonl_chunks(fh, args.chunk)]

    screener = build_screener(settings)
    screener.screen(WARM_UP_POST)
    prepare = partial(prepare_batch, link=True, text=LinkConfig().text)
    # what fork_screening_pool and the worker's start give the worker
    parallel._WORKER_SCREENER = screener
    parallel._WORKER_PREPARER = prepare
    freeze_long_lived()
    collect_less_often()
    posts = sum(len(read_chunk(c).posts) for c in chunks)

    def cpu(fn: Callable[[], Any]) -> float:
        best = float("inf")
        for _ in range(args.rounds):
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        return best / max(posts, 1) * 1e3

    read = [read_chunk(c) for c in chunks]
    screened = [_screen(screener, r.posts) for r in read]
    stages = {
        "read": cpu(lambda: [read_chunk(c) for c in chunks]),
        "screen": cpu(lambda: [_screen(screener, r.posts) for r in read]),
        "prepare": cpu(lambda: [prepare(r.posts, s) for r, s in zip(read, screened, strict=True)]),
        "total": cpu(lambda: [ForkingPickler.dumps(parallel.read_screen_and_prepare_chunk(c)) for c in chunks]),
    }
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"posts": posts, "ms_per_post": stages, "loadavg": load}))
        return
    print(f"{posts} posts in {len(chunks)} chunks; python {platform.python_version()}; load {load}")
    for name, ms in stages.items():
        print(f"  {name:8s} {ms:.3f} ms CPU/post")


def _screen(screener: Any, posts: Any) -> Any:
    """The worker's screening of a chunk, in whichever form the tree has (a batch path, or post by post)."""
    many = getattr(screener, "screen_many", None)
    return many(posts) if many is not None else [screener.screen(p) for p in posts]


if __name__ == "__main__":
    sys.exit(main())
