"""Match a lexicon against ad text with one Aho-Corasick automaton, mapping every hit to the original text.

All phrases of all indicators (and their variants: one doubled letter, so ``baaaby`` -> ``baaby`` still
matches ``baby``; letters spaced out, ``n e w``) go into one :mod:`ahocorasick` automaton over the text
normalized by :func:`~adwarden.detect.indicators.fastnorm.normalize_fast`. Phrases are stored with a space
on each side and the text is padded, so the automaton itself enforces word boundaries and a scan is one
pass in C. Regex patterns run only for indicators whose trigger phrase was found, which keeps the common
path free of regex scans.

>>> from adwarden.detect.indicators.lexicon import load_lexicon
>>> m = LexiconMatcher(load_lexicon())
>>> [(h.indicator.id, h.text) for h in m.find("NEW in t0wwwn, available 24/7")]
[('movement.new_in_town', 'NEW in t0wwwn'), ('always_available.24_7', '24/7')]
"""

from __future__ import annotations

import re
from typing import NamedTuple

import ahocorasick
import numpy as np
import numpy.typing as npt

from adwarden.detect.indicators.fastnorm import (
    OTHER_LETTER,
    TOKEN_CHAR,
    Normalized,
    normalize_batch,
    normalize_phrase,
)
from adwarden.detect.indicators.lexicon import Indicator, Lexicon
from adwarden.detect.indicators.scripts import ScriptMatcher, needs_script_matcher
from adwarden.extract.youth_context import youth_context

_PHRASE = 0
_TRIGGER = 1
_EXCLUDE = 2
_TOKENS = frozenset(TOKEN_CHAR.values())
_OTHER = chr(OTHER_LETTER)  # in normalized text: a letter of a script the fast normalizer does not cover
SCALAR_MAX_CHARS = 20_000  # longer single texts take the vectorised path
CHUNK_CHARS = 250_000  # characters of text per vectorised pass (see LexiconMatcher.find_many)
_MAX_PAIR_LETTERS = 16  # two doubled letters are enumerated for phrases up to this many letters


class Hit(NamedTuple):
    """One indicator found in the text: ``start``/``end`` index the ORIGINAL text; ``text`` is that slice.

    ``suppressed`` is set (``"negated"``, ``"past"``, ``"reader"``, ...) on hits of a context-checked category
    whose context says they are not about the advertised person now (see
    :func:`adwarden.extract.youth_context.youth_context`); such hits are only returned on request."""

    indicator: Indicator
    start: int
    end: int
    text: str
    suppressed: str | None = None


def phrase_variants(phrase: str) -> set[str]:
    """The normalized phrase plus the variants the matcher also accepts (see the module docstring).

    Stretched letters are squashed to two, so a phrase also matches with one or two of its letters doubled
    (``yoouung``); letters spaced out (``y o u n g``) match too.
    """
    base = normalize_phrase(phrase)
    if not base:
        return set()
    out = {base}
    if all(ch in _TOKENS or ch == " " for ch in base):
        return out
    singles = [i for i, ch in enumerate(base) if ch.isalpha() and base[i - 1 : i] != ch and base[i + 1 : i + 2] != ch]
    for n, i in enumerate(singles):
        out.add(base[: i + 1] + base[i] + base[i + 1 :])
        if len(singles) <= _MAX_PAIR_LETTERS:
            for j in singles[n + 1 :]:
                if j == i + 1 and base[i] == base[j]:
                    continue
                out.add(base[: i + 1] + base[i] + base[i + 1 : j + 1] + base[j] + base[j + 1 :])
    letters = [ch for ch in base if ch != " "]
    if len(letters) >= 4 and all(ch.isalpha() for ch in letters):
        out.add(" ".join(letters))
    return out


