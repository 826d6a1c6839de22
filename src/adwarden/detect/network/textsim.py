"""Slot-aware text for linking: mask what ring members change between copies of one ad.

Why: a trafficking ring rewrites one ad for each person and city -- a new name, a new phone written as words,
another price, another e-mail, a row of emoji -- and keeps the rest. If those slot values stay in the text,
two copies of one template look different and an unrelated ad that happens to share a name looks alike.
:func:`slot_text` replaces each slot value by a slot token (``qname``, ``qemail``, ``qurl``, ``qhandle``, ``0``
for numbers and number words) and drops emoji, so the similarity measures the template alone. Digit runs are
masked later by :mod:`adwarden.detect.neardup` itself.

The key depends on one record's text alone (no corpus statistics), so it can be computed when a post is
stored and gives the same value in the batch linker, the incremental linker and the Spark job.

>>> slot_text("Hi I'm KIRA :) call two oh six 555 0147 or kira22@example.com 💋💋")
"Hi I'm  qname  :) call  0   0   0  555 0147 or  qemail   "
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from adwarden.detect.neardup import Rewrite, texts_with
from adwarden.detect.network.names import find_names

__all__ = ["SLOTS", "mask_names", "slot_text", "slot_texts"]

_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u23FF\u25A0-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+")

# The e-mail, URL and number-word patterns are written for speed; their plain forms are
#
#     e-mail   [\w.+-]+\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[a-z]{2,6})+|@\w{2,}
#     URL      \b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|us|co|me|ly)\b(?:/\S*)?
#     numbers  \b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b  (trigger: without "one", "oh")
#
# all with re.IGNORECASE, and the masked text is the same (tests/network/test_slot_text.py checks that on random
# texts against the plain forms):
#
# * e-mail: ``[\w.+-]+`` before the at-sign is tried at every position of every word and backtracks through
#   the whole run each time (quadratic in the word length). A shorter run can never be followed by the at-sign
#   (the next character would be another ``[\w.+-]``, which is neither a space nor ``@ ( [``), so the run is
#   possessive, and a match can start inside a run only where the previous match ended (every other position
#   of the run shares the run's end with the run's first character, which was tried first): :func:`_at_sub`
#   tries the anchored pattern at that one position and otherwise searches with the run led by a
#   look-behind that rejects the middle of runs in one step.
# * URL: the same possessive run before the dot.
# * Both in an ASCII text: no match can start before the last space or newline that precedes the first
#   at-sign (or ``(at)``, ``[at]``; one space before it is allowed) or the first ``://``, ``www.`` or TLD
#   (a match holds no white space before those), so the scan starts after it (:func:`_scan_from`).
# * The number-word trigger and the URL in an ASCII text: ``str.lower`` and ``re.IGNORECASE`` agree on ASCII, so the
#   pattern cannot match unless one of its words (or TLDs) is a substring of the lower-cased text: a few
#   substring tests skip the ``\b``-led scan of most texts. Non-ASCII texts always run the pattern (``re.I``
#   lets ``s`` match U+017F and ``i`` U+0131, which ``str.lower`` does not give).
_AT_AT = re.compile(r"[\w.+-]++\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[a-z]{2,6})+|@\w{2,}",
                    re.IGNORECASE)
_AT_FROM = re.compile(
    r"(?<![\w.+-])[\w.+-]++\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[a-z]{2,6})+|@\w{2,}",
    re.IGNORECASE)
_URL_FAST = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]++\.(?:com|net|org|info|biz|us|co|me|ly)\b(?:/\S*)?",
                       re.IGNORECASE)
#: The number words and their trigger in the form of ``names._INTRO``: the first letter consumed from an explicit
#: class (every character the leading letters match under ``re.I``, U+017F for ``s``) so that ``re`` skips to
#: it, ``\b`` before it as ``(?<!\w\w)``, the rest of each word picked by a look-behind, in the original order.
_NUMWORD_FAST = re.compile(
    r"(?-i:[ZzOoTtFfSsEeNn\u017f])(?<!\w\w)(?:(?<=z)ero|(?<=o)h|(?<=o)ne|(?<=t)wo|(?<=t)hree|(?<=f)our|(?<=f)ive"
    r"|(?<=s)ix|(?<=s)even|(?<=e)ight|(?<=n)ine)\b", re.IGNORECASE)
#: Number words are masked only in a text that has one other than "one" and "oh" (a phone written in words),
#: so "the one and only" keeps its words.
_NUM_TRIGGER_FAST = re.compile(
    r"(?-i:[ZzTtFfSsEeNn\u017f])(?<!\w\w)(?:(?<=z)ero|(?<=t)wo|(?<=t)hree|(?<=f)our|(?<=f)ive"
    r"|(?<=s)ix|(?<=s)even|(?<=e)ight|(?<=n)ine)\b", re.IGNORECASE)
_TLDS = (".com", ".net", ".org", ".info", ".biz", ".us", ".co", ".me", ".ly")
#: ``any(t in low for t in _TLDS)`` as one scan, led by the dot (3.3 -> 0.9 µs per text with an e-mail).
_ANY_TLD = re.compile(r"\.(?:com|net|org|info|biz|us|co|me|ly)")
_TRIGGER_WORDS = ("zero", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _email_or_handle(m: re.Match[str]) -> str:
    return " qhandle " if m.group(0).startswith("@") else " qemail "


def _scan_from(text: str, low: str, hints: tuple[str, ...], gap: int) -> int:
    """Where a scan for a match holding one of ``hints`` (in ``low``, the lower-cased ASCII ``text``) may start:
    after the last space or newline more than ``gap`` characters before the first hint, else 0; ``-1`` when no
    hint occurs."""
    found = [i for h in hints if (i := low.find(h)) >= 0]
    if not found:
        return -1
    first = min(found) - gap
    return max(text.rfind(" ", 0, first), text.rfind("\n", 0, first)) + 1 if first > 0 else 0


_AT_HINTS = ("@", "(at)", "[at]")
_URL_HINTS = ("://", "www.", *_TLDS)


def _at_sub(text: str, low: str | None = None) -> str:
    """The plain e-mail pattern's ``sub(_email_or_handle, text)``, in linear time (see above); ``low``, the lower-cased text when it is
    ASCII, lets the scan start near the first at-sign."""
    out: list[str] = []
    pos = 0 if low is None else _scan_from(text, low, _AT_HINTS, 1)
    if pos < 0:
        return text
    start = pos
    while True:
        m = _AT_AT.match(text, pos) or _AT_FROM.search(text, pos)
        if m is None:
            break
        out.append(text[pos : m.start()])
        out.append(_email_or_handle(m))
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return text[:start] + "".join(out)


def _url_sub(text: str, low: str | None) -> tuple[str, int]:
    """The plain URL pattern's ``subn(" qurl ", text)``; ``low`` as for :func:`_at_sub`."""
    pos = 0 if low is None else _scan_from(text, low, _URL_HINTS, 0)
    if pos < 0:
        return text, 0
    out: list[str] = [text[:pos]]
    n = 0
    for m in _URL_FAST.finditer(text, pos):
        out.append(text[pos : m.start()])
        out.append(" qurl ")
        pos = m.end()
        n += 1
    if not n:
        return text, 0
    out.append(text[pos:])
    return "".join(out), n


