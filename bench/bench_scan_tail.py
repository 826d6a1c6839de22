"""The main process's own cost in ``adwarden scan``, without the workers: replay captured chunk results.

    PYTHONPATH=TREE .venv/bin/python bench/bench_scan_tail.py capture CORPUS CAPTURE.pkl
    PYTHONPATH=TREE .venv/bin/python bench/bench_scan_tail.py replay CAPTURE.pkl OUT_DIR

Why: on a shared 2-core machine the end-to-end wall of a scan swings with the neighbours, and the workers'
screening hides what the main process spends. ``capture`` screens CORPUS once with two forked workers
(:func:`adwarden.scan.worker.scan_chunk`, the same in every tree) and pickles each chunk's result. ``replay``
runs the tree's own :func:`~adwarden.scan.runner.run_scan` with its chunk source replaced by the captured
results, so ``read_and_screen`` is only unpickling and folding them in; it prints the process's CPU seconds
(threads included, forked helpers not), the wall and the scan's own stage seconds. A tree whose workers
reshape results (``adwarden.scan.packing.pack_chunk``) gets them reshaped before the clock starts, as its
workers would have sent them. Run two trees alternately on the same capture.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import pickle
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan import default_scan_job  # noqa: E402

_JOB: Any = None


def _scan(chunk: Any) -> bytes:
    from adwarden.scan.worker import scan_chunk

    return pickle.dumps(scan_chunk(_JOB, chunk), protocol=pickle.HIGHEST_PROTOCOL)


def capture(corpus: str, out: str) -> None:
    global _JOB
    from adwarden.scan.sources import Source, plan_chunks, resolve_corpus

    _JOB, opts = default_scan_job()
    sources = [Source(0, s.path, s.fmt, s.size) for s in resolve_corpus(corpus, opts.fmt)]
    t = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        blobs = list(pool.imap(_scan, plan_chunks(sources, opts.chunk_bytes)))
    with open(out, "wb") as fh:
        pickle.dump({"sources": sources, "blobs": blobs}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(json.dumps({"chunks": len(blobs), "bytes": sum(map(len, blobs)), "seconds": round(time.perf_counter() - t, 1)}))


def replay(cap: str, out_dir: str) -> None:
    from adwarden.config import Settings
    from adwarden.runtime import build_screener
    from adwarden.scan import runner

    with open(cap, "rb") as fh:
        data = pickle.load(fh)
    blobs: list[bytes] = data["blobs"]
    try:
        from adwarden.scan.packing import pack_chunk
    except ImportError:  # a tree whose workers send ChunkResult as it is
        pass
    else:
        link = runner.ScanOptions().link
        blobs = [pickle.dumps(pack_chunk(pickle.loads(b), link), protocol=pickle.HIGHEST_PROTOCOL) for b in blobs]

    def results(*_: Any) -> Iterator[Any]:
        for b in blobs:
            yield pickle.loads(b)

    runner._results = results  # type: ignore[assignment]
    screener = build_screener(Settings())
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    outcome = runner.run_scan(data["sources"][0].path, screener, out_dir, runner.ScanOptions(workers=0))
    c1, w1 = time.process_time(), time.perf_counter()
    print(json.dumps({"cpu_s": round(c1 - c0, 2), "wall_s": round(w1 - w0, 2), "stages": outcome.summary["seconds"],
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "networks": outcome.summary["totals"]["networks"]}))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("capture", "replay"):
        raise SystemExit(__doc__)
    (capture if sys.argv[1] == "capture" else replay)(sys.argv[2], sys.argv[3])
