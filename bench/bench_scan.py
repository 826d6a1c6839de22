"""End-to-end speed and memory of ``adwarden scan`` from a JSONL file, with datasketch MinHash LSH as baseline.

    .venv/bin/python bench/bench_scan.py --count 1000000 --baseline 50000 [--reference 200000] [--keep DIR]

The CLI runs from whatever tree ``PYTHONPATH`` names (``PYTHONPATH=/work/main/src`` for a baseline tree), so
two trees are compared with the same script, alternating.

1. Writes the synthetic corpus once (``bench/scan_corpus.py``: ~540-byte lines, non-explicit, 555-01xx).
2. Runs the real CLI, ``adwarden scan FILE --out DIR --json --no-progress``, as a user does, and samples the
   process tree every 0.2 s: peak RSS summed over the main process and its workers (pages shared after
   fork are counted once per process, so this over-states memory) and peak PSS (shared pages split, the
   honest figure), and the CPU seconds of the main process and of its workers (last sample of each, so up to
   0.2 s short each). Wall time is the command's, start-up included.
3. Baseline in the same run: datasketch ``MinHash`` per ad (word 3-shingles of the lower-cased text, 64
   permutations) inserted into and queried against a ``MinHashLSH(threshold=0.5)``, text only, on the first
   ``--baseline`` ads (a million would take minutes and tens of GB); reported per ad and extrapolated.
4. ``--reference N``: the networks of the first N ads with today's in-process path
   (``record_from_post`` + ``link_records``, everything in one process) and the adjusted Rand index of the
   scan's networks against them (posts outside networks count as singletons).
5. ``--chunk-cpu N`` instead of all that: CPU time per ad of the worker's ``scan_chunk`` (read, validate,
   screen, record, signature) over the chunks of the first N ads, in this one process after two warm-up
   chunks, best of ``--rounds``: the workers' cost per ad, which depends far less on the machine's load than
   the wall time does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_corpus import write_corpus  # noqa: E402


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                for child in fh.read().split():
                    out.extend(_tree(int(child)))
    except OSError:
        pass
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (``/proc/PID/stat``), ``None`` once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Peak summed RSS and PSS of a process tree, and the CPU seconds of each of its processes as last seen
    (sampled, so a process's last 0.2 s may be missed)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            rss = pss = 0
            for p in _tree(self.pid):
                r, s = _mem_kb(p)
                rss += r
                pss += s
                c = _cpu_s(p)
                if c is not None:
                    self.cpu[p] = c
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.stop.wait(0.2)


def run_scan_cli(path: str, out: str, extra: list[str]) -> dict[str, Any]:
    exe = str(Path(sys.executable).with_name("adwarden"))
    cmd = [exe, "scan", path, "--out", out, "--json", "--no-progress", *extra]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    sampler.stop.set()
    sampler.join()
    if proc.returncode not in (0, 6):
        raise SystemExit(f"scan failed ({proc.returncode}): {stderr[-2000:]}")
    res = json.loads(stdout)
    return {"command": " ".join(["adwarden", *cmd[1:]]), "wall_s": round(wall, 2),
            "peak_rss_mb": round(sampler.peak_rss / 1024), "peak_pss_mb": round(sampler.peak_pss / 1024),
            "main_cpu_s": round(sampler.cpu.get(proc.pid, 0.0), 1),
            "workers_cpu_s": round(sum(c for p, c in sampler.cpu.items() if p != proc.pid), 1),
            "stages_s": res["seconds"], "totals": res["totals"]}


def datasketch_baseline(path: str, n: int) -> dict[str, Any]:
    """Text-only near-duplicate detection with datasketch over the first ``n`` ads."""
    import re

    from datasketch import MinHash, MinHashLSH

    word = re.compile(r"[a-z0-9\u0080-\uffff]+")
    texts: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if len(texts) >= n:
                break
            obj = json.loads(line)
            texts.append("\n".join(str(obj.get(k) or "") for k in ("title", "body")))
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    pairs = 0
    for i, text in enumerate(texts):
        toks = [re.sub(r"\d+", "0", w) for w in word.findall(text.lower())]
        m = MinHash(num_perm=64)
        m.update_batch([" ".join(toks[j : j + 3]).encode() for j in range(max(0, len(toks) - 2))])
        pairs += len(lsh.query(m))
        lsh.insert(str(i), m)
    seconds = time.perf_counter() - t
    return {"ads": len(texts), "seconds": round(seconds, 2), "us_per_ad": round(seconds / len(texts) * 1e6, 1),
            "candidate_pairs": pairs}


def _labels(groups: list[set[str]], ids: list[str]) -> np.ndarray:
    lab = {p: k for k, g in enumerate(groups) for p in g}
    nxt = len(groups)
    out = np.empty(len(ids), dtype=np.int64)
    for i, p in enumerate(ids):
        if p in lab:
            out[i] = lab[p]
        else:
            out[i] = nxt
            nxt += 1
    return out


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """ARI of two labelings of the same items (Hubert and Arabie)."""
    def c2(x: np.ndarray) -> float:
        return float((x * (x - 1) // 2).sum())

    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    pair = ai.astype(np.int64) * (int(bi.max()) + 1) + bi
    _, nij = np.unique(pair, return_counts=True)
    sum_ij = c2(nij)
    sum_a = c2(np.bincount(ai))
    sum_b = c2(np.bincount(bi))
    total = c2(np.asarray([a.size]))
    expected = sum_a * sum_b / total if total else 0.0
    top = (sum_a + sum_b) / 2
    return 1.0 if top == expected else (sum_ij - expected) / (top - expected)


def reference_ari(path: str, n: int, out_dir: str) -> dict[str, Any]:
    from adwarden.detect.network.linker import link_records
    from adwarden.detect.network.records import record_from_post

    sub = os.path.join(out_dir, f"first-{n}.jsonl")
    with open(path, "rb") as src, open(sub, "wb") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            dst.write(line)
    t = time.perf_counter()
    with open(sub, encoding="utf-8") as fh:
        recs = [record_from_post(json.loads(line)) for line in fh]
    ref = link_records(recs)
    ref_s = time.perf_counter() - t
    scan = run_scan_cli(sub, os.path.join(out_dir, "ref-scan"), [])
    with open(os.path.join(out_dir, "ref-scan", "scan.json"), encoding="utf-8") as fh:
        mine = [set(x["post_ids"]) for x in json.load(fh)["networks"]]
    ids = [r.post_id for r in recs]
    ari = adjusted_rand_index(_labels([set(x.posts) for x in ref.networks], ids), _labels(mine, ids))
    return {"ads": n, "reference_s": round(ref_s, 1), "scan_wall_s": scan["wall_s"], "ari": round(ari, 6),
            "identical": {frozenset(x.posts) for x in ref.networks} == {frozenset(x) for x in mine},
            "networks_reference": len(ref.networks), "networks_scan": len(mine)}


def default_scan_job() -> tuple[Any, Any]:
    """The job and options ``adwarden scan`` uses with default settings, the screener's lazy tables built (as
    the scan builds them before forking its workers)."""
    from adwarden.config import Settings
    from adwarden.pipeline import WARM_UP_POST
    from adwarden.runtime import build_screener
    from adwarden.scan.runner import ScanOptions
    from adwarden.scan.worker import ScanJob

    opts = ScanOptions()
    screener = build_screener(Settings())
    screener.screen(WARM_UP_POST)
    job = ScanJob(screener=screener, mapping={}, minhash=opts.link.text, max_body_chars=opts.max_body_chars,
                  max_field_chars=opts.max_field_chars)
    return job, opts


def chunk_cpu(path: str, n: int, rounds: int) -> dict[str, Any]:
    """CPU µs per ad of ``scan_chunk`` (see the module docstring, item 5)."""
    from itertools import islice

    from adwarden.scan.runner import Source, plan_chunks, resolve_corpus
    from adwarden.scan.worker import scan_chunk

    head = os.path.join(tempfile.mkdtemp(prefix="bench-chunk-"), "head.jsonl")
    with open(path, "rb") as src, open(head, "wb") as dst:
        dst.writelines(islice(src, n))
    job, opts = default_scan_job()
    sources = [Source(0, s.path, s.fmt, s.size) for s in resolve_corpus(head, opts.fmt)]
    chunks = list(plan_chunks(sources, opts.chunk_bytes))
    for c in chunks[:2]:
        scan_chunk(job, c)
    best, ads = float("inf"), 0
    for _ in range(rounds):
        ads, t = 0, time.process_time()
        for c in chunks[2:]:
            ads += len(scan_chunk(job, c).records)
        best = min(best, time.process_time() - t)
    os.remove(head)
    return {"ads": ads, "chunks": len(chunks) - 2, "rounds": rounds, "us_per_ad": round(best / max(ads, 1) * 1e6, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--baseline", type=int, default=50_000, help="ads for the datasketch baseline (0: skip)")
    ap.add_argument("--reference", type=int, default=0, help="ads for the ARI check against link_records")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--corpus", default=None, help="corpus path (default /tmp/adwarden-scan-COUNT.jsonl)")
    ap.add_argument("--keep", default=None, help="write the scan's output directory here and keep it (to compare "
                                                  "two trees' outputs); default: a temporary directory")
    ap.add_argument("--chunk-cpu", type=int, default=0, metavar="N",
                    help="only measure the CPU per ad of scan_chunk on the first N ads, in process")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of --chunk-cpu (the best is kept)")
    args = ap.parse_args()
    path = args.corpus or f"/tmp/adwarden-scan-{args.count}.jsonl"
    size, mean = write_corpus(path, args.count)
    if args.chunk_cpu:
        print(json.dumps({"load_before": os.getloadavg(), **chunk_cpu(path, args.chunk_cpu, args.rounds)}))
        return
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": os.getloadavg(),
        "corpus": {"path": path, "ads": args.count, "bytes": size, "mean_line_bytes": round(mean, 1)},
    }
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        extra = ["--workers", str(args.workers)] if args.workers is not None else []
        report["scan"] = run_scan_cli(path, args.keep or os.path.join(tmp, "out"), extra)
        report["scan"]["ads_per_s"] = round(args.count / report["scan"]["wall_s"])
        report["load_after_scan"] = os.getloadavg()
        if args.baseline:
            b = datasketch_baseline(path, args.baseline)
            b["extrapolated_s_for_corpus"] = round(b["us_per_ad"] * args.count / 1e6, 1)
            b["scan_us_per_ad_end_to_end"] = round(report["scan"]["wall_s"] / args.count * 1e6, 1)
            b["ratio_per_ad"] = round(b["us_per_ad"] / b["scan_us_per_ad_end_to_end"], 2)
            report["baseline_datasketch_text_only"] = b
        if args.reference:
            report["reference"] = reference_ari(path, args.reference, tmp)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
