"""Phone numbers through every obfuscation, as E.164.

How it works (fast path first):

1. :func:`adwarden.extract.numwords.digit_sequences` scans the folded text once with a linear regex
   and yields sequences of at least 7 digits (number words, look-alike letters and exotic digits
   already read as digits). Ads without such a sequence cost one regex scan.
2. Each sequence is a list of *groups* (digits written together). A candidate phone starts and ends
   on group boundaries. It is accepted only if it is **the whole sequence** or has **the shape of a
   phone number** (``3-3-4``, ``1-3-3-4``, ten digits together, digit by digit, ...), so a date or a
   list of prices next to a number cannot lend it digits, and a measurement like ``34-24-36`` is
   never long enough.
3. Candidates are validated and formatted in the post's region (from the ``region`` argument, or
   the URL / location of the post), with ``+``/``00``/``011`` or a leading country-code group read
   as international, by :mod:`adwarden.extract.phone_validate` (``phonenumbers``, with an exact
   fast path for NANP numbers and a cache per distinct candidate).
4. A sequence that gives no number in that region (or leaves 7+ digits unread) is read again in the
   regions the text itself points to (:func:`adwarden.extract.region_hints.fallback_regions`: a
   country or large city named after a location word, the language, the script), once per text and
   only when needed: ``New in London, 07700 900123`` -> ``+447700900123``.
5. Numbers right after an ID word (``post id``, ``ref #``, ``order no``) are dropped, and so is any
   run of more than 11 digits written together without a ``+`` (timestamps, listing IDs). In a URL
   no number spans a ``/``, ``?``, ``&``, ``=`` or ``#`` (an age ending the slug + the post ID).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType

import phonenumbers

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.facts import Fact
from adwarden.extract.literals import AnyOf
from adwarden.extract.numwords import ANCHOR_WORDS, Sequence, digit_runs, digit_sequences
from adwarden.extract.phone_validate import validate
from adwarden.extract.region_hints import fallback_regions, has_foreign_letters
from adwarden.extract.wordsets import add_words, word_hits

__all__ = ["PhoneExtractor", "find_phones"]

_NO_ATTRS: MappingProxyType[str, object] = MappingProxyType({})
_NANP_REGIONS = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP", "BS", "BB", "JM", "TT", "DO"})

# Group shapes that are how people write phone numbers. Anything else must be the whole sequence.
# NANP shapes are always trusted; the others (national formats elsewhere) only outside NANP or
# after an explicit "+"/"00", so "2013 206 555" from a date before a US number is not a phone.
_NANP_SHAPES = frozenset(
    {(3, 3, 4), (1, 3, 3, 4), (3, 7), (6, 4), (3, 3, 2, 2), (1, 3, 7), (1, 10), (10,), (11,), (1, 3, 3, 2, 2)}
)
_OTHER_SHAPES = frozenset(
    {
        (3, 4, 4), (4, 3, 3), (4, 3, 4), (5, 6), (4, 6), (3, 4, 3), (2, 4, 4), (2, 3, 3, 3), (2, 10),
        (3, 3, 3), (2, 3, 4, 4), (2, 2, 3, 3), (2, 4, 3, 3), (2, 3, 3, 4), (3, 3, 3, 4), (2, 5, 5),
        (2, 5, 6), (3, 4, 4, 4), (2, 2, 2, 2, 2), (4, 4), (3, 3, 3, 3), (12,), (2, 9), (3, 9), (5, 5),
    }
)

# Number words are found by the shared literal pass (adwarden.extract.wordsets).
add_words("number_words", ANCHOR_WORDS)
_MAX_GROUPS = 64
_ID_BEFORE = re.compile(
    r"(?:\b(?:id|post(?:ing)?|ref(?:erence)?|order|invoice|case|item|sku|tracking|listing|"
    r"confirmation|conf|ticket|account|acct|ad|ads|report|serial|isbn|zip|code)s?"
    r"\s*(?:#|no\b\.?|num(?:ber)?\b|nr\b\.?|:|=|-|\s)*|\bid)\s*$"
)


_ID_HINTS = ("id", "post", "ref", "order", "invoice", "case", "item", "sku", "track", "listing", "conf",
             "ticket", "acc", "acct", "ad", "report", "serial", "isbn", "zip", "code")
# One automaton pass over the 24 characters before a number instead of 20 substring tests on a slice
# (WA 2013, every digit run: 5.0 -> 0.7 µs per number).
_ID_HINT_PRESENT = AnyOf(_ID_HINTS)


def _id_before(text: str, start: int) -> bool:
    """Is the number at ``start`` labelled as an ID ("post id:", "ref #", "order no")?"""
    lo = max(0, start - 24)
    if not _ID_HINT_PRESENT.within(text, lo, start):
        return False  # cheap test first: most numbers have no ID word before them
    return _ID_BEFORE.search(text[lo:start]) is not None


def _is_shape(lengths: tuple[int, ...], nanp: bool) -> bool:
    if lengths in _NANP_SHAPES or (not nanp and lengths in _OTHER_SHAPES):
        return True
    # Digit by digit, or mostly single digits with number words like "fifty five".
    return len(lengths) >= 5 and max(lengths) <= 2


def _too_long(digits: str, cc: str) -> bool:
    """More than 11 digits written together: an ID, unless it starts with the region's country code."""
    return len(digits) > 11 and not (cc and digits.startswith(cc) and len(digits) <= 13)


