"""Persona names an ad introduces ("my name is Kira", "ask for Jade").

Why: one phone answering for many different names (or one name behind many phones) is a classic sign that a
third party runs the ads (Traffic Jam and Spotlight both look for it). A full person-name recogniser is not
needed for that signal: ads introduce the persona with a handful of fixed phrases, so a pattern with a
capitalised word after it, minus a stop list of words that follow those phrases, finds the names with few
false hits and no model.

>>> find_ages("I am 22, new in town. 23yo friend. 19 years young")
(19, 22, 23)
>>> find_names("Hi, my name is Kira and I'm new in town. Ask for KIRA. This is Jade.")
('Kira', 'Jade')
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["find_ages", "find_names", "may_state_ages"]

# Why the patterns look the way they do: a pattern led by ``\b`` gives ``re`` no first character to scan for,
# so it is tried at every position of the text (20 µs per 500-character ad, two passes per post in a scan). Both
# patterns therefore consume their first character from an explicit class (every character the leading letters
# match case-insensitively, including dotted and dotless I, in a group without ``re.I`` so that ``re`` can skip
# ahead to it), check ``\b`` before it as ``(?<!\w\w)`` (the first character is a word character) and pick
# the alternatives that begin with it by a one-character look-behind, in the original order. The matches are
# those of the plain ``\b(?:my\s+name\s+is|...)`` forms (tests/scan/test_names.py checks that on random
# texts); about 2.2x faster on both.
_INTRO = re.compile(
    r"(?-i:[AaCcIiMmNnTt\u0130\u0131])(?<!\w\w)"
    r"(?:(?<=m)y\s+name\s+is|(?<=m)y\s+names?|(?<=n)ame'?s|(?<=i)\s+am|(?<=i)'?m|(?<=a)sk\s+for|(?<=t)his\s+is"
    r"|(?<=c)all\s+me|(?<=i)t'?s|(?<=i)'?ll\s+be)"
    r"\s+([A-Z][A-Za-z]{1,14})\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    """
    a an the new here back in on at out your you not so very just sweet available only only ready real
    visiting waiting looking open young an all always about from fresh fun friendly petite sexy ur u
    hot pretty beautiful gorgeous sure glad happy up over down now today tonight this that going
    coming staying leaving located upscale discreet clean classy independent mature exotic busy
    free 100 100% black white latina asian blonde brunette ebony italian american also simply truly
    definitely currently finally really still well good great best first last one two three
    """.split()
)


#: Every name :func:`find_names` keeps is a capitalised word (its first character ``A``-``Z``, ``İ`` or the Kelvin
#: sign: the ones ``[A-Z]`` matches under ``re.I`` that are not lower case) after whitespace, and before that
#: whitespace either more whitespace or the last two characters of an introduction: ``is``, ``me``, ``es``,
#: ``'s``, ``am``, ``im``, ``'m``, ``or``, ``ts``, ``be`` (in any case ``re.I`` matches them: ``i`` also as ``İ``
#: and dotless ``ı``, ``s`` also as ``ſ``). A text without such a place keeps no name; the search for one is led
#: by the capital letters, so it skips ahead in C (synthetic ads, µs per ad: about 2 instead of 9 for the
#: introduction pattern). Two characters instead of one reject the city names of titles ("in Los Angeles",
#: "Las Vegas" and a new line), which made four in ten ads with an e-mail address run the introduction
#: pattern for nothing (about one in ten now; find_names on those ads 7.1 -> 3.5 µs).
_NAME_PLACE = re.compile(
    r"[A-Z\u0130\u212a](?<=[sSeEmMrR\u017f\s]\s.)(?<=(?:[iI\u0130\u0131][sS\u017f]|[eEtT'][sS\u017f]|[mMbB][eE]|[aAiI\u0130\u0131'][mM]|[oO][rR]"
    r"|[\s\S]\s)\s.)"
)


def find_names(text: str) -> tuple[str, ...]:
    """Distinct introduced names in order of first use, title-cased (``KIRA`` and ``Kira`` are one name)."""
    if _NAME_PLACE.search(text) is None:
        return ()
    seen: dict[str, None] = {}
    for m in _INTRO.finditer(text):
        word = m.group(1)
        if word.lower() in _STOP:
            continue
        if word[0].islower():
            continue
        seen.setdefault(word[0].upper() + word[1:].lower(), None)
    return tuple(seen)


#: ``\b(?:i\s*am|i'?m|age[ds]?:?|aged)\s*(\d{2})\b(?!...)|\b(\d{2})\s*(?:yo|...)`` in the form explained
#: above; in the second alternative the first digit is the consumed first character.
_AGE = re.compile(
    r"(?-i:[AaIi\u0130\u0131\d])(?<!\w\w)"
    r"(?:(?:(?<=i)\s*am|(?<=i)'?m|(?<=a)ge[ds]?:?|(?<=a)ged)\s*(\d{2})\b(?!\s*(?:min|\$|roses|dollars|%))"
    r"|(?<=\d)(\d)\s*(?:yo|y/o|yrs?\b|years?\s+(?:old|young)))",
    re.IGNORECASE,
)


#: Every match of ``_AGE`` holds a run of exactly two digits (``\d``, as there): its ``(\d{2})`` or first digit and
#: ``(\d)`` follow a cue letter, ``:``, a space or a non-word character and are followed by a non-word character
#: or by a space or ``y``. A text without such a run has no age; searching for one is led by ``\d`` and so
#: skips ahead in C (synthetic ads, µs per ad: 3.1 instead of 7.2 for the age pattern; most such ads have no
#: two-digit run).
_TWO_DIGITS = re.compile(r"\d(?<!\d\d)\d(?!\d)")
#: The same for an ASCII text, where ``\d`` is ``[0-9]``, a range ``re`` tests faster than the digit category
#: (2.9 -> 2.0 µs per synthetic ad).
_TWO_ASCII_DIGITS = re.compile(r"[0-9](?<![0-9][0-9])[0-9](?![0-9])")


def find_ages(text: str) -> tuple[int, ...]:
    """Stated ages (13-79) in the common phrasings ("I am 22", "22yo", "22 years young"), sorted, distinct.

    The extraction layer has a fuller age extractor; this one needs no extraction run, so a rebuild from
    stored text gives the same ages as the linker saw at ingest.
    """
    if (_TWO_ASCII_DIGITS if text.isascii() else _TWO_DIGITS).search(text) is None:
        return ()
    found = {int(m[1] if m[1] is not None else text[m.start()] + m[2]) for m in _AGE.finditer(text)}
    return tuple(sorted(x for x in found if 13 <= x <= 79))


def may_state_ages(texts: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which of ``texts`` :func:`find_ages` has to read: every non-ASCII text, and the ASCII ones with a run of
    exactly two digits (the others state no age: ``find_ages`` of them is ``()``).

    Why: a scan builds a linker record per ad, and the per-text two-digit check (a regex scan of every digit)
    was about 1.9 µs per synthetic ad, where 97 % of the ads have no such run; here the runs of a whole chunk
    are found at once from the digit positions of its joined bytes (1.0 µs per ad in the same run).

    >>> may_state_ages(["I am 22", "call 206 555 0147", "22yo", "", "vingt-deux ans \u0662\u0662"]).tolist()
    [True, False, True, False, True]
    """
    n = len(texts)
    joined = "\n".join(texts)
    if joined.isascii():  # the common case: every text is ASCII (the check is O(1) in CPython)
        ascii_ = np.ones(n, dtype=bool)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    else:
        ascii_ = np.fromiter((t.isascii() for t in texts), dtype=bool, count=n)
        kept = [t if a else "" for t, a in zip(texts, ascii_.tolist(), strict=True)]
        joined = "\n".join(kept)
        lengths = np.fromiter(map(len, kept), dtype=np.int64, count=n)
    buf = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    # the runs of digits, from the (few) digit positions: texts are joined by newlines, so a run never spans
    # two texts; a run of exactly two starts where the next position is the run's last
    digits = np.flatnonzero((buf - np.uint8(48)) < 10)
    breaks = np.flatnonzero(np.diff(digits) != 1)
    first = np.concatenate([np.zeros(1, dtype=np.int64), breaks + 1])
    last = np.concatenate([breaks, np.asarray([digits.size - 1], dtype=np.int64)])
    two = digits[first[last - first == 1]] if digits.size else digits
    starts = np.zeros(n, dtype=np.int64)
    if n > 1:
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
    out = ~ascii_
    out[np.searchsorted(starts, two, side="right") - 1] = True
    return out