class LexiconMatcher:
    """A compiled lexicon. Build once (milliseconds), then :meth:`find` per text."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._indicators = lexicon.indicators
        entries: dict[str, set[tuple[int, int]]] = {}
        script_entries: list[tuple[int, str, int]] = []  # Cyrillic and Chinese phrases (see scripts.py)
        for idx, ind in enumerate(self._indicators):
            for kind, phrases in ((_PHRASE, ind.phrases), (_TRIGGER, ind.triggers), (_EXCLUDE, ind.exclude)):
                for phrase in phrases:
                    if needs_script_matcher(phrase):
                        if kind != _TRIGGER:
                            script_entries.append((idx, phrase, kind))
                        continue
                    for v in phrase_variants(phrase):
                        entries.setdefault(v, set()).add((kind, idx))
        self._scripts = ScriptMatcher(script_entries)
        self._gated = np.asarray([ind.category in lexicon.context_categories for ind in self._indicators], dtype=np.bool_)
        # The automaton stores an int per key; per-key facts and the (kind, indicator) entries of each key
        # live in numpy arrays, so the hits of a whole batch are decoded with vectorised operations.
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        key_len: list[int] = []
        key_padded: list[bool] = []
        key_first: list[int] = []
        key_count: list[int] = []
        ent_kind: list[int] = []
        ent_idx: list[int] = []
        for kid, (key, values) in enumerate(entries.items()):
            padded = not all(ch in _TOKENS for ch in key)
            stored = f" {key} " if padded else key
            self._automaton.add_word(stored, kid)
            key_len.append(len(stored))
            key_padded.append(padded)
            key_first.append(len(ent_kind))
            key_count.append(len(values))
            for kind, idx in sorted(values):
                ent_kind.append(kind)
                ent_idx.append(idx)
        self._automaton.make_automaton()
        self._key_len = np.asarray(key_len, dtype=np.int64)
        self._key_padded = np.asarray(key_padded, dtype=np.bool_)
        self._key_first = np.asarray(key_first, dtype=np.int64)
        self._key_count = np.asarray(key_count, dtype=np.int64)
        self._ent_kind = np.asarray(ent_kind, dtype=np.int64)
        self._ent_idx = np.asarray(ent_idx, dtype=np.int64)
        # The same per-key facts as tuples, for the scalar path (one short text: numpy's per-call overhead
        # would dominate there).
        self._keys = tuple(
            (key_len[k], key_padded[k], tuple(zip(ent_kind[key_first[k] : key_first[k] + key_count[k]],
                                                  ent_idx[key_first[k] : key_first[k] + key_count[k]], strict=True)))
            for k in range(len(key_len))
        )
        self._patterns = {
            idx: tuple(re.compile(p) for p in ind.patterns) for idx, ind in enumerate(self._indicators) if ind.patterns
        }
        self.size = len(entries)

    def _raw_hits(self, norm_text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Arrays (indicator index, start, end) over the normalized text, end exclusive, pads excluded; hits
        inside an exclusion phrase of the same indicator are dropped; duplicates are possible."""
        found = self._automaton.iter(norm_text)
        pairs = np.fromiter((x for pair in found for x in pair), dtype=np.int64).reshape(-1, 2)
        ends, kid = pairs[:, 0], pairs[:, 1]
        counts = self._key_count[kid]
        total = int(counts.sum())
        rep = np.repeat(np.arange(len(kid)), counts)
        rows = np.repeat(self._key_first[kid] - np.cumsum(counts) + counts, counts) + np.arange(total)
        e_end = ends[rep]
        e_kid = kid[rep]
        kind = self._ent_kind[rows]
        idx = self._ent_idx[rows]
        start = e_end - self._key_len[e_kid] + 1
        padded = self._key_padded[e_kid]
        a = np.where(padded, start + 1, start)
        b = np.where(padded, e_end, e_end + 1)
        phrase = kind == _PHRASE
        p_idx, p_a, p_b = idx[phrase], a[phrase], b[phrase]
        triggered = np.unique(idx[kind == _TRIGGER])
        if len(triggered):
            extra = [(i, m.start(), m.end()) for i in triggered.tolist() for pat in self._patterns.get(i, ())
                     for m in pat.finditer(norm_text) if m.end() > m.start()]
            if extra:
                ex = np.asarray(extra, dtype=np.int64)
                p_idx = np.concatenate([p_idx, ex[:, 0]])
                p_a = np.concatenate([p_a, ex[:, 1]])
                p_b = np.concatenate([p_b, ex[:, 2]])
        excl = kind == _EXCLUDE
        if excl.any():
            drop = np.zeros(len(p_idx), dtype=np.bool_)
            for xi, xa, xb in zip(idx[excl].tolist(), a[excl].tolist(), b[excl].tolist(), strict=True):
                drop |= (p_idx == xi) & (p_a >= xa) & (p_b <= xb)
            keep = ~drop
            p_idx, p_a, p_b = p_idx[keep], p_a[keep], p_b[keep]
        return p_idx, p_a, p_b

    def _checked(self, text: str, hits: list[Hit], keep_suppressed: bool, other_script: bool = True) -> list[Hit]:
        """Adds the hits of Cyrillic and Chinese phrases (``other_script``: the normalized text had letters the fast
        normalizer does not cover); hits of context-checked categories go through the youth context rules."""
        if other_script and self._scripts and not text.isascii():
            extra = [Hit(self._indicators[i], a, b, text[a:b]) for i, a, b in self._scripts.find(text)]
            if extra:
                hits = sorted([*hits, *extra], key=lambda h: (h.start, -h.end))
        gated = self.lexicon.context_categories
        if not any(h.indicator.category in gated for h in hits):
            return hits
        out: list[Hit] = []
        for h in hits:
            why = youth_context(text, h.start, h.end, self.lexicon.allow) if h.indicator.category in gated else None
            if why is None:
                out.append(h)
            elif keep_suppressed:
                out.append(h._replace(suppressed=why))
        return out

    def find(self, text: str, *, keep_suppressed: bool = False) -> list[Hit]:
        """Every indicator hit in ``text``, ordered by position; a hit inside a longer hit of the same
        indicator is dropped (``young`` inside ``so young``). Hits whose context rules them out ("not a teen",
        "ex cheerleader") are left out unless ``keep_suppressed`` (then they carry the reason)."""
        if len(text) > SCALAR_MAX_CHARS:
            return self.find_many([text], keep_suppressed=keep_suppressed)[0]
        norm = normalize_batch([text])
        raw: set[tuple[int, int, int]] = set()
        triggered: set[int] = set()
        excluded: list[tuple[int, int, int]] = []
        keys = self._keys
        for end, kid in self._automaton.iter(norm.text):
            length, padded, values = keys[kid]
            start = end - length + 1
            a, b = (start + 1, end) if padded else (start, end + 1)
            for kind, idx in values:
                if kind == _PHRASE:
                    raw.add((idx, a, b))
                elif kind == _TRIGGER:
                    triggered.add(idx)
                else:
                    excluded.append((idx, a, b))
        for idx in triggered:
            for pat in self._patterns.get(idx, ()):
                for m in pat.finditer(norm.text):
                    if m.end() > m.start():
                        raw.add((idx, m.start(), m.end()))
        if not raw:
            return self._checked(text, [], keep_suppressed, _OTHER in norm.text)
        if excluded:
            raw = {h for h in raw if not any(x[0] == h[0] and x[1] <= h[1] and h[2] <= x[2] for x in excluded)}
        out: list[Hit] = []
        reach: dict[int, int] = {}
        positions = norm.positions()
        n_pos = len(positions)
        for idx, a, b in sorted(raw, key=lambda h: (h[1], -h[2])):
            if reach.get(idx, -1) >= b:
                continue
            reach[idx] = b
            s0 = int(positions[a - 1])
            s1 = int(positions[b - 1]) if b - 1 < n_pos else len(text)
            s1 = min(s1, len(text))
            out.append(Hit(self._indicators[idx], s0, s1, text[s0:s1]))
        return self._checked(text, out, keep_suppressed, _OTHER in norm.text)

    def find_many(self, texts: list[str], *, keep_suppressed: bool = False) -> list[list[Hit]]:
        """:meth:`find` for many texts in vectorised passes (much faster per text for batches).

        Texts are processed in chunks of about :data:`CHUNK_CHARS` characters: large enough that numpy's
        per-call overhead vanishes, small enough that the working arrays stay in the CPU cache (one pass
        over 1 MB of ads was measured 30 % slower than passes over 250 kB)."""
        if len(texts) > 1 and sum(len(t) for t in texts) > CHUNK_CHARS:
            out: list[list[Hit]] = []
            chunk: list[str] = []
            size = 0
            for t in texts:
                chunk.append(t)
                size += len(t)
                if size >= CHUNK_CHARS:
                    out.extend(self._find_chunk(chunk, keep_suppressed))
                    chunk, size = [], 0
            if chunk:
                out.extend(self._find_chunk(chunk, keep_suppressed))
            return out
        return self._find_chunk(texts, keep_suppressed)

    def _find_chunk(self, texts: list[str], keep_suppressed: bool = False) -> list[list[Hit]]:
        norm = normalize_batch(texts)
        out: list[list[Hit]] = [[] for _ in texts]
        idx, a, b = self._raw_hits(norm.text)
        if not len(idx):
            return self._all_checked(texts, out, keep_suppressed, norm, set())
        # Per indicator, in order of position (longest first at one position), keep a hit only when it
        # reaches past every earlier kept hit of the same indicator: "young" inside "so young" goes, and so
        # do duplicates. Keys idx * M + b grow with idx, so one running maximum serves every indicator.
        order = np.lexsort((-b, a, idx))
        m = int(b.max()) + 1
        key = idx[order] * m + b[order]
        running = np.maximum.accumulate(key)
        kept = order[np.concatenate(([True], key[1:] > running[:-1]))]
        kept = kept[np.lexsort((-b[kept], a[kept]))]
        k_idx, k_a, k_b = idx[kept], a[kept], b[kept]
        positions = norm.positions()
        total = int(norm.starts[-1] + norm.lengths[-1])
        # Normalized index k >= 1 (after the leading pad) came from joined-original index positions[k - 1].
        first = positions[k_a - 1]
        b_idx = k_b - 1
        past_end = b_idx >= len(positions)
        stop = positions[np.minimum(b_idx, len(positions) - 1)]
        stop[past_end] = total
        which = np.searchsorted(norm.starts, first, side="right") - 1
        local_start = first - norm.starts[which]
        local_stop = np.minimum(stop - norm.starts[which], norm.lengths[which])
        inds = self._indicators
        for i_ind, i, s0, s1 in zip(k_idx.tolist(), which.tolist(), local_start.tolist(), local_stop.tolist(),
                                    strict=True):
            out[i].append(Hit(inds[i_ind], s0, s1, texts[i][s0:s1]))
        gated = set(which[self._gated[k_idx]].tolist()) if self._gated.any() else set()
        return self._all_checked(texts, out, keep_suppressed, norm, gated)

    def _all_checked(self, texts: list[str], hits: list[list[Hit]], keep_suppressed: bool,
                     norm: Normalized, gated: set[int]) -> list[list[Hit]]:
        """:meth:`_checked` for a chunk, only where needed: texts with a hit of a context-checked category
        (``gated``) and texts with letters of other scripts (one vectorised pass over the normalized chunk)."""
        other: set[int] = set()
        if self._scripts and _OTHER in norm.text:
            codes = np.frombuffer(norm.text.encode("latin-1"), dtype=np.uint8)
            at = np.flatnonzero(codes == OTHER_LETTER)
            positions = norm.positions()
            orig = positions[np.minimum(at - 1, len(positions) - 1)]
            other = set((np.searchsorted(norm.starts, orig, side="right") - 1).tolist())
        need = gated | other
        if not need:
            return hits
        return [self._checked(t, h, keep_suppressed, i in other) if i in need else h
                for i, (t, h) in enumerate(zip(texts, hits, strict=True))]
