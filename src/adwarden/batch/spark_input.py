"""Read a corpus with Spark and screen it on the executors: one DataFrame row per post, nothing on the driver.

Input: JSONL or Parquet paths (files, directories, globs; ``file:``, ``hdfs:``, ``s3a:`` ... anything Hadoop
lists). Paths are listed through Hadoop's FileSystem on the driver (names only), so a path that does not
exist is one :class:`~adwarden.domain.InputError` before any job starts. JSONL is read as the bytes in the
file (Spark SQL's text source cast to binary: ``textFile`` would decode it first) so that invalid UTF-8 is
rejected by name as ``adwarden ingest`` rejects it; every record keeps its file and line (``zipWithIndex``
per file), and ``order`` (file number, line) is the corpus order the in-process linker uses.

On the executors, :func:`screen_partition` runs the scan worker's screening
(:func:`adwarden.scan.worker.screen_rows`: ingest's validation, extraction, detectors, policy, MinHash) over
batches of a partition and yields :data:`POST_SCHEMA` rows; rejected records come out as rows with ``error``
set. The screener is built once per executor process from the driver's settings.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adwarden.config import Settings
from adwarden.detect.network.linker import LinkConfig
from adwarden.detect.network.minhash import band_keys
from adwarden.domain import InputError

__all__ = ["POST_DDL", "ScreenSpec", "list_inputs", "read_posts"]

#: One row per record: a post (``error`` null) or a rejected record (``error`` set, post fields null).
POST_DDL = (
    "order long, file string, line long, error string, field string, post_id string, external_id string, "
    "site string, category string, location string, posted_at timestamp, lat double, lon double, "
    "names array<string>, ages array<int>, ident_kinds array<string>, ident_values array<string>, "
    "images array<string>, risk float, action string, labels array<string>, minor string, sig binary, "
    "text_valid boolean, bands array<long>, text string"
)

_LINE_BITS = 40  # order = file number << 40 | line: up to a trillion lines per file, a million files
#: Hadoop's and Spark's hidden files (``_SUCCESS``, ``.crc``): Spark's readers skip them even when named, so
#: they are left out here too, and a path that names only such files is an error rather than an empty input.
_HIDDEN = (".", "_")


@dataclass(frozen=True)
class ScreenSpec:
    """What an executor needs to build the same screener as the driver, and how to read records."""

    settings: Settings
    mapping: Mapping[str, str]
    link: LinkConfig
    batch: int = 2000


def list_inputs(spark: Any, paths: Sequence[str]) -> list[str]:
    """Every input file under ``paths`` (files, directories, globs), sorted; one clear error when a path
    matches nothing."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    out: list[str] = []
    for p in paths:
        hp = jvm.org.apache.hadoop.fs.Path(p)
        fs = hp.getFileSystem(conf)
        statuses = fs.globStatus(hp)
        if not statuses:
            raise InputError(f"no such file or directory: {p}", record=p)
        found: list[str] = []
        for st in statuses:
            if st.isDirectory():
                it = fs.listFiles(st.getPath(), True)
                while it.hasNext():
                    f = it.next().getPath()
                    if not f.getName().startswith(_HIDDEN):
                        found.append(f.toString())
            elif not st.getPath().getName().startswith(_HIDDEN):
                found.append(st.getPath().toString())
        if not found:
            raise InputError(f"no input files under {p} (names starting with '.' or '_' are never read)", record=p)
        out.extend(sorted(found))
    return out


