"""Reading posts from JSONL and CSV files, record by record, never stopping at a bad one.

Each record comes out as ``(line, PostInput)`` or ``(line, InputError)``; the caller stores the good ones and
reports the bad ones. ``--map target=source`` renames fields for files that name them differently
(``account.phone=phone`` fills a nested field).

A file is whatever an export tool produced, so nothing in it may stop the run: a UTF-8 byte order mark is
accepted, JSON the parser refuses (an integer over Python's 4,300-digit limit, nesting deep enough to hit the
recursion limit) and CSV the reader refuses (a field over the reader's size limit) become errors on their line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, Literal

from adwarden.domain import InputError, PostInput
from adwarden.ingest.schema import MAX_BODY_CHARS, MAX_FIELD_CHARS, validate_post

Format = Literal["jsonl", "csv"]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Record:
    """One record of a file: its 1-based line number and either a valid post or the error that rejected it."""

    line: int
    post: PostInput | None = None
    error: InputError | None = None


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``["external_id=sid", "account.phone=phone"]`` -> ``{"external_id": "sid", "account.phone": "phone"}``."""
    out: dict[str, str] = {}
    for pair in pairs:
        target, sep, source = pair.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise InputError(f"mapping {pair!r} must look like target=source", record="--map")
        out[target.strip()] = source.strip()
    return out


