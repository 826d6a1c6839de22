"""An in-memory index over the enabled banks: what the bank detector matches posts against.

Built from banks and their entries (storage loads them; tests build them directly). Lookups by kind:

* identifiers: a dict from keyed hash to entries (the post's identifiers are normalized and hashed with the
  same key first);
* ``md5``/``sha256``: a dict from hex digest to entries;
* ``pdq``: :class:`~adwarden.detect.banks.pdq_index.PdqIndex`, exact radius-31 search; media hashes of quality
  below 50 are not matched;
* ``text``: exact (normalized text) and near-duplicate templates over word 3-grams with digits masked, through
  the near-duplicate module that network linking uses too (:class:`adwarden.detect.neardup.NearDupIndex`):
  candidates come from MinHash LSH (whole ads that are near copies of a banked one) and from an inverted index
  of 3-grams (a banked template embedded in a longer ad); a candidate matches when the estimated Jaccard
  similarity or the exact share of the template's 3-grams found in the post reaches 0.7.

Rebuilding is cheap (a sort for PDQ, a dict for the rest), so an import swaps in a new index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from adwarden.detect.banks.keys import keyed_hash, normalize_identifier
from adwarden.detect.banks.model import IDENTIFIER_KINDS, Bank, BankEntry
from adwarden.detect.banks.pdq_index import MATCH_RADIUS, MIN_QUALITY, PdqIndex, hex_to_bytes
from adwarden.detect.indicators.fastnorm import normalize_phrase
from adwarden.detect.neardup import NearDupIndex, NearDupParams
from adwarden.domain import InputError

TEXT_THRESHOLD = 0.7  # Jaccard or containment of word 3-grams for a near-duplicate template
#: Banked templates: word 3-grams, 128 permutations in 32 bands of 4 rows (pairs at Jaccard 0.5 become LSH
#: candidates with probability ~0.87; the inverted index of 3-grams finds every contained template anyway).
TEXT_PARAMS = NearDupParams(num_perm=128, bands=32, shingle=3, threshold=TEXT_THRESHOLD, min_shingles=2)


@dataclass(frozen=True)
class BankMatch:
    bank: Bank
    entry: BankEntry
    kind: str
    matched: str  # the post-side value that matched (identifier, hash, or text excerpt)
    distance: int | None = None
    similarity: float | None = None
    start: int | None = None
    end: int | None = None


class BankIndex:
    """Index of every entry of every ENABLED bank. ``key`` is the deployment's HMAC key."""

    def __init__(self, banks: Iterable[tuple[Bank, Sequence[BankEntry]]], *, key: bytes, region: str = "US") -> None:
        self.key = key
        self.region = region
        self._exact: dict[tuple[str, str], list[tuple[Bank, BankEntry]]] = {}
        pdq_rows: list[tuple[Bank, BankEntry]] = []
        text_rows: list[tuple[Bank, BankEntry]] = []
        self.banks: dict[str, Bank] = {}
        self.size = 0
        for bank, entries in banks:
            self.banks[bank.name] = bank
            if not bank.enabled:
                continue
            for e in entries:
                self.size += 1
                if e.kind == "pdq":
                    pdq_rows.append((bank, e))
                elif e.kind == "text":
                    text_rows.append((bank, e))
                    self._exact.setdefault(("text", _text_key(e.value)), []).append((bank, e))
                else:
                    self._exact.setdefault((e.kind, e.value), []).append((bank, e))
        self._pdq_rows = pdq_rows
        self._pdq = PdqIndex(hex_to_bytes([e.value for _, e in pdq_rows])) if pdq_rows else None
        self._text_rows = text_rows
        self._near = NearDupIndex([e.value for _, e in text_rows], TEXT_PARAMS) if text_rows else None

    @classmethod
    def empty(cls, *, key: bytes) -> BankIndex:
        return cls([], key=key)

    def digest(self) -> str:
        """A short digest of the indexed content, stored with assessments as the bank detector's version."""
        h = hashlib.sha256()
        for (kind, value), rows in sorted(self._exact.items()):
            for bank, e in rows:
                h.update(f"{bank.name}\0{kind}\0{value}\0{e.label}\n".encode())
        for bank, e in self._pdq_rows:
            h.update(f"{bank.name}\0pdq\0{e.value}\0{e.label}\n".encode())
        return h.hexdigest()[:16]

    # -- lookups ------------------------------------------------------------------------------------------
    def match_identifier(self, kind: str, raw: str, *, start: int | None = None, end: int | None = None) -> list[BankMatch]:
        if kind not in IDENTIFIER_KINDS:
            return []
        try:
            norm = normalize_identifier(kind, raw, region=self.region)
        except InputError:
            return []
        digest = keyed_hash(kind, norm, self.key)
        return [BankMatch(b, e, kind, raw, start=start, end=end) for b, e in self._exact.get((kind, digest), [])]

    def match_digest(self, kind: str, value: str) -> list[BankMatch]:
        v = value.strip().lower()
        return [BankMatch(b, e, kind, v) for b, e in self._exact.get((kind, v), [])]

    def match_pdq(self, pdq: str, quality: int | None = None, *, radius: int = MATCH_RADIUS) -> list[BankMatch]:
        if self._pdq is None or (quality is not None and quality < MIN_QUALITY):
            return []
        try:
            q = hex_to_bytes([pdq])[0]
        except ValueError:
            return []
        out = []
        for i, d in self._pdq.query(q, radius):
            bank, e = self._pdq_rows[i]
            out.append(BankMatch(bank, e, "pdq", pdq.lower(), distance=d))
        return out

    def match_text(self, text: str) -> list[BankMatch]:
        if not self._text_rows:
            return []
        norm = normalize_phrase(text)
        if not norm:
            return []
        exact = self._exact.get(("text", _text_key(norm)), [])
        out = [BankMatch(b, e, "text", "", similarity=1.0) for b, e in exact]
        if self._near is None:
            return out
        seen = {id(e) for _, e in exact}
        for i, jaccard, containment in self._near.query(norm):
            bank, e = self._text_rows[i]
            if id(e) not in seen:
                out.append(BankMatch(bank, e, "text", "", similarity=round(max(jaccard, containment), 3)))
        return out


def _text_key(norm: str) -> str:
    return hashlib.sha256(norm.encode()).hexdigest()


__all__ = ["BankIndex", "BankMatch"]
