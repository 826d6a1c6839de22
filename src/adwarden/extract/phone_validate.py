"""Phone-number validation with a cache per distinct candidate and a fast path for NANP numbers.

Why: a profile of a million-ad corpus put most of the extraction time in
``phonenumbers.parse`` + ``is_valid_number``, which cost 50-100 µs per call. Two things make that
cheap without changing a single answer:

* an LRU cache over the normalized candidate ``(digits, region, international)`` -> E.164 (or
  ``None``), so a number repeated across ads (a network's phone, a site's support line) is parsed
  once;
* for 10-digit national numbers in the North American Numbering Plan (the bulk of US/Canadian
  ads), validity is decided directly from ``phonenumbers``' own metadata: the same region-selection
  rule as :func:`phonenumbers.is_valid_number` (leading digits first, else the first region whose
  patterns match) over each region's number patterns, compiled once. The E.164 form of a valid
  NANP number is ``+1`` followed by its ten digits, so no ``PhoneNumber`` object is built.

Everything else (other countries, national trunk prefixes, ``+``-prefixed input) goes through
:mod:`phonenumbers` itself. A test compares the fast path with ``phonenumbers`` on random numbers
and on every area code, so an update of the metadata cannot make the two disagree silently.

>>> validate("2065550147", "US", False)
'+12065550147'
>>> validate("1234567890", "US", False) is None
True
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

__all__ = ["NANP_REGIONS", "cache_info", "nanp_e164", "validate"]

_E164 = phonenumbers.PhoneNumberFormat.E164

#: Regions of country calling code 1 (the North American Numbering Plan).
NANP_REGIONS = frozenset(COUNTRY_CODE_TO_REGION_CODE.get(1, ()))

# Number descriptions that make a number valid when they match (``_number_type_helper`` returns a
# type other than UNKNOWN for any of them).
_DESC_NAMES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
    "fixed_line", "mobile",
)

_Rule = tuple[re.Pattern[str] | None, re.Pattern[str], tuple[tuple[frozenset[int], re.Pattern[str]], ...]]
_NANP_RULES: list[tuple[_Rule, ...]] = []
_LOCK = threading.Lock()


def _rules() -> tuple[_Rule, ...]:
    """(leading digits, general pattern, ((possible lengths, pattern), ...)) per NANP region, in order."""
    if not _NANP_RULES:
        with _LOCK:
            if not _NANP_RULES:
                rules: list[_Rule] = []
                for region in COUNTRY_CODE_TO_REGION_CODE.get(1, ()):
                    md = PhoneMetadata.metadata_for_region(region, None)
                    if md is None or md.general_desc is None or not md.general_desc.national_number_pattern:
                        continue
                    leading = re.compile(md.leading_digits) if md.leading_digits else None
                    descs = []
                    for name in _DESC_NAMES:
                        desc = getattr(md, name, None)
                        if desc is None or not desc.national_number_pattern:
                            continue
                        descs.append((frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)))
                    rules.append((leading, re.compile(md.general_desc.national_number_pattern), tuple(descs)))
                _NANP_RULES.append(tuple(rules))
    return _NANP_RULES[0]


def _valid_in(nsn: str, general: re.Pattern[str], descs: tuple[tuple[frozenset[int], re.Pattern[str]], ...]) -> bool:
    if general.fullmatch(nsn) is None:
        return False
    n = len(nsn)
    return any((not lengths or n in lengths) and rx.fullmatch(nsn) is not None for lengths, rx in descs)


@lru_cache(maxsize=1 << 17)
def nanp_e164(nsn: str) -> str | None:
    """``+1`` + ``nsn`` if the ten digits are a valid NANP number (as ``phonenumbers`` decides), else ``None``."""
    if len(nsn) != 10 or not nsn.isdigit():
        return None
    for leading, general, descs in _rules():
        if leading is not None:
            if leading.match(nsn):
                return "+1" + nsn if _valid_in(nsn, general, descs) else None
        elif _valid_in(nsn, general, descs):
            return "+1" + nsn
    return None


@lru_cache(maxsize=1 << 17)
def validate(digits: str, region: str, international: bool) -> str | None:
    """E.164 of ``digits`` read in ``region`` (or as ``+digits``), or ``None`` if not a valid number."""
    # Ten digits that cannot start with a trunk or international prefix: the NANP fast path.
    if len(digits) == 10 and not international and region in NANP_REGIONS and digits[0] not in "01":
        return nanp_e164(digits)
    if len(digits) == 11 and digits[0] == "1" and digits[1] not in "01" and (
        international or region in NANP_REGIONS
    ):
        return nanp_e164(digits[1:])
    fictional = _fictional(digits, region, international)
    if fictional is not None:
        return fictional
    try:
        if international:
            num = phonenumbers.parse("+" + digits, None)
        else:
            num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, _E164)


# Ranges regulators reserve for fiction, which ``phonenumbers`` reports as invalid but which synthetic
# data and tests use the way US examples use 555-01xx: (country code, national prefix, E.164 prefix).
# Ofcom: mobile numbers 07700 900000-900999 are reserved for drama (never assigned to a person).
_FICTIONAL = (("44", "7700900", "+447700900"),)


def _fictional(digits: str, region: str, international: bool) -> str | None:
    for cc, national, e164 in _FICTIONAL:
        if international:
            rest = digits[len(cc):] if digits.startswith(cc) else ""
        elif phonenumbers.country_code_for_region(region) == int(cc):
            rest = digits[1:] if digits.startswith("0") else ""
        else:
            continue
        if len(rest) == len(national) + 3 and rest.startswith(national) and rest.isdigit():
            return e164 + rest[len(national):]
    return None


def cache_info() -> dict[str, int]:
    """Hits and misses of the validation cache (for benchmarks and operations)."""
    info = validate.cache_info()
    return {"hits": info.hits, "misses": info.misses, "size": info.currsize}
