"""Text that is always valid XML 1.0, with every replacement visible.

XML 1.0 cannot hold U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF or lone surrogates, and
ingest accepts any JSON string. If those characters reached a CyberTip unchanged, whoever wrote the ad
could stop it being reported (the serializer writes them, the schema check then fails). C1 controls
(U+007F-U+009F) are legal XML but invisible and confusing to the analyst, so they are replaced too.

Each replaced character becomes ``[U+XXXX]``: the reader sees that something was there and what it was.

>>> xml_safe("a\\uffffb")
('a[U+FFFF]b', 1)
"""

from __future__ import annotations

import re

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _marker(match: re.Match[str]) -> str:
    return f"[U+{ord(match.group()):04X}]"


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` with every character XML 1.0 cannot hold (or that is an invisible control) replaced by
    ``[U+XXXX]``, and how many were replaced."""
    return _INVALID.subn(_marker, text)


def replacement_note(count: int) -> str:
    """The sentence added to a document when ``count`` characters were replaced."""
    return (
        f"Note from AdWarden: {count} character(s) that XML cannot carry or that are invisible control "
        "characters were replaced by [U+XXXX] (their code point); the platform's stored copy has the exact text."
    )


def utf8(text: str) -> bytes:
    """``text`` as UTF-8 even when it holds lone surrogates (which UTF-8 cannot encode): they are written
    as ``\\udXXX`` escapes, visible in HTML and text, and exactly the JSON escape inside a JSON string."""
    return text.encode("utf-8", "backslashreplace")