def _strip_intl_prefix(digits: str, region: str) -> str | None:
    """Digits after an international dialling prefix (00, or 011 in NANP), if present.

    ``00`` counts in NANP too: no NANP number starts with 0, and ads written from abroad use it.
    """
    if region in _NANP_REGIONS and digits.startswith("011"):
        return digits[3:]
    return digits[2:] if digits.startswith("00") else None


def _candidate(digits: str, lengths: tuple[int, ...], region: str, plus: bool, whole: bool) -> str | None:
    """E.164 for one candidate, trying international forms first when they are signalled."""
    if len(digits) > 15 or len(digits) < 7:
        return None
    if plus:
        return validate(digits, region, True)
    intl = _strip_intl_prefix(digits, region)
    if intl is not None and len(intl) >= 7:
        return validate(intl, region, True)
    if region in _NANP_REGIONS:
        if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
            found = validate(digits, region, False)
            if found is not None:
                return found
    else:
        found = validate(digits, region, False)
        if found is not None:
            return found
        # A US or Canadian number in a foreign ad, written the NANP way (with or without the leading 1).
        if (len(digits) == 10 and lengths in ((3, 3, 4), (10,))) or (
            len(digits) == 11 and digits[0] == "1" and lengths in ((11,), (1, 10), (1, 3, 3, 4))
        ):
            found = validate(digits, "US", False)
            if found is not None:
                return found
    # A country code written as its own first group ("91-9643094927", "44 7700 900123").
    if (whole or len(lengths) > 1) and lengths[0] <= 3 and len(digits) >= 10 and digits[0] not in "01":
        found = validate(digits, region, True)
        if found is not None:
            return found
    return None


def _phones_in_sequence(text: str, seq: Sequence, region: str) -> list[tuple[str, int, int]]:
    """(E.164, folded start, folded end) of every phone in one digit sequence."""
    groups = seq.groups
    n = len(groups)
    if n > _MAX_GROUPS:
        return []  # hundreds of number groups in a row is a table or garbage, never a phone
    nanp = region in _NANP_REGIONS
    # Fast path (most ads): the whole sequence is one phone number written the usual way.
    digits_all = [g.digits for g in groups]
    lengths_all = tuple(map(len, digits_all))
    if 7 <= sum(lengths_all) <= 15 and _is_shape(lengths_all, nanp and not seq.plus):
        found_all = _candidate("".join(digits_all), lengths_all, region, seq.plus, True)
        if found_all is not None:
            start = groups[0].start
            if not _id_before(text, start):
                if seq.plus:
                    start = text.rindex("+", max(0, start - 4), start)
                elif start > 0 and text[start - 1] == "(" and ")" in text[start : groups[-1].end]:
                    start -= 1
                return [(found_all, start, groups[-1].end)]
    cc = "" if nanp else str(phonenumbers.country_code_for_region(region) or "")
    found: list[tuple[int, int, int, int, str]] = []  # (-score, -ndigits, i, j, e164)
    # Every run of consecutive groups is a candidate. The digits and lengths of a run are only built
    # once it has 7-15 digits; until then its length is a running sum (most runs are too short).
    too_long = [_too_long(d, cc) for d in digits_all]
    for i in range(n):
        plus = seq.plus and i == 0
        if too_long[i] and not plus:
            continue  # long runs written together are IDs or timestamps
        total = 0
        for j in range(i, n):
            if too_long[j] and not plus:
                break
            total += lengths_all[j]
            if total > 15:
                break
            if total < 7:
                continue
            lengths = lengths_all[i : j + 1]
            whole = i == 0 and j == n - 1
            shape = _is_shape(lengths, nanp and not plus)
            # Outside NANP (a region the post's URL or location gave us), national formats vary
            # too much to list: any grouping of 2+ digits per group is plausible.
            loose = not nanp and min(lengths) >= 2 and total >= 9
            if not (whole or shape or loose):
                continue
            e164 = _candidate("".join(digits_all[i : j + 1]), lengths, region, plus, whole)
            if e164 is None:
                continue
            score = (2 if shape else 0) + (1 if whole else 0) + (1 if plus else 0)
            found.append((-score, -total, i, j, e164))
    if not found:
        return []
    found.sort()
    taken = [False] * n
    out: list[tuple[str, int, int]] = []
    for _neg_score, _neg_len, i, j, e164 in found:
        if any(taken[i : j + 1]):
            continue
        start = groups[i].start
        if _id_before(text, start):
            continue
        for k in range(i, j + 1):
            taken[k] = True
        if i == 0 and seq.plus:
            start = text.rindex("+", max(0, start - 4), start)
        elif start > 0 and text[start - 1] == "(" and ")" in text[start : groups[j].end]:
            start -= 1
        out.append((e164, start, groups[j].end))
    return out


