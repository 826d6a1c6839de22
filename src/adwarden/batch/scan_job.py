"""``adwarden scan --spark`` and ``adwarden networks build --spark --from PATH``: the corpus job on a cluster.

Reads JSONL or Parquet with Spark, screens on the executors (:mod:`adwarden.batch.spark_input`), links with
distributed aggregations (:mod:`adwarden.batch.network_job`), and writes Parquet datasets from the executors:
``posts.parquet`` (one row per accepted post: file, line, risk, action, labels, identifiers),
``rejected.parquet`` (file, line, field, error), ``memberships.parquet``, ``networks.parquet``,
``links.parquet``, ``ignored.parquet``. The driver collects only counts, the top networks and the first
rejected records for ``scan.json`` (bounded, whatever the corpus size).

    spark-submit --master yarn ... adwarden/__main__.py scan --spark --master yarn \\
        hdfs:///corpora/2013/*.jsonl --out hdfs:///scans/2013
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from adwarden.config import Settings
from adwarden.detect.network.linker import LinkConfig

__all__ = ["spark_scan"]

#: Rejected records and top networks copied into scan.json (all of them are in the Parquet datasets).
MAX_LISTED = 1000
TOP = 20


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file:")


def spark_scan(paths: Sequence[str], out_dir: str, *, settings: Settings | None = None,
               mapping: Mapping[str, str] | None = None, fmt: str | None = None, config: LinkConfig | None = None,
               master: str = "local[*]", spark: Any = None, posts_output: bool = True) -> dict[str, Any]:
    """Run the corpus job and return the summary written to ``out_dir/scan.json`` (when ``out_dir`` is local)."""
    from pyspark.sql import functions as F

    from adwarden.batch.network_job import build_graph, spark_session, write_networks
    from adwarden.batch.spark_input import ScreenSpec, list_inputs, read_posts

    cfg = config or LinkConfig()
    session = spark or spark_session(master, "adwarden-scan")
    spec = ScreenSpec(settings=settings or Settings(), mapping=dict(mapping or {}), link=cfg)
    started = time.perf_counter()
    files = list_inputs(session, paths)
    timings: dict[str, float] = {}
    screened = read_posts(session, files, spec, fmt=fmt).persist()
    records = screened.count()
    timings["read_and_screen"] = time.perf_counter() - started
    rejected = screened.where(F.col("error").isNotNull()).select("file", "line", "field", F.col("error"))
    rejected.write.mode("overwrite").parquet(os.path.join(out_dir, "rejected.parquet"))
    n_rejected = rejected.count()
    t = time.perf_counter()
    graph = build_graph(session, screened, cfg)
    counts = write_networks(session, graph, cfg, out_dir)
    timings["link_and_write"] = time.perf_counter() - t
    if posts_output:
        (graph.posts.select("post_id", "external_id", "site", "file", "line", "risk", "action", "labels",
                            "posted_at", "location", "category", "ages", "names", "ident_kinds", "ident_values",
                            "images", "minor")
         .write.mode("overwrite").parquet(os.path.join(out_dir, "posts.parquet")))
    actions = {r["action"]: int(r["count"]) for r in graph.posts.groupBy("action").count().collect()}
    nets = session.read.parquet(os.path.join(out_dir, "networks.parquet"))
    top = [r.asDict(recursive=True) for r in nets.orderBy(F.desc("max_post_risk"), F.desc("size")).limit(TOP).collect()]
    largest = [r.asDict(recursive=True) for r in nets.orderBy(F.desc("size")).limit(TOP).collect()]
    minors = graph.posts.where(F.col("minor").isNotNull()).count()
    summary = {
        "mode": "spark",
        "master": session.sparkContext.master,
        "corpus": {"inputs": list(paths), "files": files},
        "totals": {"files": len(files), "records": records, "posts": counts["posts"], "rejected": n_rejected,
                   "duplicates": records - n_rejected - counts["posts"], "networks": counts["networks"],
                   "networked_posts": counts["networked_posts"], "largest_network": counts["largest"],
                   "identifiers": counts["identifiers"], "hubs_ignored": counts["hubs"],
                   "posts_with_stated_minor": minors,
                   "actions": {a: actions.get(a, 0) for a in ("allow", "hold", "block")}},
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "top": {"riskiest": top, "largest": largest},
        "rejected": [r.asDict() for r in rejected.orderBy("file", "line").limit(MAX_LISTED).collect()],
    }
    summary["seconds"]["total"] = round(time.perf_counter() - started, 3)
    if _is_local(out_dir):
        path = out_dir.removeprefix("file:")
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "scan.json"), "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=1, default=str)
    screened.unpersist()
    return summary
