"""What a worker process does with one chunk: read, validate, screen, reduce to compact per-post state.

Why compact: the main process keeps the state of every post of a corpus until the networks are known, so a
post must cost it a few hundred bytes, not the kilobytes of a validated post, its extraction and its evidence.
A worker therefore returns, per accepted post, only what linking and the report need (:class:`ChunkResult`):
the linker's :class:`~adwarden.detect.network.records.LinkRecord` without its text, the MinHash signature of
the text (the only thing text linking needs), the verdict's risk and action, the evidence labels, stated
minors with their span, and the texts of the whole chunk compressed into one blob (read back only for the
posts the report shows).

Screening is the same as :meth:`adwarden.pipeline.Screener.screen` (same extraction, detectors and policy),
except that detectors offering a batch path (``evidence_many``, the indicator matcher) run once over the
chunk. Identifiers for linking are built as :func:`~adwarden.detect.network.records.record_from_input` builds
them, so the networks equal :func:`~adwarden.detect.network.linker.link_records` over the same file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from adwarden.detect.base import ScreenContext
from adwarden.detect.network.minhash import MinHashParams, text_signatures
from adwarden.detect.network.names import may_state_ages
from adwarden.detect.network.records import LinkRecord, record_from_input
from adwarden.domain import Evidence, InputError, PostInput
from adwarden.extract import extract_many
from adwarden.ingest.files import apply_mapping, read_csv, read_jsonl
from adwarden.ingest.schema import MAX_BODY_CHARS, MAX_FIELD_CHARS, validate_post
from adwarden.pipeline import NETWORK_DETECTORS, Screener, batch_path, identifiers_for
from adwarden.policy import evaluate
from adwarden.scan.sources import Chunk

__all__ = ["ACTIONS", "ChunkResult", "Minor", "Rejected", "ScanJob", "chunk_records", "chunk_texts", "pack_texts",
           "scan_chunk", "screen_rows"]

#: Verdict actions as small integer codes (index into this tuple).
ACTIONS = ("allow", "hold", "block")

#: Evidence labels that mean a stated minor (listed in the report with their span).
MINOR_LABELS = frozenset({"stated_age_under_18", "youth_language_underage"})

#: Detectors that only read the text and the extraction; any other detector (banks) needs identifiers.
_TEXT_ONLY = frozenset({"indicator", "facts"})


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that was not accepted: line (1-based, within the chunk until the main process shifts it),
    field (or ``None``) and the reason."""

    line: int
    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Minor:
    """A stated age under 18 (or underage language) in an accepted post: chunk-local post index, the label,
    the stated value and its span in the post text."""

    index: int
    label: str
    value: str
    start: int | None
    end: int | None


@dataclass
class ChunkResult:
    """Compact state of one chunk (see the module docstring). Per-post lists are aligned with ``records``."""

    seq: int
    source: int
    lines: int
    nbytes: int
    header_lines: int = 0
    records: list[LinkRecord] = field(default_factory=list)
    line_of: list[int] = field(default_factory=list)
    sigs: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint32))
    valid: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    risk: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    action: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    labels: list[tuple[str, ...]] = field(default_factory=list)
    minors: list[Minor] = field(default_factory=list)
    texts: bytes = b""
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class ScanJob:
    """What every worker needs, inherited once at fork: the screener, the field mapping, limits and the
    MinHash parameters of text linking."""

    screener: Screener
    mapping: Mapping[str, str]
    minhash: MinHashParams
    max_body_chars: int
    max_field_chars: int


Rows = Iterator[tuple[int, PostInput | None, InputError | None]]


