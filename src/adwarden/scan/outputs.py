"""Write a scan's output directory: ``report.html``, ``scan.json``, ``posts.parquet``, ``networks.parquet``,
``rejected.parquet``.

The Parquet files are for other tools (pandas, DuckDB, Spark): one row per accepted post (its file and line,
network, risk, action, evidence labels and identifiers by kind), one row per network (members, shared
identifiers as JSON, cities, dates, risk), one row per rejected record. Files are written next to each other
and replaced whole, so a second scan into the same directory never mixes two runs.

Why it is built the way it is (a million posts must not cost half a minute here): the posts table is made of
the workers' Arrow columns (:mod:`adwarden.scan.packing`) plus file, line, network, risk and action from NumPy,
never a Python list per cell, and it is built and written in a thread while the summary is built
(:func:`start_posts`; Arrow and Parquet release the GIL); each network's ``links``, ``facts`` and ``templates``
are encoded to JSON once and the same text goes into ``scan.json`` and ``networks.parquet``; ``scan.json`` uses
the C encoder (one top-level key, and one list item, per line) instead of ``indent=``, which falls back to the
pure-Python encoder; and the other Parquet files are compressed in a thread while this thread encodes the JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from adwarden.detect.network.model import LinkResult
from adwarden.scan.state import ScanState
from adwarden.scan.worker import ACTIONS

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pyarrow as pa

__all__ = ["posts_table", "start_posts", "write_outputs"]

_ID_KINDS = ("phone", "email", "handle", "payment", "url", "account")
#: Keys of a network row encoded once and shared by ``scan.json`` and ``networks.parquet``.
_SHARED_KEYS = ("links", "facts", "templates")

#: Posts per row group of ``posts.parquet`` (readers can stream it group by group).
POSTS_ROW_GROUP = 200_000

_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _posts_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([
        ("post_id", pa.string()), ("external_id", pa.string()), ("site", pa.string()), ("file", pa.string()),
        ("line", pa.int64()), ("network_id", pa.string()), ("risk", pa.float32()), ("action", pa.string()),
        ("labels", pa.list_(pa.string())), ("posted_at", pa.timestamp("s", tz="UTC")),
        ("location", pa.string()), ("category", pa.string()), ("stated_ages", pa.list_(pa.int16())),
        ("names", pa.list_(pa.string())),
        *[(k + "s" if k != "email" else "emails", pa.list_(pa.string())) for k in _ID_KINDS],
        ("image_pdq", pa.list_(pa.string())),
    ])


def _identifier_columns(kinds: pa.ChunkedArray, values: pa.ChunkedArray) -> dict[str, pa.Array]:
    """One list column per identifier kind from the posts' ``id_kind``/``id_value`` lists: the values of each
    kind are filtered out of the flat array (order kept) and cut by offsets counted with NumPy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = np.asarray(pc.list_value_length(kinds).fill_null(0), dtype=np.int64)
    n = counts.size
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    flat_kinds = pc.list_flatten(kinds)
    flat_values = pa.concat_arrays(pc.list_flatten(values).chunks) if values.num_chunks else pa.array([], pa.string())
    out: dict[str, pa.Array] = {}
    for k in _ID_KINDS:
        mask = np.asarray(pc.equal(flat_kinds, k).fill_null(False), dtype=bool) if owner.size else np.zeros(0, bool)
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(owner[mask], minlength=n), out=offsets[1:])
        out[k + "s" if k != "email" else "emails"] = pa.ListArray.from_arrays(
            pa.array(offsets, pa.int32()), flat_values.filter(pa.array(mask)))
    return out


def _lookup(labels: Sequence[str], codes: np.ndarray) -> pa.Array:
    """``labels[code]`` per code as a string column (``None`` where the code is negative)."""
    import pyarrow as pa

    idx = pa.array(codes.astype(np.int64), mask=codes < 0)
    return pa.array(list(labels), pa.string()).take(idx)


