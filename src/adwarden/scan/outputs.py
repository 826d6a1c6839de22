"""Write a scan's output directory: ``report.html``, ``scan.json``, ``posts.parquet``, ``networks.parquet``,
``rejected.parquet``.

The Parquet files are for other tools (pandas, DuckDB, Spark): one row per accepted post (its file and line,
network, risk, action, evidence labels and identifiers by kind), one row per network (members, shared
identifiers as JSON, cities, dates, risk), one row per rejected record. Files are written next to each other
and replaced whole, so a second scan into the same directory never mixes two runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adwarden.scan.networks import network_of_posts
from adwarden.scan.state import ScanState
from adwarden.scan.summary import public
from adwarden.scan.worker import ACTIONS

__all__ = ["write_outputs"]

_ID_KINDS = ("phone", "email", "handle", "payment", "url", "account")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_posts(state: ScanState, rows: Sequence[dict[str, Any]], path: Path, batch: int = 200_000) -> None:
    """``posts.parquet``, written in row batches so memory stays bounded."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    nets = network_of_posts(len(state.records), rows)
    risk, action = state.risk, state.action
    paths = [s.path for s in state.sources]
    src, line = state.source_of, state.line_of
    schema = pa.schema([
        ("post_id", pa.string()), ("external_id", pa.string()), ("site", pa.string()), ("file", pa.string()),
        ("line", pa.int64()), ("network_id", pa.string()), ("risk", pa.float32()), ("action", pa.string()),
        ("labels", pa.list_(pa.string())), ("posted_at", pa.timestamp("s", tz="UTC")),
        ("location", pa.string()), ("category", pa.string()), ("stated_ages", pa.list_(pa.int16())),
        ("names", pa.list_(pa.string())),
        *[(k + "s" if k != "email" else "emails", pa.list_(pa.string())) for k in _ID_KINDS],
        ("image_pdq", pa.list_(pa.string())),
    ])
    tmp = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for lo in range(0, max(len(state.records), 1), batch):
            recs = state.records[lo : lo + batch]
            if not recs and lo:
                break
            cols: dict[str, Any] = {
                "post_id": [r.post_id for r in recs],
                "external_id": [r.external_id for r in recs],
                "site": [r.site for r in recs],
                "file": [paths[int(s)] for s in src[lo : lo + batch]],
                "line": line[lo : lo + batch],
                "network_id": nets[lo : lo + batch],
                "risk": risk[lo : lo + batch],
                "action": [ACTIONS[int(a)] for a in action[lo : lo + batch]],
                "labels": [list(x) for x in state.post_labels[lo : lo + batch]],
                "posted_at": [r.posted_at for r in recs],
                "location": [r.location for r in recs],
                "category": [r.category for r in recs],
                "stated_ages": [list(r.ages) for r in recs],
                "names": [list(r.names) for r in recs],
                "image_pdq": [list(r.image_hashes) for r in recs],
            }
            for k in _ID_KINDS:
                name = k + "s" if k != "email" else "emails"
                cols[name] = [[v for kind, v in r.identifiers if kind == k] for r in recs]
            writer.write_table(pa.table(cols, schema=schema))
    os.replace(tmp, path)


def write_networks(rows: Sequence[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "network_id": [r["id"] for r in rows],
        "size": pa.array([r["size"] for r in rows], pa.int64()),
        "risk": pa.array([r["risk"] for r in rows], pa.float32()),
        "posts": [r["posts"] for r in rows],
        "sites": [r["sites"] for r in rows],
        "cities": [r["cities"] for r in rows],
        "first_seen": [r["first_seen"] for r in rows],
        "last_seen": [r["last_seen"] for r in rows],
        "link_kinds": [sorted({link["kind"] for link in r["links"]}) for r in rows],
        "links_json": [json.dumps(r["links"], ensure_ascii=False) for r in rows],
        "facts_json": [json.dumps(r["facts"], ensure_ascii=False, default=str) for r in rows],
        "templates_json": [json.dumps(r["templates"], ensure_ascii=False) for r in rows],
    })
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def write_rejected(rejected: Sequence[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "file": pa.array([r["file"] for r in rejected], pa.string()),
        "line": pa.array([r["line"] for r in rejected], pa.int64()),
        "field": pa.array([r["field"] for r in rejected], pa.string()),
        "error": pa.array([r["error"] for r in rejected], pa.string()),
    })
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_outputs(out_dir: str | Path, state: ScanState, summary: dict[str, Any], html: str) -> dict[str, str]:
    """Write every output file into ``out_dir`` (created if missing); returns ``{name: path}``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = summary["networks"]
    paths = {name: out / name for name in ("report.html", "scan.json", "posts.parquet", "networks.parquet",
                                           "rejected.parquet")}
    _atomic_write(paths["scan.json"], json.dumps(public(summary), ensure_ascii=False, default=str,
                                                 indent=1).encode("utf-8"))
    write_posts(state, rows, paths["posts.parquet"])
    write_networks(rows, paths["networks.parquet"])
    write_rejected(summary["rejected"], paths["rejected.parquet"])
    _atomic_write(paths["report.html"], html.encode("utf-8"))
    return {k: str(v) for k, v in paths.items()}