def apply_mapping(raw: dict[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    if not mapping:
        return raw
    out = dict(raw)
    for target, source in mapping.items():
        if source not in raw:
            continue
        value = raw[source]
        parts = target.split(".")
        node = out
        for p in parts[:-1]:
            child = node.get(p)
            if not isinstance(child, dict):
                child = {}
                node[p] = child
            node = child
        node[parts[-1]] = value
    return out


def _csv_row_to_record(row: dict[str | None, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        if key.startswith("account.") or key.startswith("account_"):
            out.setdefault("account", {})[key.split(".", 1)[-1].removeprefix("account_")] = value
        elif key == "media" or key.startswith("media."):
            # CSV media: whitespace-separated URLs in one column.
            out["media"] = [{"url": u} for u in str(value).split()]
        else:
            out[key] = value
    return out


def read_jsonl(
    stream: IO[bytes],
    *,
    mapping: Mapping[str, str] | None = None,
    max_body_chars: int = MAX_BODY_CHARS,
    max_field_chars: int = MAX_FIELD_CHARS,
    first_line: int = 1,
) -> Iterator[Record]:
    """Records of a JSONL stream. ``first_line``: the number of the stream's first line in its file, when the
    stream is a piece of it (:func:`jsonl_chunks`), so that errors name the file's line; a byte order mark is
    only stripped from the file's first line."""
    if first_line < 1:
        raise ValueError(f"first_line must be 1 or more, not {first_line}")
    for line_no, raw_line in enumerate(stream, start=first_line):
        if line_no == 1:
            raw_line = raw_line.removeprefix(_BOM)
        if not raw_line.strip():
            continue
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Record(line_no, error=InputError(f"invalid UTF-8 at byte {exc.start}", record=f"line {line_no}"))
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Record(line_no, error=InputError(f"malformed JSON: {exc.msg} at column {exc.colno}",
                                                   record=f"line {line_no}"))
            continue
        except ValueError as exc:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
            yield Record(line_no, error=InputError(f"unreadable JSON: {exc}", record=f"line {line_no}"))
            continue
        except RecursionError:
            yield Record(line_no, error=InputError("unreadable JSON: nested too deeply", record=f"line {line_no}"))
            continue
        yield _record(line_no, data, mapping, max_body_chars=max_body_chars, max_field_chars=max_field_chars)


def jsonl_chunks(stream: IO[bytes], lines: int) -> Iterator[tuple[int, bytes]]:
    """``(number of the first line, bytes of up to ``lines`` lines)`` of a JSONL stream, in order, undecoded.

    Why: a file ingest's screening worker reads and validates the records itself (``read_jsonl(io.BytesIO(chunk),
    first_line=n)`` gives the records, line numbers included, that reading the whole file gives), so the
    storing process only splits lines (about a microsecond per line) instead of decoding and validating each
    record and pickling it across. Reads only what it yields: on a pipe, a chunk is handed on once its
    ``lines`` lines (or the end of the stream) have arrived."""
    if lines < 1:
        raise ValueError(f"lines must be 1 or more, not {lines}")
    first = 1
    while True:
        chunk = list(islice(stream, lines))
        if not chunk:
            return
        yield first, b"".join(chunk)
        first += len(chunk)


@dataclass(frozen=True)
class JsonlChunk:
    """Lines of a JSONL file as :func:`jsonl_chunks` cut them, with what reading them needs: picklable, so a
    screening worker can read them (:func:`read_chunk`)."""

    first_line: int
    data: bytes
    mapping: Mapping[str, str] | None = None
    max_body_chars: int = MAX_BODY_CHARS
    max_field_chars: int = MAX_FIELD_CHARS

    @property
    def last_line(self) -> int:
        """The number of the chunk's last line (blank or not)."""
        if not self.data:
            return self.first_line - 1
        return self.first_line + self.data.count(b"\n") - (1 if self.data.endswith(b"\n") else 0)


@dataclass(frozen=True)
class ChunkRecords:
    """What reading a :class:`JsonlChunk` gave: its valid posts in order, its rejected records as ``(line,
    message)`` (the message names the line and the field, as ``str(InputError)`` does), and how many records
    it held (blank lines are none)."""

    posts: list[PostInput]
    rejected: list[tuple[int, str]]
    read: int
    last_line: int


def read_chunk(chunk: JsonlChunk) -> ChunkRecords:
    """Read and validate one chunk exactly as :func:`read_jsonl` reads those lines of the whole file."""
    posts: list[PostInput] = []
    rejected: list[tuple[int, str]] = []
    read = 0
    for rec in read_jsonl(io.BytesIO(chunk.data), mapping=chunk.mapping, max_body_chars=chunk.max_body_chars,
                          max_field_chars=chunk.max_field_chars, first_line=chunk.first_line):
        read += 1
        if rec.error is not None:
            rejected.append((rec.line, str(rec.error)))
        elif rec.post is not None:
            posts.append(rec.post)
    return ChunkRecords(posts, rejected, read, chunk.last_line)


def read_csv(
    stream: IO[bytes],
    *,
    mapping: Mapping[str, str] | None = None,
    max_body_chars: int = MAX_BODY_CHARS,
    max_field_chars: int = MAX_FIELD_CHARS,
) -> Iterator[Record]:
    _raise_csv_field_limit(4 * max(max_body_chars, MAX_BODY_CHARS))
    # utf-8-sig drops a leading byte order mark; surrogateescape keeps invalid bytes so the row can be refused
    # by name instead of the whole file failing to decode.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.DictReader(text, restkey=None, restval=None)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        line_no = max(reader.reader.line_num, 1)
        yield Record(line_no, error=InputError(f"unreadable CSV header: {exc}; nothing read", record=f"line {line_no}"))
        return
    for line_no, row in _csv_rows(reader):
        record = f"line {line_no}"
        if isinstance(row, csv.Error):
            yield Record(line_no, error=InputError(f"unreadable CSV: {row}", record=record))
            continue
        if None in row:
            yield Record(line_no, error=InputError(
                f"ragged row: {len(header) + len(row[None])} values for {len(header)} columns", record=record))
            continue
        missing = [k for k, v in row.items() if v is None]
        if missing:
            yield Record(line_no, error=InputError(
                f"ragged row: {len(header) - len(missing)} values for {len(header)} columns", record=record))
            continue
        bad = next((k for k, v in row.items() if isinstance(v, str) and _has_surrogate(v)), None)
        if bad is not None:
            yield Record(line_no, error=InputError("invalid UTF-8", record=record, field=str(bad)))
            continue
        yield _record(line_no, _csv_row_to_record(row), mapping, max_body_chars=max_body_chars,
                      max_field_chars=max_field_chars)


def _record(line_no: int, data: Any, mapping: Mapping[str, str] | None, *, max_body_chars: int,
            max_field_chars: int) -> Record:
    """A parsed record, renamed by ``mapping`` and validated: what every format does once it has decoded a line,
    so a JSONL and a CSV file with the same posts are accepted and refused alike."""
    if isinstance(data, dict) and mapping:
        data = apply_mapping(data, mapping)
    try:
        post = validate_post(data, record=f"line {line_no}", max_body_chars=max_body_chars,
                             max_field_chars=max_field_chars)
    except InputError as exc:
        return Record(line_no, error=exc)
    return Record(line_no, post=post)


def _raise_csv_field_limit(limit: int) -> None:
    """The csv module refuses fields over 131,072 characters by default, below the body limit. The limit is
    process-wide, so it is only ever raised."""
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def _csv_rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str | None, Any] | csv.Error]]:
    """``(line, row)`` pairs, or ``(line, csv.Error)`` for a row the reader refused.

    After an error the C reader has dropped the rest of that physical line and starts afresh on the next one,
    so reading goes on. If it raises again without moving forward it is stuck: stop rather than loop."""
    last_error_line = -1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line_no = reader.reader.line_num
            if line_no == last_error_line:
                return
            last_error_line = line_no
            yield line_no, exc
            continue
        yield reader.line_num, row


def _has_surrogate(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def detect_format(name: str, explicit: str | None) -> Format:
    if explicit in ("jsonl", "csv"):
        return explicit  # type: ignore[return-value]
    return "csv" if name.lower().endswith(".csv") else "jsonl"


def read_records(stream: IO[bytes], fmt: Format, **kw: Any) -> Iterator[Record]:
    return read_csv(stream, **kw) if fmt == "csv" else read_jsonl(stream, **kw)
