"""Where a corpus is and how it is cut into chunks that worker processes read on their own.

A corpus is a file, a directory (every ``.jsonl``/``.ndjson``/``.jl``/``.json``, ``.csv`` and ``.parquet`` file
under it, sorted) or a glob (``crawl/2013-*.jsonl``). Why chunks by byte range: the main process must not read
and pickle a million records to hand them to the workers (it would become the bottleneck of a 2-core box), so
it only finds chunk boundaries (a seek and a short read each) and every worker opens the file itself, reads
its range and parses it: shared-nothing.

* JSONL chunks end at a newline.
* CSV chunks end at a newline outside quotes (RFC 4180 doubles quotes inside a quoted field, so the parity of
  the quote characters before a newline says whether it ends a record); each chunk carries the header line.
* Parquet chunks are row groups.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.jsonl").write_text('{"x": 1}\\n{"x": 2}\\n')
>>> [s.fmt for s in resolve_corpus(str(d))]
['jsonl']
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from adwarden.domain import InputError

__all__ = ["Chunk", "Source", "plan_chunks", "resolve_corpus"]

Format = Literal["jsonl", "csv", "parquet"]

_EXTENSIONS: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jl": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: Bytes per chunk: large enough that per-chunk costs (a process hop, vectorised batch set-up) vanish, small
#: enough that two workers stay busy to the end and a chunk's working set stays in cache-friendly sizes.
CHUNK_BYTES = 2 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: its index in the corpus, path, format and size in bytes."""

    index: int
    path: str
    fmt: Format
    size: int


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of one source a worker reads by itself.

    ``start``/``end`` are byte offsets (JSONL, CSV) or ``start`` is a row group number (Parquet); ``header``
    is the CSV header record (empty for other formats); ``seq`` orders chunks across the whole corpus;
    ``nbytes`` is what the progress bar counts.
    """

    seq: int
    source: Source
    start: int
    end: int
    nbytes: int
    header: bytes = b""


def format_of(path: str, explicit: str | None = None) -> Format:
    """The format of ``path`` by extension, or ``explicit`` when given."""
    if explicit is not None:
        if explicit not in ("jsonl", "csv", "parquet"):
            raise InputError(f"unknown format {explicit!r}; expected jsonl, csv or parquet", field="--format")
        return explicit  # type: ignore[return-value]
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the format of {path!r} from its extension; use --format jsonl, csv or parquet",
            record=path,
        )
    return fmt


def resolve_corpus(corpus: str, fmt: str | None = None) -> list[Source]:
    """Every input file of ``corpus`` (a file, a directory or a glob), in a stable order.

    Raises :class:`InputError` when nothing matches, naming what was looked for."""
    if os.path.isdir(corpus):
        paths = sorted(
            str(p) for p in Path(corpus).rglob("*")
            if p.is_file() and (fmt is not None or p.suffix.lower() in _EXTENSIONS)
        )
        if not paths:
            raise InputError(f"no .jsonl, .csv or .parquet files under directory {corpus!r}", record=corpus)
    elif os.path.isfile(corpus):
        paths = [corpus]
    else:
        paths = sorted(p for p in glob.glob(corpus, recursive=True) if os.path.isfile(p))
        if not paths:
            raise InputError(f"{corpus!r} is not a file or directory and matches no files", record=corpus)
    return [Source(i, p, format_of(p, fmt), os.path.getsize(p)) for i, p in enumerate(paths)]


def _jsonl_cuts(path: str, size: int, chunk_bytes: int) -> list[int]:
    cuts = [0]
    with open(path, "rb") as fh:
        pos = chunk_bytes
        while pos < size:
            fh.seek(pos)
            rest = fh.readline()
            pos += len(rest)
            if pos >= size:
                break
            cuts.append(pos)
            pos += chunk_bytes
    cuts.append(size)
    return cuts


def _csv_cuts(path: str, size: int, chunk_bytes: int) -> tuple[bytes, list[int]]:
    """The header record and record-aligned cuts (the first cut is the end of the header); one pass over the
    file counting quote characters per line."""
    cuts: list[int] = []
    with open(path, "rb") as fh:
        pos = 0
        quotes = 0
        next_cut = 0
        for line in fh:
            quotes += line.count(b'"')
            pos += len(line)
            if quotes % 2:
                continue  # inside a quoted field that spans lines
            if not cuts or (pos >= next_cut and pos < size):
                cuts.append(pos)
                next_cut = pos + chunk_bytes
        if not cuts:
            return b"", [0, 0]
        fh.seek(0)
        header = fh.read(cuts[0])
    if cuts[-1] != size:
        cuts.append(size)
    return header, cuts


def plan_chunks(sources: Sequence[Source], chunk_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Chunks of every source in corpus order."""
    seq = 0
    for src in sources:
        if src.fmt == "jsonl":
            cuts = _jsonl_cuts(src.path, src.size, chunk_bytes)
            header = b""
        elif src.fmt == "csv":
            header, cuts = _csv_cuts(src.path, src.size, chunk_bytes)
        else:
            for group, nbytes in enumerate(_row_groups(src.path)):
                yield Chunk(seq, src, group, group + 1, nbytes)
                seq += 1
            continue
        for a, b in zip(cuts, cuts[1:], strict=False):
            if b > a:
                yield Chunk(seq, src, a, b, b - a, header)
                seq += 1


def _row_groups(path: str) -> list[int]:
    """Compressed bytes of each row group (for the progress bar)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a file that is not Parquet
        raise InputError(f"not a readable Parquet file: {exc}", record=path) from None
    return [max(1, meta.row_group(i).total_byte_size) for i in range(meta.num_row_groups)]
