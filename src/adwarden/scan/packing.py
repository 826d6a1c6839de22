"""A chunk's result as columns, made in the worker: what the main process keeps instead of one record per post.

Why: at a million posts the main process spent about 12 s of CPU receiving chunks (unpickling a
:class:`~adwarden.detect.network.records.LinkRecord` per post, folding it in) while the two workers wanted both
cores, then held a million record objects (most of its 2.3 GB), then walked them again in Python to key every
identifier (link), to build ``posts.parquet`` (write) and to count days and cities (summarise). Here each
worker turns its chunk into

* an Arrow record batch of the per-post fields (:data:`POST_FIELDS`): unpickled as a few buffers, about a
  quarter of the objects' memory, and written to ``posts.parquet`` without a Python pass;
* the chunk's linking keys (``(kind, value)`` in order of first use, keyed exactly as
  :func:`~adwarden.detect.network.linker.collect_postings` keys them) and its postings as two integer arrays,
  so the main process only maps each distinct key of a chunk to a corpus-wide number;
* per-chunk counts of evidence labels (in order of first use, which ``most_common`` ties depend on).

The few records the summary needs in full (network members, the posts it quotes) are rebuilt from the batch
(:func:`records_from_table`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from adwarden.detect.network.linker import LinkConfig, linkable_identifiers
from adwarden.detect.network.records import LinkRecord
from adwarden.scan.worker import ChunkResult, Minor, Rejected

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pyarrow as pa

__all__ = ["POST_FIELDS", "PackedChunk", "pack_chunk", "post_schema", "records_from_table"]

#: Columns of a packed chunk's batch, one row per accepted post.
POST_FIELDS = ("post_id", "external_id", "site", "labels", "posted_at", "location", "category", "stated_ages",
               "names", "id_kind", "id_value", "image_pdq", "lat", "lon")


def post_schema() -> pa.Schema:
    """Schema of :data:`POST_FIELDS` (``posted_at`` to the microsecond, as the records hold it)."""
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    return pa.schema([
        ("post_id", text), ("external_id", text), ("site", text), ("labels", texts),
        ("posted_at", pa.timestamp("us", tz="UTC")), ("location", text), ("category", text),
        ("stated_ages", pa.list_(pa.int16())), ("names", texts), ("id_kind", texts), ("id_value", texts),
        ("image_pdq", texts), ("lat", pa.float64()), ("lon", pa.float64()),
    ])


@dataclass
class PackedChunk:
    """One chunk as the main process receives it (see the module docstring). Per-post arrays are aligned with
    the rows of ``posts``; ``key_post``/``key_code`` are postings (chunk-local post row, index into
    ``key_kind``/``key_value``) in record order; ``capped`` lists ``(row, reason)`` of posts over the
    identifier cap."""

    seq: int
    source: int
    lines: int
    nbytes: int
    header_lines: int
    post_ids: list[str]
    posts: Any  # pa.RecordBatch
    line_of: npt.NDArray[np.int64]
    sigs: npt.NDArray[np.uint32]
    valid: npt.NDArray[np.bool_]
    risk: npt.NDArray[np.float32]
    action: npt.NDArray[np.int8]
    labels: Counter[str]
    key_kind: list[str]
    key_value: list[str]
    key_post: npt.NDArray[np.int32]
    key_code: npt.NDArray[np.int32]
    capped: list[tuple[int, str]] = field(default_factory=list)
    minors: list[Minor] = field(default_factory=list)
    texts: bytes = b""
    rejected: list[Rejected] = field(default_factory=list)


def _lists(values: Sequence[Sequence[Any]], item: pa.DataType, flat: list[Any] | None = None) -> pa.Array:
    """A list column from per-row sequences (or their lengths' sequences and ``flat``, the items in row
    order), built from one flat array and NumPy offsets."""
    import pyarrow as pa

    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, values), dtype=np.int32, count=len(values)), out=offsets[1:])
    items = pa.array(list(chain.from_iterable(values)) if flat is None else flat, item)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), items)


def _batch(recs: Sequence[LinkRecord], labels: Sequence[tuple[str, ...]]) -> pa.RecordBatch:
    import pyarrow as pa

    schema = post_schema()
    idents = [r.identifiers for r in recs]
    pairs = [kv for ids in idents for kv in ids]
    cols = [
        pa.array([r.post_id for r in recs], pa.string()),
        pa.array([r.external_id for r in recs], pa.string()),
        pa.array([r.site for r in recs], pa.string()),
        _lists(labels, pa.string()),
        pa.array([r.posted_at for r in recs], schema.field("posted_at").type),
        pa.array([r.location for r in recs], pa.string()),
        pa.array([r.category for r in recs], pa.string()),
        _lists([r.ages for r in recs], pa.int16()),
        _lists([r.names for r in recs], pa.string()),
        _lists(idents, pa.string(), [k for k, _ in pairs]),
        _lists(idents, pa.string(), [v for _, v in pairs]),
        _lists([r.image_hashes for r in recs], pa.string()),
        pa.array([r.lat for r in recs], pa.float64()),
        pa.array([r.lon for r in recs], pa.float64()),
    ]
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def pack_chunk(res: ChunkResult, config: LinkConfig) -> PackedChunk:
    """``res`` as columns and linking keys (runs in the worker; see the module docstring)."""
    recs = res.records
    disabled, use_image, rules = config.disabled, "image" not in config.disabled, config.hubs
    keys: dict[tuple[str, str], int] = {}
    posts_col: list[int] = []
    keys_col: list[int] = []
    capped: list[tuple[int, str]] = []
    # a record without identifiers or images has nothing to key (unless a negative cap marks even those)
    skip_bare = rules.max_identifiers_per_post >= 0
    for i, r in enumerate(recs):
        if skip_bare and not r.identifiers and not r.image_hashes:
            continue
        ids, reason = linkable_identifiers(r, disabled, use_image, rules)
        if reason is not None:
            capped.append((i, reason))
        for kv in ids:
            k = keys.get(kv)
            if k is None:
                k = keys[kv] = len(keys)
            posts_col.append(i)
            keys_col.append(k)
    # counted in order of first use, as Counter.update per post counts them
    labels: Counter[str] = Counter(chain.from_iterable(res.labels))
    n = len(recs)
    return PackedChunk(
        seq=res.seq, source=res.source, lines=res.lines, nbytes=res.nbytes, header_lines=res.header_lines,
        post_ids=[r.post_id for r in recs], posts=_batch(recs, res.labels),
        line_of=np.asarray(res.line_of, dtype=np.int64).reshape(n),
        sigs=res.sigs, valid=res.valid, risk=res.risk, action=res.action, labels=labels,
        key_kind=[k for k, _ in keys], key_value=[v for _, v in keys],
        key_post=np.asarray(posts_col, dtype=np.int32), key_code=np.asarray(keys_col, dtype=np.int32),
        capped=capped, minors=res.minors, texts=res.texts, rejected=res.rejected,
    )


def records_from_table(table: pa.Table) -> list[LinkRecord]:
    """Text-less records of the rows of ``table`` (:func:`post_schema` columns), equal to the ones packed."""
    import pyarrow as pa

    c = {name: table.column(name).to_pylist() for name in POST_FIELDS if name not in ("labels", "posted_at")}
    # Arrow gives ZoneInfo("UTC") datetimes, whose comparisons and differences cost a Python call each
    # (network_facts sorts and subtracts them): rebuild the records' own datetime.UTC
    naive = table.column("posted_at").cast(pa.timestamp("us")).to_pylist()
    c["posted_at"] = [None if t is None else t.replace(tzinfo=UTC) for t in naive]
    return [
        LinkRecord(pid, external_id=ext, site=site, identifiers=tuple(zip(kinds, values, strict=True)),
                   image_hashes=tuple(img), posted_at=at, location=loc, lat=lat, lon=lon, names=tuple(names),
                   ages=tuple(ages), category=cat)
        for pid, ext, site, at, loc, cat, ages, names, kinds, values, img, lat, lon in zip(
            c["post_id"], c["external_id"], c["site"], c["posted_at"], c["location"], c["category"],
            c["stated_ages"], c["names"], c["id_kind"], c["id_value"], c["image_pdq"], c["lat"], c["lon"],
            strict=True)
    ]
