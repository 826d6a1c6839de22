"""The bank detector: a post's identifiers, media hashes and text against the enabled banks.

Each hit is evidence ``detector="bank"``, ``label`` = the entry's label (or the bank's default label),
``attrs = {"bank": NAME, "kind": KIND, ...}`` with the distance or similarity for fuzzy matches and the
entry's provenance, so a reviewer (and a court) can see which list, which entry and which source.
"""

from __future__ import annotations

from collections.abc import Sequence

from adwarden.detect.banks.index import BankIndex, BankMatch
from adwarden.detect.base import Detector, ScreenContext
from adwarden.domain import Evidence

#: Weight of a bank hit before the policy's scale: bank hits are strong evidence by construction.
BANK_WEIGHT = 50.0


def match_evidence(m: BankMatch) -> Evidence:
    attrs: dict[str, object] = {"bank": m.bank.name, "kind": m.kind}
    if m.distance is not None:
        attrs["distance"] = m.distance
    if m.similarity is not None:
        attrs["similarity"] = m.similarity
    if m.entry.source:
        attrs["entry_source"] = m.entry.source
    if m.entry.added_by:
        attrs["added_by"] = m.entry.added_by
    if m.entry.added_at is not None:
        attrs["added_at"] = m.entry.added_at.isoformat()
    return Evidence("bank", m.entry.label or m.bank.default_label, BANK_WEIGHT, value=m.matched or None,
                    start=m.start, end=m.end, attrs=attrs)


class BankDetector(Detector):
    """Matches identifiers (keyed hashes), media (MD5, SHA-256, PDQ) and text templates against banks."""

    version = "1"

    def __init__(self, index: BankIndex) -> None:
        self.index = index

    def describe_version(self) -> str:
        return f"{self.version}+banks:{self.index.digest()}"

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        idx = self.index
        matches: list[BankMatch] = []
        seen: set[tuple[str, str]] = set()
        for ident in ctx.identifiers:
            key = (ident.kind, ident.value)
            if key in seen:
                continue
            seen.add(key)
            if ident.kind in ("md5", "sha256"):
                matches.extend(idx.match_digest(ident.kind, ident.value))
            elif ident.kind != "pdq":
                matches.extend(idx.match_identifier(ident.kind, ident.value, start=ident.start, end=ident.end))
        for media in ctx.post.media:
            if media.pdq:
                matches.extend(idx.match_pdq(media.pdq, media.pdq_quality))
            for kind, value in (("md5", media.md5), ("sha256", media.sha256)):
                if value and (kind, value) not in seen:
                    seen.add((kind, value))
                    matches.extend(idx.match_digest(kind, value))
        if ctx.text:
            matches.extend(idx.match_text(ctx.text))
        return [match_evidence(m) for m in matches]