def _format(path: str, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "parquet" if path.lower().endswith((".parquet", ".pq")) else "jsonl"


def _jsonl_rows(spark: Any, path: str, index: int) -> Any:
    """``(order, file, line, bytes)`` of every line of one JSONL file, each line the bytes in the file.

    Read with Spark SQL's text source cast to binary, not ``SparkContext.textFile``: that one turns each line
    into a Java string on the JVM, so invalid UTF-8 is already U+FFFD when Python sees it (``use_unicode=False``
    only re-encodes the string), and a line ``adwarden ingest`` refuses would be accepted. The text source keeps
    a line's bytes as they are; ingest's reader then refuses them, by file and line. Its splits of one file come
    in file order, so ``zipWithIndex`` numbers the lines.
    """
    lines = spark.read.text(path).selectExpr("CAST(value AS BINARY) AS value")
    return lines.rdd.zipWithIndex().map(lambda x: ((index << _LINE_BITS) | (x[1] + 1), path, x[1] + 1,
                                                   bytes(x[0][0])))


def _parquet_rows(spark: Any, path: str, index: int) -> Any:
    """``(order, file, row, dict)`` of every row of one Parquet file."""
    return (spark.read.parquet(path).rdd.zipWithIndex()
            .map(lambda x: ((index << _LINE_BITS) | (x[1] + 1), path, x[1] + 1,
                            x[0].asDict(recursive=True))))


_SCREEN_CACHE: dict[str, Any] = {}


def _job(spec: ScreenSpec) -> Any:
    from adwarden.runtime import build_screener
    from adwarden.scan.worker import ScanJob

    key = repr(spec)  # each task unpickles its own copy of the spec; its repr is the same on every executor
    if key not in _SCREEN_CACHE:
        s = spec.settings
        _SCREEN_CACHE.clear()
        _SCREEN_CACHE[key] = ScanJob(screener=build_screener(s), mapping=dict(spec.mapping), minhash=spec.link.text,
                                     max_body_chars=s.max_body_bytes, max_field_chars=s.max_field_chars)
    return _SCREEN_CACHE[key]


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse(job: Any, batch: list[Any]) -> Iterator[tuple[int, Any, Any]]:
    """``(position in batch + 1, post, error)`` with ingest's own readers (same rejects as ``ingest``)."""
    from adwarden.ingest.files import apply_mapping, read_jsonl
    from adwarden.ingest.schema import validate_post

    if batch and isinstance(batch[0][3], dict):
        for i, (_, _, _, raw) in enumerate(batch, 1):
            data = apply_mapping({k: v for k, v in raw.items() if v is not None}, job.mapping)
            try:
                yield i, validate_post(data, record=f"row {i}", max_body_chars=job.max_body_chars,
                                       max_field_chars=job.max_field_chars), None
            except InputError as exc:
                yield i, None, exc
        return
    raw_lines = b"\n".join(b[3] for b in batch) + b"\n"
    for r in read_jsonl(io.BytesIO(raw_lines), mapping=job.mapping, max_body_chars=job.max_body_chars,
                        max_field_chars=job.max_field_chars):
        yield r.line, r.post, r.error


def screen_partition(spec: ScreenSpec, rows: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """Executor side: screen a partition of ``(order, file, line, payload)`` into :data:`POST_DDL` rows."""
    from adwarden.scan.worker import ACTIONS, ChunkResult, chunk_texts, screen_rows

    job = _job(spec)
    for batch in _batches(rows, spec.batch):
        res = screen_rows(job, _parse(job, batch), ChunkResult(seq=0, source=0, lines=len(batch), nbytes=0))
        for rej in res.rejected:
            order, file, line, _ = batch[rej.line - 1]
            yield (order, file, line, rej.message, rej.field, *([None] * 21))
        texts = chunk_texts(res.texts)
        bands = band_keys(res.sigs, spec.link.text).view("int64") if len(res.records) else None
        minors = {m.index: f"{m.label}:{m.value}" for m in res.minors}
        for i, rec in enumerate(res.records):
            order, file, line, _ = batch[res.line_of[i] - 1]
            yield (order, file, line, None, None, rec.post_id, rec.external_id, rec.site, rec.category,
                   rec.location, rec.posted_at, rec.lat, rec.lon, list(rec.names), list(rec.ages),
                   [k for k, _ in rec.identifiers], [v for _, v in rec.identifiers], list(rec.image_hashes),
                   float(res.risk[i]), ACTIONS[int(res.action[i])], list(res.labels[i]), minors.get(i),
                   res.sigs[i].tobytes(), bool(res.valid[i]), bands[i].tolist() if bands is not None else [],
                   texts[i])


def read_posts(spark: Any, paths: Sequence[str], spec: ScreenSpec, *, fmt: str | None = None) -> Any:
    """The screened corpus as a DataFrame of :data:`POST_DDL` rows (lazy; cache it when used twice)."""
    files = list_inputs(spark, paths)
    sc = spark.sparkContext
    parts = [(_parquet_rows(spark, f, i) if _format(f, fmt) == "parquet" else _jsonl_rows(spark, f, i))
             for i, f in enumerate(files)]
    raw = parts[0] if len(parts) == 1 else sc.union(parts)
    screened = raw.mapPartitions(lambda it: screen_partition(spec, it))
    return spark.createDataFrame(screened, POST_DDL)
