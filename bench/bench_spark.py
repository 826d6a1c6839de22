"""The Spark corpus job in local mode: per-stage rates and the cost they imply per 100 million ads.

    .venv/bin/python bench/bench_spark.py --count 1000000 --master 'local[2]' [--core-hour-usd 0.05]

Runs :func:`adwarden.batch.scan_job.spark_scan` (what ``adwarden scan --spark`` runs) over the synthetic
corpus of ``bench/scan_corpus.py`` and reports, per stage, seconds, ads per second and ads per core-second
(stage seconds x local cores), then core-hours and dollars per 100M ads at ``--core-hour-usd``. Stages:
``read_and_screen`` (reading, validation, extraction, detectors, policy, MinHash on the executors) and
``link_and_write`` (postings, hubs, PDQ and LSH buckets, large-star/small-star, Parquet outputs). The
extrapolation assumes linear scaling per stage, which holds for screening (per-ad work) and is optimistic
for the shuffles of linking; treat it as a lower bound.

``--baseline`` (default on): after the Spark job, the same corpus through the one-box ``adwarden scan`` (every
core, no Spark) in the same run, so the Spark figures come with a ratio against the in-process path measured
under the same machine state (``--no-baseline`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan import run_scan_cli  # noqa: E402
from scan_corpus import write_corpus  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--core-hour-usd", type=float, default=0.05, help="price of one core-hour (on-demand VM)")
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                    help="also run the one-box `adwarden scan` on the same corpus in the same run")
    args = ap.parse_args()
    path = args.corpus or f"/tmp/adwarden-scan-{args.count}.jsonl"
    size, mean = write_corpus(path, args.count)
    from adwarden.batch.network_job import spark_session
    from adwarden.batch.scan_job import spark_scan
    from adwarden.config import Settings

    m = re.match(r"local\[(\d+|\*)\]", args.master)
    cores = (os.cpu_count() or 1) if m and m.group(1) == "*" else int(m.group(1)) if m else 0
    t = time.perf_counter()
    spark = spark_session(args.master, "adwarden-bench")
    session_s = time.perf_counter() - t
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as out:
        summary = spark_scan([path], out, settings=Settings(), spark=spark)
    spark.stop()
    stages = {}
    for name, seconds in summary["seconds"].items():
        per_core = args.count / (seconds * cores) if cores else None
        core_hours = 1e8 / per_core / 3600 if per_core else None
        stages[name] = {"seconds": seconds, "ads_per_s": round(args.count / seconds),
                        "ads_per_core_s": round(per_core, 1) if per_core else None,
                        "core_hours_per_100m": round(core_hours, 1) if core_hours else None,
                        "usd_per_100m": round(core_hours * args.core_hour_usd, 2) if core_hours else None}
    report: dict[str, object] = {
        "master": args.master, "cores": cores, "load_before": load, "session_s": round(session_s, 1),
        "corpus": {"ads": args.count, "bytes": size, "mean_line_bytes": round(mean, 1)},
        "totals": summary["totals"], "stages": stages, "core_hour_usd": args.core_hour_usd}
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="bench-spark-base-") as out:
            base = run_scan_cli(path, os.path.join(out, "scan"), [])
        total = summary["seconds"]["total"]
        report["baseline_one_box_scan"] = {
            **base, "load_before": os.getloadavg(),
            "same_totals": all(base["totals"].get(k) == summary["totals"].get(k)
                               for k in ("posts", "networks", "networked_posts", "identifiers")),
            "spark_total_over_scan_wall": round(total / base["wall_s"], 2)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
