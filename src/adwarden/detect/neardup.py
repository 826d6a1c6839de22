"""Near-duplicate text, shared by banks and networks: vectorized MinHash LSH over shingles.

One module, two users. Banks (:mod:`adwarden.detect.banks.index`) ask "is this post a copy of a banked
template?" through :class:`NearDupIndex`; networks (:mod:`adwarden.detect.network.minhash`) ask "which posts of a
corpus are near copies of each other?" through :func:`text_signatures` and :func:`lsh_edges`. Both choose their
shingles and thresholds with :class:`NearDupParams`.

Why vectorized: a per-document MinHash object (datasketch) costs about 330 s and 19 GB for a million ads on
this machine; here every step is a NumPy array operation over the whole batch, so a million ads take seconds.

1. **Shingles.** ``unit="word"`` (:func:`token_hashes`, :func:`shingle_hashes`): texts are lower-cased, UTF-8
   encoded and concatenated; a token is a run of ``[a-z0-9]`` or non-ASCII bytes. Digits are masked to ``0``
   and a run of digits counts as one ``0``, so ages, prices and phone numbers -- the slots of a template -- do
   not make two copies of one template look different; each window of ``k`` consecutive tokens is a shingle.
   ``unit="char"`` (:func:`char_shingle_hashes`): the same text with every run of punctuation and spaces
   collapsed to one space and digit runs to one ``0``; each window of ``k`` characters is a shingle, so a
   misspelling ("beautifull", "b e a utiful" stays apart) changes only the few shingles around it instead of
   every word shingle it touches. ``sample`` keeps one character shingle in ``sample`` (chosen by hash, so the
   same shingle is kept in every text): the estimate stays unbiased and signatures cost about what word
   shingles cost. Hashes are polynomial rolling hashes from prefix sums (odd multiplier, invertible modulo
   2**64), finished with the SplitMix64 mixer.
2. **Signatures** (:func:`signatures`): ``num_perm`` universal hashes ``(a*x + b) >> 32`` applied to all
   shingles at once, reduced per document with ``np.minimum.reduceat``.
3. **Banding** (:func:`lsh_edges`): ``bands`` bands of ``rows`` rows; documents with an equal band key are
   candidates and each is checked against the first (lowest index) document of its bucket with the estimated
   Jaccard similarity (share of equal signature rows). Checking against the bucket's first document keeps
   the work linear and makes the result depend only on the order of documents, so the in-process batch
   linker, the incremental linker and the Spark job agree when they see posts in the same order.

Hashes are fixed functions of the text and the seed (no Python ``hash``), so signatures are the same in every
process.

>>> th, starts = token_hashes(["Hi my name is Kira, 22", "hi my name is Jade, 19"])
>>> np.diff(starts).tolist()
[6, 6]
>>> sh, st = char_shingle_hashes(["Hi -- my NAME", "hi my name"], 3, 1)
>>> bool((sh[st[0]:st[1]] == sh[st[1]:st[2]]).all())
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["NearDupIndex", "NearDupParams", "Rewrite", "band_keys", "char_shingle_hashes", "lsh_edges", "shingle_hashes",
           "shingles", "signatures", "similarity", "text_signatures", "texts_with", "token_hashes"]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

_P = np.uint64(0x100000001B3)  # odd: invertible modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_SENTINEL = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class NearDupParams:
    """Shingles and MinHash LSH parameters. ``bands * rows`` must equal ``num_perm``.

    With 64 permutations in 16 bands of 4 rows, pairs at Jaccard 0.5 become candidates with probability
    ~0.65 per pair, at 0.7 with ~0.98; ``threshold`` then verifies each candidate on the full signature.
    ``unit`` is ``"word"`` or ``"char"`` (``shingle`` words or characters per shingle); ``sample`` keeps one
    character shingle in ``sample``. A text with fewer than ``min_shingles`` (kept) shingles never matches.
    ``slots`` asks the caller's normalizer to mask slot values first (names, contacts, emoji; see
    :func:`adwarden.detect.network.textsim.slot_text`); this module itself only masks digits.
    """

    num_perm: int = 64
    bands: int = 16
    shingle: int = 3
    threshold: float = 0.5
    min_shingles: int = 5
    seed: int = 1
    unit: str = "word"
    sample: int = 1
    slots: bool = False

    def __post_init__(self) -> None:
        if self.num_perm <= 0 or self.bands <= 0 or self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a positive multiple of bands ({self.bands})")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.shingle < 1:
            raise ValueError("shingle must be >= 1")
        if self.unit not in ("word", "char"):
            raise ValueError(f"unit must be 'word' or 'char', not {self.unit!r}")
        if self.unit == "char" and self.shingle > 8:
            raise ValueError("character shingles are at most 8 characters long")
        if self.sample < 1 or (self.sample > 1 and self.unit != "char"):
            raise ValueError("sample must be >= 1, and above 1 only with unit='char'")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


@dataclass(frozen=True)
class Rewrite:
    """A text normalizer (``fn``) run before shingling on the texts that may need it: those containing one of
    ``needles``, one of ``chars`` or (with ``non_ascii``) a non-ASCII character; see :func:`texts_with`. The
    others are shingled as they are, which spares a regex scan of most texts."""

    fn: Callable[[str], str]
    needles: tuple[str, ...] = ()
    chars: bytes = b""
    non_ascii: bool = False


def _mix(x: U64) -> U64:
    """SplitMix64 finalizer (in place on a fresh array)."""
    x ^= x >> np.uint64(30)
    x *= _C1
    x ^= x >> np.uint64(27)
    x *= _C2
    x ^= x >> np.uint64(31)
    return x


def _powers(base: np.uint64, n: int) -> U64:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    np.cumprod(out, out=out)
    return out


def _encode(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint8], I64]:
    encoded = [t.lower().encode("utf-8", "replace") for t in texts]
    lengths = np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded))
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    buf = np.frombuffer(b"\n".join(encoded) + b"\n", dtype=np.uint8)
    return buf, starts


def token_hashes(texts: Sequence[str], *, block: int = 8192) -> tuple[U64, I64]:
    """Hash every token of every text. Returns ``(hashes, starts)``: doc ``i`` owns ``hashes[starts[i]:starts[i+1]]``.

    Texts are processed ``block`` at a time so that memory stays proportional to the block, not the corpus.
    """
    return _by_block(texts, block, _token_hashes_block)


def _by_block(texts: Sequence[str], block: int, hash_block: Callable[[Sequence[str]], tuple[U64, I64]]
              ) -> tuple[U64, I64]:
    """``hash_block`` over ``block`` texts at a time, its ``(hashes, starts)`` joined into one such pair: memory
    stays proportional to the block, not the corpus, and the layout is the same as one call over all texts."""
    if not texts:
        return np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64)
    parts: list[U64] = []
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    total = 0
    for lo in range(0, len(texts), block):
        h, st = hash_block(texts[lo : lo + block])
        parts.append(h)
        starts[lo + 1 : lo + st.size] = st[1:] + total
        total += h.size
    return np.concatenate(parts), starts


def _token_hashes_block(texts: Sequence[str]) -> tuple[U64, I64]:
    buf, doc_starts = _encode(texts)
    n = buf.size
    is_digit = (buf >= 48) & (buf <= 57)
    is_word = ((buf >= 97) & (buf <= 122)) | is_digit | (buf >= 128)
    prev_word = np.zeros(n, dtype=bool)
    prev_word[1:] = is_word[:-1]
    prev_digit = np.zeros(n, dtype=bool)
    prev_digit[1:] = is_digit[:-1]
    # a digit run counts as one "0": later digits of the run contribute nothing to the hash
    values = np.where(is_digit, np.uint64(48), buf.astype(np.uint64))
    values[is_digit & prev_digit] = 0
    values[~is_word] = 0
    tok_start = np.flatnonzero(is_word & ~prev_word)
    next_word = np.zeros(n, dtype=bool)
    next_word[:-1] = is_word[1:]
    tok_end = np.flatnonzero(is_word & ~next_word) + 1
    pw = _powers(_P, n + 1)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(values * pw[:n], out=prefix[1:])
    del pw
    inv = _powers(_P_INV, n + 1)
    h = (prefix[tok_end] - prefix[tok_start]) * inv[tok_start]
    del inv, prefix
    h = _mix(h + _K1)
    tok_doc_starts = np.searchsorted(tok_start, doc_starts).astype(np.int64)
    return h, tok_doc_starts


def shingle_hashes(tokens: U64, starts: I64, k: int) -> tuple[U64, I64]:
    """Hash each window of ``k`` tokens that lies inside one document; same ``(hashes, starts)`` layout."""
    n_docs = starts.size - 1
    n = tokens.size
    if n < k:
        return np.zeros(0, dtype=np.uint64), np.zeros(n_docs + 1, dtype=np.int64)
    m = n - k + 1
    s = tokens[:m].copy()
    for j in range(1, k):
        s = _mix(s * _K2 + tokens[j : j + m])
    # a window starting at position p is valid when p + k <= end of its document
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(starts))[:m]
    valid = np.arange(m) + k <= starts[doc_of + 1]
    counts = np.bincount(doc_of[valid], minlength=n_docs)
    out_starts = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=out_starts[1:])
    return s[valid], out_starts


#: Each byte's value in the character-shingle form: ``a``-``z`` and bytes >= 128 (UTF-8 of non-ASCII
#: characters) stay, a digit is ``0``, any other byte a space.
_FORM = np.asarray([b if 97 <= b <= 122 or b >= 128 else 48 if 48 <= b <= 57 else 32 for b in range(256)],
                   dtype=np.uint8)
#: A value no byte has in the character-shingle form: marks where each text starts while the form is built.
_MARK = np.uint8(1)


def _normalized(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint8], I64, npt.NDArray[np.uint8], I64]:
    """The character-shingle form of ``texts`` as one byte buffer: lower case, digit runs as one ``0``, every
    other run of non-word bytes as one space, each text preceded by one space. Returns ``(buffer, starts,
    raw bytes, raw starts)``; text ``i`` owns ``buffer[starts[i]:starts[i+1]]``.

    How: every byte is mapped to its form value by one table lookup, a byte is kept unless it repeats the
    space or ``0`` before it, and the separator before each text, marked with :data:`_MARK` (kept, and
    compared as the space it stands for), is found again in the kept bytes by one comparison instead of a
    per-text count (1.7 -> 1.2 µs per synthetic ad)."""
    encoded = [t.lower().encode("utf-8", "replace") for t in texts]
    n = len(encoded)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
    # every text is preceded by a newline (raw text i starts at raw_starts[i] + 1 in buf) and the buffer ends
    # with one
    buf = np.frombuffer(b"\n" + b"\n".join(encoded) + b"\n", dtype=np.uint8)
    raw_starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=raw_starts[1:])
    if not n:
        return np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64), buf[1:], raw_starts
    values = np.take(_FORM, buf)
    values[raw_starts] = _MARK
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    keep[1:] |= values[1:] > 48  # a letter is always kept; only space and digit runs collapse
    # a text's first byte follows the separator, which stands for a space
    first = raw_starts[:-1] + 1
    keep[first] = values[first] != 32
    keep[raw_starts] = True  # the separator before each text is kept as its leading space
    keep[-1] = False
    v = values[keep]
    at = np.flatnonzero(v == _MARK)
    v[at] = 32
    starts = np.empty(n + 1, dtype=np.int64)
    starts[:n] = at
    starts[n] = v.size
    return v, starts, buf[1:], raw_starts


def _padded(v: npt.NDArray[np.uint8], tail: Sequence[int] = ()) -> npt.NDArray[np.uint8]:
    """``v`` followed by ``tail`` and eight zero bytes, for :func:`_windows` views that read past its end."""
    return np.concatenate([v, np.asarray(tail, dtype=np.uint8), np.zeros(8, dtype=np.uint8)])


def _windows(padded: npt.NDArray[np.uint8], count: int, dtype: str = ">u8", offset: int = 0) -> npt.NDArray[Any]:
    """A read-only view of ``count`` overlapping big-endian integers of ``padded``, the ``i``-th made of the
    bytes from ``offset + i`` on: reading one is a single strided load, and only the windows gathered or
    sliced from the view are ever converted (instead of a 64-bit array of every window)."""
    return np.ndarray((count,), dtype=dtype, buffer=padded.data, offset=offset, strides=(1,))


def texts_with(texts: Sequence[str], needles: Sequence[str], *, chars: bytes = b"",
               non_ascii: bool = False, block: int = 8192) -> npt.NDArray[np.bool_]:
    """Which texts contain one of ``needles`` in their character-shingle form (lower case, one space between
    words, a leading space: ``" ask for"``, ``" two "``), one of the raw ASCII ``chars``, or (with
    ``non_ascii``) any non-ASCII character. Needles are 1 to 8 bytes long.

    Why: a caller that must run a regular expression on some texts (slot masking) finds them for a whole
    batch in a few array operations instead of scanning every text in Python.

    >>> texts_with(["Ask for Kira", "nothing here", "mail me @ home"], [" ask for"], chars=b"@").tolist()
    [True, False, True]
    """
    n = len(texts)
    out = np.zeros(n, dtype=bool)
    if n > block:
        for lo in range(0, n, block):
            out[lo : lo + block] = texts_with(texts[lo : lo + block], needles, chars=chars, non_ascii=non_ascii)
        return out
    if not n:
        return out
    return _flags(*_normalized(texts), needles, chars, non_ascii)


#: One needle search of :func:`_flags`: the first byte, a table of the two bytes after it that some needle of the
#: group has there (``None`` when a one-byte needle makes every position a candidate), and ``(length, needles
#: as big-endian integers)`` per needle length.
_NeedleGroup = tuple[int, "npt.NDArray[np.bool_] | None", tuple[tuple[int, U64], ...]]


@functools.lru_cache(maxsize=32)
def _needle_groups(needles: tuple[str, ...]) -> tuple[_NeedleGroup, ...]:
    """``needles`` grouped by first byte (see :data:`_NeedleGroup`), built once per set of needles."""
    by_first: dict[int, dict[int, list[int]]] = {}
    for needle in needles:
        nb = needle.encode("utf-8")
        if not 1 <= len(nb) <= 8:
            raise ValueError(f"needle {needle!r} must be 1 to 8 bytes long")
        by_first.setdefault(nb[0], {}).setdefault(len(nb), []).append(int.from_bytes(nb, "big"))
    out: list[_NeedleGroup] = []
    for first, by_len in by_first.items():
        pairs: npt.NDArray[np.bool_] | None = np.zeros(1 << 16, dtype=bool)
        for k, wanted in by_len.items():
            for w in wanted:
                if pairs is None or k == 1:
                    pairs = None
                elif k == 2:
                    b1 = (w & 0xFF) << 8
                    pairs[b1 : b1 + 256] = True
                else:
                    pairs[(w >> (8 * (k - 3))) & 0xFFFF] = True
        out.append((first, pairs, tuple((k, np.asarray(sorted(set(w)), dtype=np.uint64)) for k, w in by_len.items())))
    return tuple(out)


def _flags(v: npt.NDArray[np.uint8], starts: I64, raw: npt.NDArray[np.uint8], raw_starts: I64,
           needles: Sequence[str], chars: bytes, non_ascii: bool) -> npt.NDArray[np.bool_]:
    """Which texts hold one of the raw ``chars``, a non-ASCII byte (with ``non_ascii``) or one of ``needles`` in
    the form ``v`` (see :func:`texts_with`).

    Why it looks the way it does: a needle is compared only where the form holds its first byte (mostly the
    space before a word) and the two bytes after it are those of some needle (a 64 Ki-entry table: about one
    space in five on synthetic ads), and only those windows are read from the buffer; rare byte hits are
    located by position instead of a count per text (2.0 -> 1.5 µs per synthetic ad)."""
    out = np.zeros(starts.size - 1, dtype=bool)
    groups = _needle_groups(tuple(needles))
    if chars or non_ascii:
        hit = raw >= 128 if non_ascii else np.zeros(raw.size, dtype=bool)
        for c in set(chars):
            hit |= raw == c
        # raw text i with the newline after it is raw[raw_starts[i]:raw_starts[i + 1]]
        out[np.searchsorted(raw_starts, np.flatnonzero(hit), side="right") - 1] = True
    if not groups:
        return out
    # a needle may end with the space that starts the next text; after the last text, a space is appended
    padded = _padded(v, (32,))
    windows = _windows(padded, v.size)
    pair_at = _windows(padded, v.size, ">u2", 1)
    for first, pairs, by_len in groups:
        # a needle of k bytes compares with the top k bytes of the 8-byte window at a candidate position
        at = np.flatnonzero(v == first)
        if pairs is not None:
            at = at[pairs[pair_at[at]]]
        key8 = windows[at].astype(np.uint64)
        for k, wanted in by_len:
            keys = key8 >> np.uint64(8 * (8 - k)) if k < 8 else key8
            found = at[np.isin(keys, wanted)]
            doc = np.searchsorted(starts, found, side="right") - 1
            # a needle may end with the space that starts the next text (a word boundary), no further
            out[doc[found + k <= starts[doc + 1] + 1]] = True
    return out


def char_shingle_hashes(texts: Sequence[str], k: int, sample: int = 1, *, rewrite: Rewrite | None = None,
                        block: int = 8192, rewritten: npt.NDArray[np.bool_] | None = None) -> tuple[U64, I64]:
    """Hash each window of ``k <= 8`` characters (bytes) of each text's character-shingle form (after
    ``rewrite`` where it applies); keep one in ``sample`` by hash. Same ``(hashes, starts)`` layout as
    :func:`shingle_hashes`. ``rewritten`` (one flag per text), if given, is set where ``rewrite`` applied."""
    done = 0

    def part(texts_part: Sequence[str]) -> tuple[U64, I64]:
        nonlocal done
        flags = None if rewritten is None else rewritten[done : done + len(texts_part)]
        done += len(texts_part)
        return _char_block(texts_part, k, sample, rewrite, flags)

    return _by_block(texts, block, part)


def _splice(v: npt.NDArray[np.uint8], starts: I64, which: I64, v2: npt.NDArray[np.uint8],
            starts2: I64) -> tuple[npt.NDArray[np.uint8], I64]:
    """Replace texts ``which`` of the buffer ``(v, starts)`` by the texts of ``(v2, starts2)``, in order.

    Both buffers keep their order, so the bytes that stay move by one boolean mask on each side instead of a
    64-bit index per byte (1.0 -> 0.6 µs per synthetic ad)."""
    lens = np.diff(starts)
    stays = np.ones(lens.size, dtype=bool)
    stays[which] = False
    new_lens = lens.copy()
    new_lens[which] = np.diff(starts2)
    new_starts = np.zeros(starts.size, dtype=np.int64)
    np.cumsum(new_lens, out=new_starts[1:])
    to = np.repeat(stays, new_lens)
    out = np.empty(int(new_starts[-1]), dtype=np.uint8)
    out[to] = v[np.repeat(stays, lens)]
    out[~to] = v2
    return out, new_starts


def _char_block(texts: Sequence[str], k: int, sample: int, rewrite: Rewrite | None,
                rewritten: npt.NDArray[np.bool_] | None = None) -> tuple[U64, I64]:
    v, c_starts, raw, raw_starts = _normalized(texts)
    if rewrite is not None:
        flags = _flags(v, c_starts, raw, raw_starts, rewrite.needles, rewrite.chars, rewrite.non_ascii)
        if rewritten is not None:
            rewritten[:] = flags
        which = np.flatnonzero(flags)
        if which.size:
            v2, starts2, _, _ = _normalized([rewrite.fn(texts[i]) for i in which.tolist()])
            v, c_starts = _splice(v, c_starts, which, v2, starts2)
    return _window_hashes(v, c_starts, k, sample)


def _window_hashes(v: npt.NDArray[np.uint8], starts: I64, k: int, sample: int, *, block: int = 1 << 15
                   ) -> tuple[U64, I64]:
    """The kept shingle hashes of the form ``(v, starts)``: every window of ``k`` bytes inside one text, packed
    into an integer, kept when ``sample`` is 1 or its multiplicative hash falls in the kept share, then mixed.

    Why in blocks: each block of ``block`` windows is read from the buffer, sampled, selected and mixed while
    its few 64-bit arrays stay in the core's cache, instead of full-length passes over ten times the
    buffer's size in memory (char 8-shingles, one in six: 5.0 -> 1.2 µs per synthetic ad)."""
    n_docs = starts.size - 1
    m = v.size - k + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(n_docs + 1, dtype=np.int64)
    # a window must end inside the text it starts in: the k-1 windows before each text's start are dropped
    ok = np.ones(m, dtype=bool)
    if k > 1 and n_docs > 1:
        at = (starts[1:-1, None] - np.arange(1, k, dtype=np.int64)).ravel()
        ok[at[(at >= 0) & (at < m)]] = False
    windows = _windows(_padded(v), m)
    shift = np.uint64(8 * (8 - k))
    # (x * K1) >> 48 < 65536 // sample, without the shift (sample > 1: the limit is at most 2**63)
    limit = np.uint64((65536 // sample) << 48 if sample > 1 else 0)
    size = min(m, block)
    keys, prod, sel = np.empty(size, dtype=np.uint64), np.empty(size, dtype=np.uint64), np.empty(size, dtype=bool)
    hashes: list[U64] = []
    kept: list[I64] = []
    for lo in range(0, m, block):
        n = min(m - lo, block)
        w, s = keys[:n], sel[:n]
        w[...] = windows[lo : lo + n]
        if k < 8:
            np.right_shift(w, shift, out=w)
        if sample > 1:
            # keep shingles by a cheap multiplicative hash of their bytes, the same ones in every text
            np.multiply(w, _K1, out=prod[:n])
            np.less(prod[:n], limit, out=s)
            s &= ok[lo : lo + n]
        else:
            s = ok[lo : lo + n]
        i = np.flatnonzero(s)
        hashes.append(_mix(w[i] + _K2))
        kept.append(i + lo)
    h = np.concatenate(hashes)
    # text i's hashes start after the kept windows that begin before it
    out_starts = np.searchsorted(np.concatenate(kept), np.minimum(starts, m)).astype(np.int64)
    return h, out_starts


def shingles(texts: Sequence[str], params: NearDupParams, *, rewrite: Rewrite | None = None,
             rewritten: npt.NDArray[np.bool_] | None = None) -> tuple[U64, I64]:
    """The shingle hashes ``params`` asks for (word or character), ``(hashes, starts)`` per text, after
    ``rewrite`` of the texts it applies to (flagged in ``rewritten``, if given)."""
    if params.unit == "char":
        return char_shingle_hashes(texts, params.shingle, params.sample, rewrite=rewrite, rewritten=rewritten)
    if rewrite is not None:
        which = texts_with(texts, rewrite.needles, chars=rewrite.chars, non_ascii=rewrite.non_ascii)
        if rewritten is not None:
            rewritten[:] = which
        texts = [rewrite.fn(t) if w else t for t, w in zip(texts, which.tolist(), strict=True)]
    tokens, starts = token_hashes(texts)
    return shingle_hashes(tokens, starts, params.shingle)


def _perm_params(num_perm: int, seed: int) -> tuple[U32, U32]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


def signatures(shingles: U64, starts: I64, params: NearDupParams, *, chunk: int = 1 << 20) -> U32:
    """MinHash signatures ``(n_docs, num_perm)``; documents without shingles get all-``0xFFFFFFFF`` rows.

    Each permutation is ``h(x) = a*x + b (mod 2**32)`` with a random odd ``a`` followed by an xor-shift, over
    the high 32 bits of the (already mixed) shingle hash. Looping over permutations with 1-D array operations
    on a chunk of shingles is several times faster than one ``(shingles, num_perm)`` matrix, because every
    operation stays on a contiguous vector.
    """
    n_docs = starts.size - 1
    out = np.full((n_docs, params.num_perm), _SENTINEL, dtype=np.uint32)
    a, b = _perm_params(params.num_perm, params.seed)
    counts = np.diff(starts)
    nonempty = np.flatnonzero(counts > 0)
    if nonempty.size == 0:
        return out
    x32 = (shingles >> np.uint64(32)).astype(np.uint32)
    if x32.size <= 4096:
        # few shingles (one post at ingest): one (shingles, num_perm) matrix, same values, fewer calls
        t = x32[:, None] * a[None, :] + b[None, :]
        t ^= t >> np.uint32(16)
        out[nonempty] = np.minimum.reduceat(t, (starts[nonempty]).astype(np.intp), axis=0)
        return out
    cum = starts[nonempty + 1]
    tmp = np.empty(min(int(x32.size), chunk + int(counts.max())), dtype=np.uint32)
    tmp2 = np.empty_like(tmp)
    pos = 0
    while pos < nonempty.size:
        # documents nonempty[pos:end] hold about `chunk` shingles; empty documents own no rows, so the
        # segment offsets of the non-empty ones are strictly increasing, as reduceat needs
        limit = starts[nonempty[pos]] + chunk
        end = max(pos + 1, int(np.searchsorted(cum, limit, side="right")))
        docs = nonempty[pos:end]
        lo, hi = int(starts[docs[0]]), int(starts[docs[-1] + 1])
        block = x32[lo:hi]
        t, t2 = tmp[: hi - lo], tmp2[: hi - lo]
        offsets = (starts[docs] - lo).astype(np.intp)
        part = np.empty((params.num_perm, docs.size), dtype=np.uint32)
        for j in range(params.num_perm):
            np.multiply(block, a[j], out=t)
            np.add(t, b[j], out=t)
            np.right_shift(t, np.uint32(16), out=t2)
            np.bitwise_xor(t, t2, out=t)
            np.minimum.reduceat(t, offsets, out=part[j])
        out[docs] = part.T
        pos = end
    return out


def text_signatures(
    texts: Sequence[str], params: NearDupParams, *, rewrite: Rewrite | None = None,
    rewritten: npt.NDArray[np.bool_] | None = None,
) -> tuple[U32, npt.NDArray[np.bool_]]:
    """Signatures of ``texts`` (after ``rewrite``) and a mask of those with at least ``params.min_shingles``
    shingles. Texts shorter than that ("call me", an empty body) never match: they would match everything.
    ``rewritten`` (one flag per text), if given with ``rewrite``, is set where ``rewrite`` applied (the others
    were shingled as they are); without ``rewrite`` it is left as it is.
    """
    sh, sh_starts = shingles(texts, params, rewrite=rewrite, rewritten=rewritten)
    sigs = signatures(sh, sh_starts, params)
    valid = np.diff(sh_starts) >= params.min_shingles
    return sigs, valid


def band_keys(sigs: U32, params: NearDupParams) -> U64:
    """One 64-bit key per (document, band): ``(n_docs, bands)``. All bands are hashed at once (a few array
    operations per row of a band), which matters when one post is linked at ingest."""
    r = params.rows
    n = sigs.shape[0]
    start = np.asarray([(b * int(_K1)) & 0xFFFFFFFFFFFFFFFF for b in range(params.bands)], dtype=np.uint64)
    out = np.empty((n, params.bands), dtype=np.uint64)
    step = 1 << 16  # bounded temporaries for large batches
    for lo in range(0, n, step):
        grid = sigs[lo : lo + step].reshape(-1, params.bands, r).astype(np.uint64)
        keys = np.broadcast_to(start, (grid.shape[0], params.bands)).copy()
        for j in range(r):
            keys = _mix(keys * _K2 + grid[:, :, j])
        out[lo : lo + step] = keys
    return out


def lsh_edges(sigs: U32, valid: npt.NDArray[np.bool_], params: NearDupParams) -> tuple[I64, I64]:
    """Verified near-duplicate pairs ``(leader, member)`` with ``leader < member``, unique, sorted.

    ``leader`` is the lowest-index valid document sharing a band key with ``member``.
    """
    idx = np.flatnonzero(valid)
    if idx.size < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    keys = band_keys(sigs[idx], params)
    src_parts: list[I64] = []
    dst_parts: list[I64] = []
    for band in range(params.bands):
        k = keys[:, band]
        order = np.argsort(k, kind="stable")
        ks = k[order]
        new_group = np.ones(ks.size, dtype=bool)
        new_group[1:] = ks[1:] != ks[:-1]
        group_id = np.cumsum(new_group) - 1
        leader_pos = np.flatnonzero(new_group)[group_id]
        members = ~new_group
        if not members.any():
            continue
        leaders = idx[order[leader_pos[members]]]
        followers = idx[order[members]]
        src_parts.append(leaders)
        dst_parts.append(followers)
    if not src_parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    src = np.concatenate(src_parts).astype(np.int64)
    dst = np.concatenate(dst_parts).astype(np.int64)
    pair = np.unique(src * np.int64(sigs.shape[0]) + dst)
    src, dst = pair // sigs.shape[0], pair % sigs.shape[0]
    keep = np.zeros(src.size, dtype=bool)
    step = 1 << 16
    for lo in range(0, src.size, step):
        s, d = src[lo : lo + step], dst[lo : lo + step]
        sim = (sigs[s] == sigs[d]).mean(axis=1)
        keep[lo : lo + step] = sim >= params.threshold
    return src[keep], dst[keep]


def similarity(a: U32, b: U32) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float((a == b).mean())


class NearDupIndex:
    """A fixed set of texts (banked templates) to match single texts against.

    :meth:`query` returns every indexed text that is a near copy of the query (estimated Jaccard similarity of
    the shingle sets) or is contained in it (share of the indexed text's shingles found in the query: a banked
    template embedded in a longer ad), with both figures. Candidates come from the LSH bands and from an
    inverted index of shingles, so containment is exact.

    >>> idx = NearDupIndex(["one two three four five six seven"], NearDupParams(num_perm=32, bands=8, min_shingles=2))
    >>> [(i, c) for i, _, c in idx.query("well, one two three four five six seven and more")]
    [(0, 1.0)]
    """

    def __init__(self, texts: Sequence[str], params: NearDupParams) -> None:
        self.params = params
        sh, starts = shingles(texts, params)
        self._sigs = signatures(sh, starts, params)
        self._sizes: list[int] = []
        self._postings: dict[int, list[int]] = {}
        for i in range(len(texts)):
            distinct = np.unique(sh[starts[i] : starts[i + 1]]).tolist()
            self._sizes.append(len(distinct))
            for x in distinct:
                self._postings.setdefault(x, []).append(i)
        self._buckets: dict[tuple[int, int], list[int]] = {}
        if len(texts):
            for i, row in enumerate(band_keys(self._sigs, params).tolist()):
                if self._sizes[i] >= params.min_shingles:
                    for band, key in enumerate(row):
                        self._buckets.setdefault((band, key), []).append(i)

    def __len__(self) -> int:
        return len(self._sizes)

    def query(self, text: str) -> list[tuple[int, float, float]]:
        """``(index, jaccard, containment)`` for each indexed text reaching ``params.threshold`` on either."""
        p = self.params
        sh, starts = shingles([text], p)
        distinct = np.unique(sh)
        if distinct.size < p.min_shingles or not self._sizes:
            return []
        sig = signatures(sh, starts, p)
        shared: dict[int, int] = {}
        for x in distinct.tolist():
            for i in self._postings.get(x, ()):
                shared[i] = shared.get(i, 0) + 1
        candidates = set(shared)
        for band, key in enumerate(band_keys(sig, p)[0].tolist()):
            candidates.update(self._buckets.get((band, key), ()))
        out: list[tuple[int, float, float]] = []
        for i in sorted(candidates):
            jac = float((self._sigs[i] == sig[0]).mean())
            contain = shared.get(i, 0) / max(1, self._sizes[i])
            if max(jac, contain) >= p.threshold:
                out.append((i, jac, contain))
        return out