def chunk_records(chunk: Chunk, mapping: Mapping[str, str], max_body_chars: int = MAX_BODY_CHARS,
                  max_field_chars: int = MAX_FIELD_CHARS) -> tuple[Rows, int]:
    """``(line within chunk, post, error)`` for every record of ``chunk``, and the chunk's line count.

    Validation is ingest's own (:func:`~adwarden.ingest.files.read_jsonl`, ``read_csv``,
    :func:`~adwarden.ingest.schema.validate_post`), so a scan rejects exactly what ``adwarden ingest`` would."""
    src = chunk.source
    limits: dict[str, Any] = {"mapping": mapping, "max_body_chars": max_body_chars,
                              "max_field_chars": max_field_chars}
    if src.fmt == "parquet":
        return _parquet_records(chunk, mapping, max_body_chars, max_field_chars)
    with open(src.path, "rb") as fh:
        fh.seek(chunk.start)
        data = fh.read(chunk.end - chunk.start)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if src.fmt == "csv":
        shift = chunk.header.count(b"\n")
        reader = read_csv(io.BytesIO(chunk.header + data), **limits)
        return ((r.line - shift, r.post, r.error) for r in reader), lines
    return ((r.line, r.post, r.error) for r in read_jsonl(io.BytesIO(data), **limits)), lines


def _parquet_records(chunk: Chunk, mapping: Mapping[str, str], max_body_chars: int,
                     max_field_chars: int) -> tuple[Rows, int]:
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(chunk.source.path).read_row_group(chunk.start).to_pylist()

    def gen() -> Rows:
        for i, row in enumerate(rows, 1):
            data = apply_mapping({k: v for k, v in row.items() if v is not None}, mapping)
            try:
                yield i, validate_post(data, record=f"row {i}", max_body_chars=max_body_chars,
                                       max_field_chars=max_field_chars), None
            except InputError as exc:
                yield i, None, exc

    return gen(), len(rows)


def _evidence(screener: Screener, posts: Sequence[PostInput], texts: list[str],
              extractions: Sequence[Any]) -> list[list[Evidence]]:
    """Evidence per post from every detector (the same evidence as ``Screener.screen``).

    A detector with a batch path (:func:`~adwarden.pipeline.batch_path`: the facts detector, the indicator
    matcher) runs once over the chunk; only the others get a :class:`~adwarden.detect.base.ScreenContext` per
    post, built when the first of them needs it (building them cost 2.5 µs per synthetic ad, for detectors
    that read none of it)."""
    out: list[list[Evidence]] = [[] for _ in posts]
    ctxs: list[ScreenContext] | None = None
    for det in screener.registry:
        if det.name in NETWORK_DETECTORS:
            continue  # network facts are known only once the whole corpus is linked (the scan's network risk)
        many = batch_path(det)
        found: Iterable[Sequence[Evidence]]
        if many is not None:
            found = many(texts, extractions)
        else:
            if ctxs is None:
                needs_ids = any(d.name not in _TEXT_ONLY | NETWORK_DETECTORS for d in screener.registry)
                ctxs = [ScreenContext(post=p, text=t, extraction=ex,
                                      identifiers=identifiers_for(p, ex) if needs_ids else ())
                        for p, t, ex in zip(posts, texts, extractions, strict=True)]
            found = [det.detect(ctx) for ctx in ctxs]
        for acc, ev in zip(out, found, strict=True):
            if ev:
                acc.extend(ev)
    return out


_DECISIONS: dict[tuple[Any, ...], tuple[float, int]] = {}
_MAX_DECISIONS = 50_000


def _decide(screener: Screener, evidence: Sequence[Evidence]) -> tuple[float, int]:
    """Risk and action code of the policy's verdict, memoised on what the policy reads of the evidence.

    Why memoise: most ads carry no evidence or the same few labels, and the policy is a pure function of each
    evidence's detector, label, category, weight and bank/kind attributes (never of the matched text or its
    span), so equal keys give equal verdicts; the full verdict (reasons, spans) is not needed for a scan."""
    if not evidence:
        key: tuple[Any, ...] = (id(screener.policy),)
    else:
        key = (id(screener.policy), *sorted(
            (e.detector, e.label, e.category or "", e.weight, str(e.attrs.get("bank", "")),
             str(e.attrs.get("kind", ""))) for e in evidence))
    hit = _DECISIONS.get(key)
    if hit is None:
        verdict = evaluate(screener.policy, evidence)
        hit = (float(verdict.risk), ACTIONS.index(verdict.action.value))
        if len(_DECISIONS) >= _MAX_DECISIONS:
            _DECISIONS.clear()
        _DECISIONS[key] = hit
    return hit


