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

__all__ = ["SLOTS", "slot_text", "slot_texts"]

_AT = re.compile(r"[\w.+-]+\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[a-z]{2,6})+|@\w{2,}",
                 re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|us|co|me|ly)\b(?:/\S*)?", re.IGNORECASE)
_NUMWORD = re.compile(r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u23FF\u25A0-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+")
# Cheap substring tests decide which patterns can match: most texts need none of them, and a regex scan of
# every text would cost more than hashing it (the linker keys a million ads in seconds).
_URL_HINTS = ("://", "www.", ".com", ".net", ".org", ".info", ".biz", ".us", ".co", ".me", ".ly")
_NUM_HINTS = ("zero", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NAME_HINTS = ("name", "i am", "i'm", "im ", "ask for", "this is", "call me", "it's", "its ", "ill be", "i'll be")


def _email_or_handle(m: re.Match[str]) -> str:
    return " qhandle " if m.group(0).startswith("@") else " qemail "


def slot_text(text: str) -> str:
    """``text`` with its slot values masked (see the module docstring)."""
    low = text.lower()
    if "@" in low or "(at)" in low or "[at]" in low:
        text = _AT.sub(_email_or_handle, text)
    if any(h in low for h in _URL_HINTS):
        text = _URL.sub(" qurl ", text)
    if not text.isascii():
        text = _EMOJI.sub(" ", text)
    if any(h in low for h in _NUM_HINTS):
        text = _NUMWORD.sub(" 0 ", text)
    if any(h in low for h in _NAME_HINTS):
        names = find_names(text)
        if names:
            alt = "|".join(re.escape(n) for n in names)
            text = re.sub(r"\b(?:" + alt + r")\b", " qname ", text, flags=re.IGNORECASE)
    return text


#: Words (in the character-shingle form of :func:`~adwarden.detect.neardup.texts_with`) without which no slot
#: pattern can match: URLs, number words, the phrases that introduce a name.
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
