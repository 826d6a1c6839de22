"""Near-duplicate PDQ image hashes by multi-index hashing (MIH).

Why MIH: a re-posted photo is re-encoded, cropped or resized, so its PDQ hash differs from the original in a
few bits; PDQ's authors call hashes within Hamming distance 31 (of 256) the same image. Comparing every pair
is quadratic. Split each hash into ``256 / chunk_bits`` chunks: two hashes within distance ``d`` share at
least one identical chunk whenever ``d < 256 / chunk_bits`` (pigeonhole), and very likely for larger ``d``.
So we group hashes by each chunk value, and only hashes that share a chunk are compared (XOR + popcount).

``chunk_bits=16`` (16 chunks) finds every pair within distance 15 and most pairs up to 31; it is the default
up to 65,536 distinct hashes. Above that, random 16-bit chunk collisions would cost too much, and
``chunk_bits=32`` (8 chunks: every pair within 7, most within ~15, fewer at 31) keeps the work linear. Real
re-encodings are mostly within 10-20 bits. Pass ``chunk_bits`` explicitly to fix the trade-off.

>>> a = "f" * 64
>>> b = "e" + "f" * 63          # one bit off
>>> w = pdq_words([a, b, "0" * 64])
>>> near_duplicate_pairs(w, max_distance=31)
(array([0]), array([1]), array([1]))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["AUTO_CHUNK_LIMIT", "chunk_bits_for", "hamming", "near_duplicate_pairs", "pdq_words"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

#: Up to this many distinct hashes, 16-bit chunks are used when ``chunk_bits`` is not given.
AUTO_CHUNK_LIMIT = 65_536
#: A chunk value shared by more hashes than this is skipped (degenerate hashes such as a blank image's).
MAX_BUCKET = 512


def pdq_words(hexes: Sequence[str]) -> U64:
    """Hex PDQ hashes (64 hex digits) as an ``(n, 4)`` array of 64-bit words."""
    if not hexes:
        return np.zeros((0, 4), dtype=np.uint64)
    raw = bytes.fromhex("".join(hexes))
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 4)


def hamming(a: U64, b: U64) -> npt.NDArray[np.int64]:
    """Row-wise Hamming distance of two ``(n, 4)`` word arrays."""
    out: npt.NDArray[np.int64] = np.bitwise_count(a ^ b).sum(axis=1).astype(np.int64)
    return out


def chunk_bits_for(n: int, chunk_bits: int | None) -> int:
    if chunk_bits is not None:
        if chunk_bits not in (8, 16, 32, 64):
            raise ValueError("chunk_bits must be 8, 16, 32 or 64")
        return chunk_bits
    return 16 if n <= AUTO_CHUNK_LIMIT else 32


def chunks(words: U64, bits: int) -> npt.NDArray[np.uint64]:
    """``(n, 256 // bits)`` chunk values; chunk ``c`` is tagged with its index so chunks never collide."""
    per_word = 64 // bits
    mask = np.uint64((1 << bits) - 1) if bits < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)
    cols = []
    for w in range(4):
        for c in range(per_word):
            cols.append((words[:, w] >> np.uint64(c * bits)) & mask)
    return np.stack(cols, axis=1) if cols else np.zeros((words.shape[0], 0), dtype=np.uint64)


def near_duplicate_pairs(
    words: U64, *, max_distance: int = 31, chunk_bits: int | None = None
) -> tuple[I64, I64, I64]:
    """Pairs ``(i, j, distance)`` with ``i < j`` and ``0 < distance <= max_distance``.

    Identical hashes are not reported: callers collapse them into one value first (an exact copy is the same
    identifier, linked directly).
    """
    n = words.shape[0]
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty, empty
    bits = chunk_bits_for(n, chunk_bits)
    ch = chunks(words, bits)
    src_parts: list[I64] = []
    dst_parts: list[I64] = []
    for c in range(ch.shape[1]):
        k = ch[:, c]
        order = np.argsort(k, kind="stable")
        ks = k[order]
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = ks[1:] != ks[:-1]
        starts = np.flatnonzero(new_group)
        sizes = np.diff(np.append(starts, n))
        # every pair inside each bucket of size 2..MAX_BUCKET, built offset by offset (buckets are small)
        ok = (sizes >= 2) & (sizes <= MAX_BUCKET)
        if not ok.any():
            continue
        g_starts, g_sizes = starts[ok], sizes[ok]
        for off in range(1, int(g_sizes.max())):
            has = g_sizes > off
            if not has.any():
                break
            gs, gz = g_starts[has], g_sizes[has]
            # all (p, p + off) with p in [start, start + size - off)
            lens = gz - off
            base = np.repeat(gs, lens) + (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens))
            a, b = order[base], order[base + off]
            src_parts.append(np.minimum(a, b).astype(np.int64))
            dst_parts.append(np.maximum(a, b).astype(np.int64))
    if not src_parts:
        return empty, empty, empty
    src = np.concatenate(src_parts)
    dst = np.concatenate(dst_parts)
    pair = np.unique(src * np.int64(n) + dst)
    src, dst = pair // n, pair % n
    dist = hamming(words[src], words[dst])
    keep = (dist <= max_distance) & (dist > 0)
    return src[keep], dst[keep], dist[keep]
