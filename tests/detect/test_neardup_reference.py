"""The vectorized near-duplicate pipeline equals a plain, per-text Python implementation of its definition.

:mod:`adwarden.detect.neardup` computes character shingles, the slot-rewrite flags and MinHash signatures over
whole batches with NumPy, in blocks and with fused passes; the reference here follows the documented
definition one text and one byte at a time (Python integers, no NumPy), so any fast path that changes a single
hash, a flag, a signature row or a validity bit fails these tests. The texts are random: ASCII words, digits,
punctuation, upper and lower case, non-ASCII letters (including ones whose lower case is longer or ASCII),
emoji, lone surrogates, newlines, at-signs, empty texts and very long ones.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from adwarden.detect import neardup
from adwarden.detect.network.minhash import RING_TEXT
from adwarden.detect.network.minhash import text_signatures as ring_signatures
from adwarden.detect.network.textsim import SLOTS

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
K1, K2 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F
C1, C2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB

PIECES = ["call", "me", "Kira", "KIRA", "ask", "for", "name", "my", "is", "i", "am", "this", "two", "five", "oh",
          "www", "com", "example.com", "dot", "at", "new", "in", "town", "sweet", "and", "friendly", "@", "@kira",
          "kira22@example.com", "206", "555-0147", "0", "42", "1234567", "--", "!!", ",", ".", "'", "\n", "\t",
          "é", "Ünïcödé", "İstanbul", "K", "ß", "ſ", "日本語", "💋", "♥", "\u2764\ufe0f", "\ud800", "x", "ok"]


def random_texts(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08:
            out.append("")
        elif r < 0.12:
            out.append(rng.choice(PIECES))
        elif r < 0.15:  # very long
            out.append(" ".join(rng.choice(PIECES) for _ in range(rng.randint(800, 3000))))
        elif r < 0.2:
            out.append("".join(rng.choice("0123456789 -.") for _ in range(rng.randint(1, 60))))
        else:
            seps = [" ", " ", " ", "", ", ", "  ", "\n", "-"]
            out.append("".join(rng.choice(PIECES) + rng.choice(seps) for _ in range(rng.randint(1, 120))))
    return out


def mix(x: int) -> int:
    x ^= x >> 30
    x = (x * C1) & M64
    x ^= x >> 27
    x = (x * C2) & M64
    x ^= x >> 31
    return x


def form(text: str) -> bytes:
    """The character-shingle form: a leading space, lower case UTF-8, each digit run one ``0``, each run of
    other non-word bytes one space (a word byte is ``a``-``z`` or any byte >= 128)."""
    out = bytearray(b" ")
    prev = 32
    for c in text.lower().encode("utf-8", "replace"):
        val = 48 if 48 <= c <= 57 else c if (97 <= c <= 122 or c >= 128) else 32
        if val != prev or val > 48:
            out.append(val)
        prev = val
    return bytes(out)


def char_shingles(text: str, k: int, sample: int) -> list[int]:
    f = form(text)
    out = []
    for p in range(len(f) - k + 1):
        key = int.from_bytes(f[p : p + k], "big")
        if sample > 1 and ((key * K1) & M64) >> 48 >= 65536 // sample:
            continue
        out.append(mix((key + K2) & M64))
    return out


def flagged(text: str, rewrite: neardup.Rewrite) -> bool:
    raw = text.lower().encode("utf-8", "replace")
    if any(c in rewrite.chars for c in raw) or (rewrite.non_ascii and any(c >= 128 for c in raw)):
        return True
    # a needle may end with the space that starts the next text (a word boundary)
    f = form(text) + b" "
    return any(n.encode() in f for n in rewrite.needles)


def signature(hashes: list[int], params: neardup.NearDupParams) -> list[int]:
    a, b = neardup._perm_params(params.num_perm, params.seed)
    out = []
    for aj, bj in zip(a.tolist(), b.tolist(), strict=True):
        best = M32
        for h in hashes:
            t = ((h >> 32) * aj + bj) & M32
            best = min(best, t ^ (t >> 16))
        out.append(best)
    return out


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("k", "sample"), [(8, 6), (5, 1), (3, 4), (1, 1), (8, 1)])
def test_character_shingles_equal_the_reference(seed: int, k: int, sample: int) -> None:
    texts = random_texts(random.Random(seed * 31 + k), 150)
    got, starts = neardup.char_shingle_hashes(texts, k, sample, block=67)
    assert starts.dtype == np.int64 and got.dtype == np.uint64 and starts.size == len(texts) + 1
    for i, t in enumerate(texts):
        assert got[starts[i] : starts[i + 1]].tolist() == char_shingles(t, k, sample), (i, t[:80])


@pytest.mark.parametrize("seed", range(4))
def test_rewrite_flags_and_rewritten_shingles_equal_the_reference(seed: int) -> None:
    texts = random_texts(random.Random(100 + seed), 200)
    flags = np.zeros(len(texts), dtype=bool)
    got, starts = neardup.char_shingle_hashes(texts, 8, 6, rewrite=SLOTS, rewritten=flags, block=53)
    want_flags = [flagged(t, SLOTS) for t in texts]
    assert flags.tolist() == want_flags
    assert neardup.texts_with(texts, SLOTS.needles, chars=SLOTS.chars, non_ascii=True).tolist() == want_flags
    for i, t in enumerate(texts):
        want = char_shingles(SLOTS.fn(t) if want_flags[i] else t, 8, 6)
        assert got[starts[i] : starts[i + 1]].tolist() == want, (i, t[:80])


@pytest.mark.parametrize("seed", range(3))
def test_ring_signatures_and_valid_mask_equal_the_reference(seed: int) -> None:
    texts = random_texts(random.Random(200 + seed), 120)
    masked = np.ones(len(texts), dtype=bool)
    sigs, valid = ring_signatures(texts, RING_TEXT, masked=masked)
    assert sigs.dtype == np.uint32 and sigs.shape == (len(texts), RING_TEXT.num_perm)
    for i, t in enumerate(texts):
        assert bool(masked[i]) == flagged(t, SLOTS)
        sh = char_shingles(SLOTS.fn(t) if masked[i] else t, 8, 6)
        assert sigs[i].tolist() == signature(sh, RING_TEXT), (i, t[:80])
        assert bool(valid[i]) == (len(sh) >= RING_TEXT.min_shingles)


@pytest.mark.parametrize(("docs", "chunk"), [(400, 1 << 20), (400, 300), (400, 7), (3, 1 << 20), (1, 1 << 20)])
def test_signatures_in_any_block_size_equal_the_reference(docs: int, chunk: int) -> None:
    rng = np.random.default_rng(docs + chunk)
    counts = rng.integers(0, 40, size=docs)
    counts[::9] = 0
    starts = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    hashes = rng.integers(0, 2**63, size=int(starts[-1]), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    params = neardup.NearDupParams(num_perm=32, bands=8)
    sigs = neardup.signatures(hashes, starts, params, chunk=chunk)
    for i in range(counts.size):
        assert sigs[i].tolist() == signature(hashes[starts[i] : starts[i + 1]].tolist(), params)