def scan_chunk(job: ScanJob, chunk: Chunk) -> ChunkResult:
    """Screen one chunk into its compact state (pure apart from reading the chunk's bytes)."""
    records_iter, lines = chunk_records(chunk, job.mapping, job.max_body_chars, job.max_field_chars)
    res = ChunkResult(seq=chunk.seq, source=chunk.source.index, lines=lines, nbytes=chunk.nbytes,
                      header_lines=chunk.header.count(b"\n"))
    return screen_rows(job, records_iter, res)


def screen_rows(job: ScanJob, rows: Rows, res: ChunkResult) -> ChunkResult:
    """Screen ``(line, post, error)`` rows into ``res`` (the chunk-independent part, shared with Spark)."""
    posts: list[PostInput] = []
    for line, post, error in rows:
        if error is not None:
            res.rejected.append(Rejected(line, error.field, error.message))
        elif post is not None:
            posts.append(post)
            res.line_of.append(line)
    scr = job.screener
    texts = [p.text for p in posts]
    # each distinct text of the chunk is extracted once (reposts), the same as extract_all post by post
    extractions = extract_many(((t, p.url, p.location) for p, t in zip(posts, texts, strict=True)),
                               region=scr.region)
    evidence = _evidence(scr, posts, texts, extractions)
    # texts that slot masking did not touch introduce no name: their records skip the names search
    masked = np.ones(len(texts), dtype=bool)
    res.sigs, res.valid = text_signatures(texts, job.minhash, masked=masked)
    # and texts without a run of two digits state no age: their records skip the ages search
    aged = may_state_ages(texts)
    risk: list[float] = []
    action: list[int] = []
    records, labels, minors = res.records, res.labels, res.minors
    for i, (p, t, ex, ev, m, g) in enumerate(zip(posts, texts, extractions, evidence, masked.tolist(), aged.tolist(),
                                                strict=True)):
        r, a = _decide(scr, ev)
        risk.append(r)
        action.append(a)
        records.append(record_from_input(p, post_id=f"{p.site}:{p.external_id}", extraction=ex, keep_text=False,
                                         names=None if m else (), stated_ages=None if g else (), text=t))
        if not ev:
            labels.append(())
            continue
        labels.append(tuple(dict.fromkeys(e.label for e in ev)))
        for e in ev:
            if e.label in MINOR_LABELS:
                minors.append(Minor(i, e.label, e.value or "", e.start, e.end))
    res.risk, res.action = np.asarray(risk, dtype=np.float32), np.asarray(action, dtype=np.int8)
    res.texts = pack_texts(texts)
    return res


#: How a chunk's texts are compressed: LZ4 (the frame format, through pyarrow, which the workers already load)
#: compresses a chunk's texts in about a quarter of zlib level 1's time (0.96 against 3.85 µs per synthetic ad)
#: for a third more bytes (177 against 132 per ad: about 45 MB more held at a million ads).
_TEXT_CODEC = "lz4"


def pack_texts(texts: Sequence[str]) -> bytes:
    """The texts of a chunk as one compressed blob (:attr:`ChunkResult.texts`; :func:`chunk_texts` reads it):
    the UTF-8 of the texts joined by NUL, its length first (8 bytes, little-endian) for the decoder."""
    if not texts:
        return b""
    import pyarrow as pa

    raw = "\x00".join(texts).encode("utf-8")
    packed: bytes = pa.Codec(_TEXT_CODEC).compress(raw, asbytes=True)
    return len(raw).to_bytes(8, "little") + packed


def chunk_texts(blob: bytes) -> list[str]:
    """The texts of a chunk, in post order, from :attr:`ChunkResult.texts` (see :func:`pack_texts`)."""
    if not blob:
        return []
    import pyarrow as pa

    size = int.from_bytes(blob[:8], "little")
    raw: bytes = pa.Codec(_TEXT_CODEC).decompress(memoryview(blob)[8:], decompressed_size=size, asbytes=True)
    return raw.decode("utf-8").split("\x00")