def posts_table(state: ScanState, result: LinkResult) -> pa.Table:
    """The ``posts.parquet`` table (one row per post, see ``docs/scan.md``): the posts' columns as the workers
    made them, plus file, line, network, risk and action."""
    import pyarrow as pa

    schema = _posts_schema()
    posts = state.table  # whole columns, one array each
    net = np.full(posts.num_rows, -1, dtype=np.int64)
    index = state.index
    for n, network in enumerate(result.networks):
        net[[index[p] for p in network.posts]] = n
    col = posts.column
    cols: dict[str, Any] = {
        "post_id": col("post_id"),
        "external_id": col("external_id"),
        "site": col("site"),
        "file": _lookup([s.path for s in state.sources], state.source_of),
        "line": pa.array(state.line_of, pa.int64()),
        "network_id": _lookup([network.id for network in result.networks], net),
        "risk": pa.array(state.risk, pa.float32()),
        "action": _lookup(ACTIONS, state.action),
        "labels": col("labels"),
        "posted_at": col("posted_at").cast(schema.field("posted_at").type, safe=False),
        "location": col("location"),
        "category": col("category"),
        "stated_ages": col("stated_ages"),
        "names": col("names"),
        **_identifier_columns(col("id_kind"), col("id_value")),
        "image_pdq": col("image_pdq"),
    }
    return pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)


def write_posts(state: ScanState, result: LinkResult, path: Path) -> None:
    """``posts.parquet`` (row groups of :data:`POSTS_ROW_GROUP` posts)."""
    _write_table(posts_table(state, result), path, "zstd", POSTS_ROW_GROUP)


def start_posts(pool: Executor, out_dir: str | Path, state: ScanState, result: LinkResult) -> Future[None]:
    """Write ``posts.parquet`` in ``pool`` (a thread) while the summary is built: it needs only the networks'
    members, and its Arrow work (identifier columns, zstd, Parquet encoding) runs without the GIL, so it takes
    the second core instead of adding to the main thread's time."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state.freeze()  # materialise every column here, before two threads read them
    return pool.submit(write_posts, state, result, out / "posts.parquet")


def _shared_json(rows: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """``links``, ``facts`` and ``templates`` of every network row, each encoded to JSON once."""
    enc = _ENCODER.encode
    return [{k: enc(r[k]) for k in _SHARED_KEYS} for r in rows]


def write_networks(rows: Sequence[dict[str, Any]], shared: Sequence[dict[str, str]], path: Path) -> None:
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
        "links_json": [s["links"] for s in shared],
        "facts_json": [s["facts"] for s in shared],
        "templates_json": [s["templates"] for s in shared],
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


def _network_json(row: dict[str, Any], shared: dict[str, str]) -> str:
    """One network of ``scan.json``: its public keys, then the pre-encoded shared ones."""
    head = _ENCODER.encode({k: v for k, v in row.items() if not k.startswith("_") and k not in _SHARED_KEYS})
    tail = "".join(f', "{k}": {shared[k]}' for k in _SHARED_KEYS)
    return head[:-1] + tail + "}"


def scan_json(summary: dict[str, Any], shared: Sequence[dict[str, str]]) -> Iterator[str]:
    """``scan.json`` in pieces: one top-level key per line, and one item per line in its long lists (networks,
    rejected records, duplicates...), so a reader can page or grep it; private keys (``_members``) dropped."""
    enc = _ENCODER.encode
    yield "{"
    for n, (key, value) in enumerate(summary.items()):
        yield ("," if n else "") + f"\n{enc(key)}: "
        if key == "networks":
            items: Any = (_network_json(r, s) for r, s in zip(value, shared, strict=True))
        elif isinstance(value, list) and value:
            items = map(enc, value)
        else:
            yield enc(value)
            continue
        yield "[\n"
        first = True
        for item in items:
            yield item if first else ",\n" + item
            first = False
        yield "\n]"
    yield "\n}\n"


def write_outputs(out_dir: str | Path, state: ScanState, summary: dict[str, Any], html: str,
                  posts: Future[None]) -> dict[str, str]:
    """Write every output file into ``out_dir`` (created if missing), ``posts.parquet`` being written by
    ``posts`` (:func:`start_posts`); returns ``{name: path}`` once every file is written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = summary["networks"]
    paths = {name: out / name for name in ("report.html", "scan.json", "posts.parquet", "networks.parquet",
                                           "rejected.parquet")}
    shared = _shared_json(rows)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan-parquet") as pool:
        jobs = [pool.submit(write_networks, rows, shared, paths["networks.parquet"])]
        jobs.append(pool.submit(write_rejected, summary["rejected"], paths["rejected.parquet"]))
        _atomic_write(paths["scan.json"], "".join(scan_json(summary, shared)).encode("utf-8"))
        _atomic_write(paths["report.html"], html.encode("utf-8"))
        for job in [posts, *jobs]:
            job.result()
    return {k: str(v) for k, v in paths.items()}


def _write_table(table: pa.Table, path: Path, compression: str | None, row_group_size: int | None) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression=compression, row_group_size=row_group_size)
    os.replace(tmp, path)
