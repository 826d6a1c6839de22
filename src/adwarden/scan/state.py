"""The main process's view of a scan: compact per-post state gathered from the workers, in corpus order.

Chunks arrive in order (the pool's ``imap``), so post ``i`` here is the ``i``-th accepted, non-duplicate post
of the corpus, exactly as :func:`~adwarden.detect.network.linker.link_records` would number it over the same
files. Line numbers are shifted from chunk-relative to file lines here, because only the main process knows
how many lines came before a chunk.

Memory per post: one row of the workers' Arrow batches (the linker record's fields without its text, see
:mod:`adwarden.scan.packing`), its linking postings as integers, a 64-word MinHash signature, a float and a few
small integers; no Python object per post but its id (the index that finds repeated posts). Texts stay
LZ4-compressed per chunk (about half their size) and are decompressed only for the posts the report shows
(:meth:`ScanState.texts_of`); records are rebuilt only for the posts the summary needs
(:meth:`ScanState.records_at`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from adwarden.detect.network.records import LinkRecord
from adwarden.scan.packing import PackedChunk, post_schema, records_from_table
from adwarden.scan.sources import Source
from adwarden.scan.worker import ACTIONS, chunk_texts

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pyarrow as pa

__all__ = ["MinorHit", "ScanState"]


@dataclass(frozen=True, slots=True)
class MinorHit:
    """A stated minor in post ``post`` (a post index of :class:`ScanState`, as in :meth:`ScanState.records_at`)."""

    post: int
    label: str
    value: str
    start: int | None
    end: int | None


@dataclass
class ScanState:
    """Everything kept about a corpus between reading it and writing the outputs (see the module docstring)."""

    sources: Sequence[Source]
    read: int = 0
    bytes_done: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    minors: list[MinorHit] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    #: post id -> post index (also what finds a repeated post)
    index: dict[str, int] = field(default_factory=dict)
    #: linking keys, corpus-wide: ``(kind, value)`` -> key index, and the kinds and values by key index
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    #: posts over the identifier cap: ``(post index, reason)``, in post order
    capped: list[tuple[int, str]] = field(default_factory=list)
    _lines_before: dict[int, int] = field(default_factory=dict)
    _batches: list[Any] = field(default_factory=list)
    _post_of: list[npt.NDArray[np.int64]] = field(default_factory=list)
    _key_of: list[npt.NDArray[np.int64]] = field(default_factory=list)
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

    @property
    def count(self) -> int:
        """Posts kept (accepted and not repeated)."""
        return len(self.index)

    def add(self, chunk: PackedChunk) -> None:
        """Fold one chunk in (chunks must come in corpus order)."""
        base = self._lines_before.get(chunk.source, chunk.header_lines)
        path = self.sources[chunk.source].path
        n = len(chunk.post_ids)
        self.read += n + len(chunk.rejected)
        self.bytes_done += chunk.nbytes
        for r in chunk.rejected:
            self.rejected.append({"file": path, "line": base + r.line, "field": r.field, "error": r.message})
        first = index_size = len(self.index)
        index = self.index
        for pid in chunk.post_ids:
            index.setdefault(pid, index_size)
            if len(index) > index_size:
                index_size += 1
        kept = index_size - first
        if kept == n:  # no repeated post: every row kept, in order
            idx: npt.NDArray[np.int64] | None = None
            glob = np.arange(first, first + n, dtype=np.int64)
            batch = chunk.posts
            self.labels.update(chunk.labels)
            post, code = chunk.key_post, chunk.key_code
            used: Iterable[int] = range(len(chunk.key_kind))
        else:
            keep = np.zeros(n, dtype=bool)
            seen: set[str] = set()
            for i, pid in enumerate(chunk.post_ids):
                if index[pid] >= first and pid not in seen:
                    seen.add(pid)
                    keep[i] = True
                else:
                    self.duplicates.append({"file": path, "line": base + int(chunk.line_of[i]), "post_id": pid})
            idx = np.flatnonzero(keep)
            glob = np.full(n, -1, dtype=np.int64)
            glob[idx] = np.arange(first, first + idx.size, dtype=np.int64)
            import pyarrow as pa

            batch = chunk.posts.filter(pa.array(keep))
            for labels in batch.column("labels").to_pylist():
                self.labels.update(labels)
            m = keep[chunk.key_post] if chunk.key_post.size else np.zeros(0, dtype=bool)
            post, code = chunk.key_post[m], chunk.key_code[m]
            uniq, at = np.unique(code, return_index=True)
            used = uniq[np.argsort(at, kind="stable")].tolist()  # keys in order of first use by a kept post
        # chunk keys -> corpus keys, numbered in order of first use as collect_postings numbers them
        to_key = np.full(len(chunk.key_kind), -1, dtype=np.int64)
        keys, kinds, values = self.keys, self.kinds, self.values
        kk, kv = chunk.key_kind, chunk.key_value
        for c in used:
            pair = (kk[c], kv[c])
            k = keys.get(pair)
            if k is None:
                k = keys[pair] = len(kinds)
                kinds.append(pair[0])
                values.append(pair[1])
            to_key[c] = k
        self._post_of.append(glob[post])
        self._key_of.append(to_key[code])
        self.capped.extend((int(glob[i]), why) for i, why in chunk.capped if glob[i] >= 0)
        for mh in chunk.minors:
            if glob[mh.index] >= 0:
                self.minors.append(MinorHit(int(glob[mh.index]), mh.label, mh.value, mh.start, mh.end))
        pick: Any = slice(None) if idx is None else idx
        rows = np.arange(n, dtype=np.int32)[pick]
        self._batches.append(batch)
        self._src.append(np.full(rows.size, chunk.source, dtype=np.int32))
        self._line.append(chunk.line_of[pick] + base)
        if chunk.sigs.size:
            self._sigs.append(chunk.sigs[pick])
            self._valid.append(chunk.valid[pick])
        self._risk.append(chunk.risk[pick])
        self._action.append(chunk.action[pick])
        self._blob_of.append(np.full(rows.size, len(self._blobs), dtype=np.int32))
        self._pos_in_blob.append(rows)
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
    def table(self) -> pa.Table:
        """Every kept post's fields (:func:`~adwarden.scan.packing.post_schema`), one row per post index."""
        if "table" not in self._frozen:
            import pyarrow as pa

            # one array per column: taking rows from many chunks concatenates them at every call
            self._frozen["table"] = pa.Table.from_batches(self._batches, schema=post_schema()).combine_chunks()
            self._batches.clear()
        return self._frozen["table"]

    def freeze(self) -> None:
        """Concatenate every column now (once frozen, reading them from two threads is safe)."""
        for name in ("table", "signatures", "text_valid", "risk", "action", "source_of", "line_of", "postings"):
            getattr(self, name)
        self._column("blob", self._blob_of, np.int32)
        self._column("pos", self._pos_in_blob, np.int32)

    def records_at(self, posts: Sequence[int]) -> list[LinkRecord]:
        """The text-less linker records of the given post indices, in that order."""
        import pyarrow as pa

        return records_from_table(self.table.take(pa.array(posts, pa.int64())))

    @property
    def post_ids(self) -> list[str]:
        """Post ids by post index."""
        return list(self.index)

    @property
    def postings(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """``(post index, key index)`` of every linking key a post carries, in post order."""
        return (self._column("post_of", self._post_of, np.int64), self._column("key_of", self._key_of, np.int64))

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
        blobs = [self._blobs[b] for b in by_blob]
        if len(blobs) > 1:  # the decoder releases the GIL: two chunks at a time on two cores
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="scan-texts") as pool:
                decoded = list(pool.map(_decompress, blobs))
        else:
            decoded = [_decompress(b) for b in blobs]
        for texts, ps in zip(decoded, by_blob.values(), strict=True):
            for p in ps:
                out[p] = texts[int(pos[p])]
        return out


@lru_cache(maxsize=16)
def _decompress(blob: bytes) -> list[str]:
    return chunk_texts(blob)
