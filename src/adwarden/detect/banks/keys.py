"""Normalize identifiers the way extraction does, then hash them with a per-deployment key.

A bank entry and a post must agree on the form of an identifier before hashing, or a banked phone would never
match: ``(206) 555-0147`` in a bank file and ``two-oh-six 555 0147`` in an ad both become ``+12065550147``
(E.164). The keyed hash (HMAC-SHA256 with ``ADWARDEN_BANK_HMAC_KEY``) lets platforms that agree on a key share
banks without exposing the numbers, and stops anyone without the key from testing guesses offline.

>>> normalize_identifier("phone", "(206) 555-0147")
'+12065550147'
>>> normalize_identifier("url", "HTTPS://www.Example.com/p/1/")
'example.com/p/1'
>>> len(keyed_hash("phone", "+12065550147", b"k"))
64
"""

from __future__ import annotations

import hashlib
import hmac
import re

from adwarden.domain import InputError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_HANDLE = re.compile(r"^[a-z0-9._-]{2,64}$")
_PLAIN_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")


def normalize_identifier(kind: str, raw: str, *, region: str = "US") -> str:
    """The canonical form of an identifier (what extraction produces). Raises :class:`InputError`."""
    value = raw.strip()
    if not value:
        raise InputError("empty value", field="value")
    if kind == "phone":
        return _phone(value, region)
    if kind == "email":
        v = value.lower()
        if not _EMAIL.match(v):
            raise InputError(f"not an e-mail address: {raw!r}", field="value")
        return v
    if kind == "handle":
        v = value.lstrip("@").lower().rstrip("._-")
        if not _HANDLE.match(v):
            raise InputError(f"not a handle: {raw!r}", field="value")
        return v
    if kind == "payment":
        v = value.lower()
        v = "$" + v[1:] if v.startswith("$") else v.lstrip("@")
        if len(v) < 2 or " " in v:
            raise InputError(f"not a payment handle: {raw!r}", field="value")
        return v
    if kind == "url":
        return canonical_url_key(value)
    raise InputError(f"unknown identifier kind {kind!r}", field="kind")


def canonical_url_key(raw: str) -> str:
    """Host (lower case, no ``www.``) and path without scheme, fragment or trailing slash."""
    from adwarden.extract.contacts import canonical_url

    url, host = canonical_url(raw.strip())
    if "." not in host:
        raise InputError(f"not a URL: {raw!r}", field="value")
    return re.sub(r"^https?://", "", url)


def _phone(value: str, region: str) -> str:
    import phonenumbers

    if _PLAIN_PHONE.match(value):
        try:
            num = phonenumbers.parse(value, region)
            if phonenumbers.is_possible_number(num):
                return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            pass
    from adwarden.extract import extract_all

    found = extract_all(value, region=region).phones
    if found:
        return found[0].value
    raise InputError(f"not a phone number: {value!r}", field="value")


def keyed_hash(kind: str, normalized: str, key: bytes) -> str:
    """HMAC-SHA256 over ``kind:value``: the stored form of an identifier entry."""
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def identifier_digest(kind: str, raw: str, key: bytes, *, region: str = "US") -> str:
    """Normalize then hash (what a bank import does with each identifier)."""
    return keyed_hash(kind, normalize_identifier(kind, raw, region=region), key)
