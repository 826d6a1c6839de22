"""The main process's view of a scan: compact per-post state gathered from the workers, in corpus order.

Chunks arrive in order (the pool's ``imap``), so post ``i`` here is the ``i``-th accepted, non-duplicate post
of the corpus, exactly as :func:`~adwarden.detect.network.linker.link_records` would number it over the same
files. Line numbers are shifted from chunk-relative to file lines here, because only the main process knows
how many lines came before a chunk.

Memory per post: one text-less :class:`LinkRecord`, a 64-word MinHash signature, a float and a few small
integers; texts stay compressed per chunk (about a third of their size) and are decompressed only for the
posts the report shows (:meth:`ScanState.texts_of`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from adwarden.detect.network.records import LinkRecord
from adwarden.scan.sources import Source
from adwarden.scan.worker import ACTIONS, ChunkResult, chunk_texts

__all__ = ["MinorHit", "ScanState"]


@dataclass(frozen=True, slots=True)
class MinorHit:
    """A stated minor in post ``post`` (index into :attr:`ScanState.records`)."""

    post: int
    label: str
    value: str
    start: int | None
    end: int | None


@dataclass
class ScanState:
    """Everything kept about a corpus between reading it and writing the outputs."""

    sources: Sequence[Source]
    records: list[LinkRecord] = field(default_factory=list)
    read: int = 0
    bytes_done: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    minors: list[MinorHit] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    post_labels: list[tuple[str, ...]] = field(default_factory=list)
    _lines_before: dict[int, int] = field(default_factory=dict)
    #: post id -> post index (also what finds a repeated post)
    index: dict[str, int] = field(default_factory=dict)
    _src: list[npt.NDArray[np.int32]] = field(default_factory=list)
    _line: list[npt.NDArray[np.int64]] = field(default_factory=list)
    _sigs: list[npt.NDArray[np.uint32]] = field(default_factory=list)
    _valid: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    _risk: list[npt.NDArray[np.float32]] = field(default_factory=list)
    _action: list[npt.NDArray[np.int8]] = field(default_factory=list)
    _blob_of: list[npt.NDArray[np.int32]] = field(default_factory=list)
    _pos_in_blob: list[npt.NDArray[np.int32]] = field(default_factory=list)
    _blobs: list[bytes] = field(default_factory=list)
    _frozen: dict[str, Any] = field(default_factory=dict)

    def add(self, chunk: ChunkResult) -> None:
        """Fold one chunk in (chunks must come in corpus order)."""
        base = self._lines_before.get(chunk.source, chunk.header_lines)
        path = self.sources[chunk.source].path
        self.read += len(chunk.records) + len(chunk.rejected)
        self.bytes_done += chunk.nbytes
        for r in chunk.rejected:
            self.rejected.append({"file": path, "line": base + r.line, "field": r.field, "error": r.message})
        keep: list[int] = []
        first = len(self.records)
        for i, rec in enumerate(chunk.records):
            if rec.post_id in self.index:
                self.duplicates.append({"file": path, "line": base + chunk.line_of[i], "post_id": rec.post_id})
                continue
            self.index[rec.post_id] = first + len(keep)
            keep.append(i)
        local_to_global = {i: first + n for n, i in enumerate(keep)}
        for i in keep:
            self.records.append(chunk.records[i])
            labels = chunk.labels[i]
            self.post_labels.append(labels)
            self.labels.update(labels)
        for m in chunk.minors:
            if m.index in local_to_global:
                self.minors.append(MinorHit(local_to_global[m.index], m.label, m.value, m.start, m.end))
        idx = np.asarray(keep, dtype=np.int64)
        self._src.append(np.full(idx.size, chunk.source, dtype=np.int32))
        self._line.append(np.asarray(chunk.line_of, dtype=np.int64)[idx] + base if idx.size else
                          np.zeros(0, dtype=np.int64))
        if chunk.sigs.size:
            self._sigs.append(chunk.sigs[idx])
            self._valid.append(chunk.valid[idx])
        self._risk.append(chunk.risk[idx])
        self._action.append(chunk.action[idx])
        self._blob_of.append(np.full(idx.size, len(self._blobs), dtype=np.int32))
        self._pos_in_blob.append(idx.astype(np.int32))
        self._blobs.append(chunk.texts)
        self._lines_before[chunk.source] = base + chunk.lines

    # --- columns (concatenated once, after the last chunk) ---------------------------------------------------

    def _column(self, name: str, parts: list[Any], dtype: Any, width: int | None = None) -> Any:
        if name not in self._frozen:
            if parts:
                self._frozen[name] = np.concatenate(parts)
                parts.clear()
            else:
                self._frozen[name] = np.zeros((0, width) if width else 0, dtype=dtype)
        return self._frozen[name]

    @property
    def signatures(self) -> npt.NDArray[np.uint32]:
        return self._column("sigs", self._sigs, np.uint32, 1)  # type: ignore[no-any-return]

    @property
    def text_valid(self) -> npt.NDArray[np.bool_]:
        return self._column("valid", self._valid, bool)  # type: ignore[no-any-return]

    @property
    def risk(self) -> npt.NDArray[np.float32]:
        return self._column("risk", self._risk, np.float32)  # type: ignore[no-any-return]

    @property
    def action(self) -> npt.NDArray[np.int8]:
        return self._column("action", self._action, np.int8)  # type: ignore[no-any-return]

    @property
    def source_of(self) -> npt.NDArray[np.int32]:
        return self._column("src", self._src, np.int32)  # type: ignore[no-any-return]

    @property
    def line_of(self) -> npt.NDArray[np.int64]:
        return self._column("line", self._line, np.int64)  # type: ignore[no-any-return]

    def action_counts(self) -> dict[str, int]:
        counts = np.bincount(self.action, minlength=len(ACTIONS))
        return {a: int(counts[i]) for i, a in enumerate(ACTIONS)}

    def where(self, post: int) -> tuple[str, int]:
        """``(file, line)`` of post index ``post``."""
        return self.sources[int(self.source_of[post])].path, int(self.line_of[post])

    def texts_of(self, posts: Iterable[int]) -> dict[int, str]:
        """Texts of the given post indices (decompressing each needed chunk once)."""
        blob_of = self._column("blob", self._blob_of, np.int32)
        pos = self._column("pos", self._pos_in_blob, np.int32)
        by_blob: dict[int, list[int]] = {}
        for p in posts:
            by_blob.setdefault(int(blob_of[p]), []).append(p)
        out: dict[int, str] = {}
        for b, ps in by_blob.items():
            texts = _decompress(self._blobs[b])
            for p in ps:
                out[p] = texts[int(pos[p])]
        return out


@lru_cache(maxsize=16)
def _decompress(blob: bytes) -> list[str]:
    return chunk_texts(blob)
