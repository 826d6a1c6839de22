"""Banks of known-bad identifiers, text templates and image hashes, with provenance per entry.

>>> from adwarden.detect.banks import Bank, BankIndex, parse_bank_file
>>> entries = parse_bank_file(b"kind,value,label\\nphone,(206) 555-0147,trafficking\\n", key=b"k")
>>> idx = BankIndex([(Bank("local", ("trafficking",)), entries)], key=b"k")
>>> [m.entry.label for m in idx.match_identifier("phone", "+12065550147")]
['trafficking']
"""

from adwarden.detect.banks.detector import BankDetector, match_evidence
from adwarden.detect.banks.files import (
    detect_format,
    entry_from_value,
    export_csv,
    export_hma,
    export_pytx,
    parse_bank_file,
)
from adwarden.detect.banks.images import ImageHashes, hash_image, media_ref_for
from adwarden.detect.banks.index import BankIndex, BankMatch
from adwarden.detect.banks.keys import identifier_digest, keyed_hash, normalize_identifier
from adwarden.detect.banks.model import ENTRY_KINDS, IDENTIFIER_KINDS, Bank, BankEntry
from adwarden.detect.banks.pdq_index import PdqIndex

__all__ = [
    "ENTRY_KINDS",
    "IDENTIFIER_KINDS",
    "Bank",
    "BankDetector",
    "BankEntry",
    "BankIndex",
    "BankMatch",
    "ImageHashes",
    "PdqIndex",
    "detect_format",
    "entry_from_value",
    "export_csv",
    "export_hma",
    "export_pytx",
    "hash_image",
    "identifier_digest",
    "keyed_hash",
    "media_ref_for",
    "match_evidence",
    "normalize_identifier",
    "parse_bank_file",
]
