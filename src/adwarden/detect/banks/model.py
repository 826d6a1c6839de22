"""Banks of known-bad signals: what a bank and an entry are.

A bank is a named, labelled list that can be switched off without being deleted (HMA's banks work the same
way). Every entry keeps its provenance (who added it, when, from what source) because a bank hit can end in a
CyberTipline report or a court: the platform must be able to say where each signal came from.

Identifier entries (phones, e-mails, handles, payment handles, URLs) are stored only as keyed hashes
(:mod:`adwarden.detect.banks.keys`), so a bank file can be shared with another platform holding the same key
without exposing anyone's number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Kinds stored as HMAC-SHA256 of the normalized value.
IDENTIFIER_KINDS = frozenset({"phone", "email", "handle", "payment", "url"})
#: Exact cryptographic media hashes.
DIGEST_KINDS = frozenset({"md5", "sha256"})
#: Every kind a bank entry can have.
ENTRY_KINDS = IDENTIFIER_KINDS | DIGEST_KINDS | {"text", "pdq"}


@dataclass(frozen=True)
class Bank:
    """A named list of signals. ``labels`` are the default labels of its entries (the first is used when an
    entry has none); a disabled bank is kept but never matched."""

    name: str
    labels: tuple[str, ...] = ()
    enabled: bool = True
    description: str = ""

    @property
    def default_label(self) -> str:
        return self.labels[0] if self.labels else self.name


@dataclass(frozen=True)
class BankEntry:
    """One signal. ``value`` is the stored form: HMAC hex for identifier kinds, normalized text for ``text``,
    lower-case hex for ``md5``/``sha256``/``pdq``."""

    kind: str
    value: str
    label: str = ""
    added_by: str = ""
    added_at: datetime | None = None
    source: str = ""
    line: int | None = field(default=None, compare=False)

    @property
    def hashed(self) -> bool:
        return self.kind in IDENTIFIER_KINDS