def slot_text(text: str) -> str:
    """``text`` with its slot values masked (see the module docstring).

    Every pattern runs on every text given (the substring tests only skip a pattern that cannot match), so
    the result does not depend on the batch prefilter of :func:`slot_texts`.
    """
    low, ascii_ = text.lower(), text.isascii()
    if "@" in text or "(at)" in low or "[at]" in low:
        text = _at_sub(text, low if ascii_ else None)
        low = text.lower()
    if "://" in text or "www." in low or (_ANY_TLD.search(low) is not None if ascii_ else "." in text):
        text, n = _url_sub(text, low if ascii_ else None)
        if n:
            low = text.lower()
    if not ascii_:
        text = _EMOJI.sub(" ", text)
    if (not ascii_ or any(w in low for w in _TRIGGER_WORDS)) and _NUM_TRIGGER_FAST.search(text):
        text = _NUMWORD_FAST.sub(" 0 ", text)
    return mask_names(text)


def mask_names(text: str) -> str:
    """``text`` with every introduced name (:func:`~adwarden.detect.network.names.find_names`) replaced by the
    ``qname`` slot, wherever it appears: the last step of :func:`slot_text`, after the other slots."""
    names = find_names(text)
    if names:
        alt = "|".join(re.escape(n) for n in names)
        text = re.sub(r"\b(?:" + alt + r")\b", " qname ", text, flags=re.IGNORECASE)
    return text


#: Words (in the character-shingle form of :func:`~adwarden.detect.neardup.texts_with`) without which no slot
#: pattern can match: URLs, spelled-out e-mails, number words, the phrases that introduce a name (see
#: ``names._INTRO``). Texts with none of them, no ``@`` and no non-ASCII character are left as they are.
_NEEDLES = (" www", " http", " com ", " net ", " org ", " info ", " biz ", " us ", " co ", " me ", " ly ", " at ",
            " dot ", " zero", " two", " three", " four", " five", " six", " seven", " eight", " nine",
            " name", " i am ", " i m ", " im ", " ask for", " this is", " call me", " it s ", " its ", " ill be",
            " i ll be")


def slot_texts(texts: Sequence[str]) -> list[str]:
    """:func:`slot_text` of each text; texts in which no slot can occur (found for the whole batch at once
    with :func:`~adwarden.detect.neardup.texts_with`) are returned unchanged without a regex scan."""
    maybe = texts_with(texts, _NEEDLES, chars=b"@", non_ascii=True)
    return [slot_text(t) if m else t for t, m in zip(texts, maybe.tolist(), strict=True)]


#: Slot masking as a :class:`~adwarden.detect.neardup.Rewrite`: run only on texts where a slot can occur.
SLOTS = Rewrite(slot_text, _NEEDLES, b"@", True)
