"""Benchmark exact radius-31 PDQ lookups over a 1M-hash bank, with brute-force baselines in the same run.

    .venv/bin/python bench/bench_pdq_index.py --data /work/shared/data          # uses pdq/mih_*.txt + random
    .venv/bin/python bench/bench_pdq_index.py --size 1000000 --queries 2000

The bank is the MIH haystack (when ``--data`` is given) padded with uniformly random hashes to ``--size``;
queries are the MIH needles, perturbed copies of bank entries (0-40 flipped bits, so about half are within
radius 31) and random hashes. Every answer of the multi-index-hashing index is compared with brute force on a
sample (``--verify``): any difference is a miss and fails the run. Baselines: numpy brute force (XOR +
popcount over the whole bank) and, when installed, FAISS ``IndexBinaryFlat`` range search on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from adwarden.detect.banks.pdq_index import PdqIndex, hex_to_bytes


def read_hashes(path: Path) -> np.ndarray:
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    return hex_to_bytes(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="directory holding pdq/mih_haystack.txt and pdq/mih_needles.txt")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--verify", type=int, default=200, help="queries checked against brute force")
    ap.add_argument("--radius", type=int, default=31)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rng = np.random.default_rng(2026)

    parts = []
    needles = np.empty((0, 32), dtype=np.uint8)
    if args.data is not None:
        parts.append(read_hashes(args.data / "pdq" / "mih_haystack.txt"))
        needles = read_hashes(args.data / "pdq" / "mih_needles.txt")
    have = sum(len(p) for p in parts)
    parts.append(rng.integers(0, 256, size=(max(0, args.size - have), 32), dtype=np.uint8))
    bank = np.concatenate(parts)

    n_pert = max(0, (args.queries - len(needles)) * 3 // 4)
    picks = rng.integers(0, len(bank), n_pert)
    bits = np.unpackbits(bank[picks], axis=1)
    for r in range(n_pert):
        bits[r, rng.choice(256, int(rng.integers(0, 41)), replace=False)] ^= 1
    rand_q = rng.integers(0, 256, size=(max(0, args.queries - len(needles) - n_pert), 32), dtype=np.uint8)
    queries = np.concatenate([needles, np.packbits(bits, axis=1), rand_q])

    c0, w0 = time.process_time(), time.perf_counter()
    index = PdqIndex(bank)
    build_cpu, build_wall = time.process_time() - c0, time.perf_counter() - w0

    c0, w0 = time.process_time(), time.perf_counter()
    single = [index.query(q, args.radius) for q in queries]
    single_cpu, single_wall = time.process_time() - c0, time.perf_counter() - w0

    c0 = time.process_time()
    batched: list[list[tuple[int, int]]] = []
    for i in range(0, len(queries), 64):
        batched.extend(index.query_many(queries[i : i + 64], args.radius))
    batch_cpu = time.process_time() - c0

    nv = min(args.verify, len(queries))
    c0 = time.process_time()
    brute = [index.brute_force(q, args.radius) for q in queries[:nv]]
    brute_cpu = time.process_time() - c0
    misses = sum(1 for a, b in zip(single[:nv], brute, strict=True) if a != b)
    misses += sum(1 for a, b in zip(single, batched, strict=True) if a != b)

    faiss_qps = None
    try:
        import faiss

        faiss.omp_set_num_threads(1)
        flat = faiss.IndexBinaryFlat(256)
        flat.add(bank)
        c0 = time.process_time()
        lims, _d, ids = flat.range_search(queries[:nv], args.radius + 1)
        faiss_cpu = time.process_time() - c0
        faiss_qps = round(nv / faiss_cpu, 1)
        for r in range(nv):
            if sorted(int(x) for x in ids[lims[r] : lims[r + 1]]) != [i for i, _ in single[r]]:
                misses += 1
    except ImportError:  # pragma: no cover - faiss is optional for the benchmark
        pass

    report = {
        "bank": len(bank), "from_mih_haystack": have, "queries": len(queries), "radius": args.radius,
        "queries_with_matches": sum(1 for s in single if s),
        "build_seconds_cpu": round(build_cpu, 2), "build_seconds_wall": round(build_wall, 2),
        "mih_lookups_per_s_cpu": round(len(queries) / single_cpu, 1),
        "mih_lookups_per_s_wall": round(len(queries) / single_wall, 1),
        "mih_batched64_lookups_per_s_cpu": round(len(queries) / batch_cpu, 1),
        "brute_force_numpy_lookups_per_s_cpu": round(nv / brute_cpu, 1),
        "faiss_flat_1thread_lookups_per_s_cpu": faiss_qps,
        "verified_against_brute_force": nv, "misses": misses,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for k, v in report.items():
            print(f"{k:40s} {v}")
    if misses:
        sys.exit(f"{misses} answers differ from brute force")


if __name__ == "__main__":
    main()
