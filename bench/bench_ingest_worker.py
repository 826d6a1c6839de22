"""Benchmark: CPU per post of a file ingest's screening worker, on its own (issue 15: ingest >= 2,000 posts/s).

`adwarden ingest FILE` forks one screening worker that reads and validates each JSONL chunk of 200 lines,
screens it and prepares the rows to store (:func:`adwarden.screening.parallel.read_screen_and_prepare_chunk`),
then pickles the result across to the storing process. With two cores, 2,000 posts/s needs the worker at or
under 0.5 ms of CPU per post. This runs that work in one process over a synthetic marketplace (the corpus of
`bench/bench_ingest.py`), with the worker's collector settings, and prints the CPU per post of each stage and
of the whole (``total`` = read, screen, prepare, and pickling the result, what the worker process pays; on
the first half of the corpus, the stages on the second half, each post once).

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
    # Every post is measured on its first pass, as the worker sees it (the memos of account phones, identifiers
    # and extraction would make a second pass cheaper): the whole work on the first half of the chunks, the
    # stages one after the other on the second half.
    half = len(chunks) // 2
    whole, staged = chunks[:half], chunks[half:]

    def cpu(fn: Callable[[], Any], posts: int) -> tuple[float, Any]:
        t0 = time.process_time()
        out = fn()
        return (time.process_time() - t0) / max(posts, 1) * 1e3, out

    first = [read_chunk(c) for c in whole]
    n_whole = sum(len(r.posts) for r in first)
    n_staged = sum(len(read_chunk(c).posts) for c in staged)
    total, _ = cpu(lambda: [ForkingPickler.dumps(parallel.read_screen_and_prepare_chunk(c)) for c in whole], n_whole)
    read_ms, read = cpu(lambda: [read_chunk(c) for c in staged], n_staged)
    screen_ms, screened = cpu(lambda: [_screen(screener, r.posts) for r in read], n_staged)
    prepare_ms, prepared = cpu(lambda: [prepare(r.posts, s) for r, s in zip(read, screened, strict=True)], n_staged)
    ship_ms, _ = cpu(lambda: [ForkingPickler.dumps((r, [x.for_storing(rows_prepared=True) for x in s], p))
                              for r, s, p in zip(read, screened, prepared, strict=True)], n_staged)
    stages = {"total": total, "read": read_ms, "screen": screen_ms, "prepare": prepare_ms, "ship": ship_ms}
    posts = n_whole + n_staged
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"posts": posts, "ms_cpu_per_post": stages, "loadavg": load}))
        return
    print(f"{posts} posts in {len(chunks)} chunks; python {platform.python_version()}; load {load}")
    print(f"  total over {n_whole} posts, stages over the other {n_staged}:")
    for name, ms in stages.items():
        print(f"  {name:8s} {ms:.3f} ms CPU/post")


def _screen(screener: Any, posts: Any) -> Any:
    """The worker's screening of a chunk, in whichever form the tree has (a batch path, or post by post)."""
    many = getattr(screener, "screen_many", None)
    return many(posts) if many is not None else [screener.screen(p) for p in posts]


if __name__ == "__main__":
    sys.exit(main())