def _covered(found: list[tuple[str, int, int]]) -> int:
    return sum(b - a for _e, a, b in found)


def _uncovered(seq: Sequence, found: list[tuple[str, int, int]], text: str) -> bool:
    """Is ``seq`` worth reading in another region?

    Yes when nothing in it is a number here. When part of it is, only if the rest could be a number
    of its own (7+ digits), or the ad is written in accents or another script (``8 916 223 45 67``:
    a valid US number inside a Russian one).
    """
    if not found:
        return True
    groups = seq.groups
    if len(found) == 1 and found[0][1] <= groups[0].start and found[0][2] >= groups[-1].end:
        return False  # one number over the whole sequence (the usual case): nothing left to read
    first, last = found[0][1], max(b for _e, _a, b in found)
    rest = sum(len(g.digits) for g in seq.groups if g.end <= first or g.start >= last)
    return rest >= 7 or (rest > 0 and has_foreign_letters(text))


def _worth_another_region(seq: Sequence) -> bool:
    """Enough digits for a national number elsewhere (9-13), and not a date or a clock time."""
    n = sum(len(g.digits) for g in seq.groups)
    if not 9 <= n <= 13:
        return False
    # A group of four starting 19/20 next to groups of one or two digits is a date ("12.03.2015").
    lengths = [len(g.digits) for g in seq.groups]
    if any(ln == 4 and g.digits[:2] in ("19", "20") for ln, g in zip(lengths, seq.groups, strict=True)):
        return max(lengths) > 4 or sum(1 for ln in lengths if ln <= 2) < 2
    return True


def find_phones(ctx: ExtractContext, region: str) -> Iterator[Fact]:
    """Phone facts in ``ctx.text`` read in ``region``; spans index the original text."""
    folded = ctx.folded
    text = folded.text
    seen: set[tuple[str, int]] = set()
    runs = ctx.memo.get("digit_runs")
    if runs is None:
        runs = ctx.memo["digit_runs"] = digit_runs(text)
    spans: list[tuple[int, int]] = ctx.memo.setdefault("phone_spans", [])
    fallback: tuple[str, ...] | None = None
    word_starts = sorted({a for a, _b in word_hits(ctx, "number_words")})
    nanp = region in _NANP_REGIONS
    for seq in digit_sequences(text, runs=runs, word_starts=word_starts):
        if nanp and not seq.plus and sum([len(g.digits) for g in seq.groups]) < 9:
            # Read the NANP way, fewer than 9 digits without a "+" are no number (a national one has 10,
            # one after "00" at least 9), and too few to try another region: a post ID, a date, a time.
            continue
        found = _phones_in_sequence(text, seq, region)
        if _uncovered(seq, found, ctx.text) and _worth_another_region(seq):
            # Not (all) read in the post's region: try the regions the text itself points to.
            if fallback is None:
                fallback = ctx.memo.get("fallback_regions")
                if fallback is None:
                    fallback = ctx.memo["fallback_regions"] = fallback_regions(ctx.text, region)
            for other in fallback:
                alt = _phones_in_sequence(text, seq, other)
                if _covered(alt) > _covered(found):
                    found = alt
                    break
        for e164, a, b in found:
            spans.append((a, b))
            start, end = folded.span(a, b)
            if (e164, start) in seen:
                continue
            seen.add((e164, start))
            yield Fact("phone", e164, start, end, _NO_ATTRS)


@register
class PhoneExtractor(Extractor):
    """Phone numbers as E.164, in the region of the post."""

    kind = "phone"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        if ctx.url is not None and ctx.text == ctx.url:
            return find_phones(_url_context(ctx), ctx.region)
        return find_phones(ctx, ctx.region)


# Path, query and fragment delimiters of a URL, replaced by a letter of the same length.
_URL_DELIMITERS = "/?&=#"


def _url_context(ctx: ExtractContext) -> ExtractContext:
    """The URL with its path and query delimiters masked, so no number spans two segments.

    A phone written in a URL sits inside one segment (``/call-206-555-0147/``); digits across a
    ``/`` are an age at the end of a slug followed by the post ID (``...-25/13538952``), or a date
    directory next to an ID, and thousands of unrelated ads would share such a "number". Spans are
    unchanged: the replacement keeps every character in place.
    """
    masked = ctx.text
    for c in _URL_DELIMITERS:  # five replace() calls: a str.translate with a dict costs 10 times more here
        if c in masked:
            masked = masked.replace(c, "x")
    return ExtractContext(masked, region=ctx.region, url=ctx.url, location=ctx.location)
