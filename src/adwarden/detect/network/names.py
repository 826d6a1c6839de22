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

__all__ = ["find_ages", "find_names"]

_INTRO = re.compile(
    r"\b(?:my\s+name\s+is|my\s+names?|name'?s|i\s+am|i'?m|ask\s+for|this\s+is|call\s+me|it'?s|i'?ll\s+be)"
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


def find_names(text: str) -> tuple[str, ...]:
    """Distinct introduced names in order of first use, title-cased (``KIRA`` and ``Kira`` are one name)."""
    seen: dict[str, None] = {}
    for m in _INTRO.finditer(text):
        word = m.group(1)
        if word.lower() in _STOP:
            continue
        if word[0].islower():
            continue
        seen.setdefault(word[0].upper() + word[1:].lower(), None)
    return tuple(seen)


_AGE = re.compile(
    r"\b(?:i\s*am|i'?m|age[ds]?:?|aged)\s*(\d{2})\b(?!\s*(?:min|\$|roses|dollars|%))"
    r"|\b(\d{2})\s*(?:yo|y/o|yrs?\b|years?\s+(?:old|young))",
    re.IGNORECASE,
)


def find_ages(text: str) -> tuple[int, ...]:
    """Stated ages (13-79) in the common phrasings ("I am 22", "22yo", "22 years young"), sorted, distinct.

    The extraction layer has a fuller age extractor; this one needs no extraction run, so a rebuild from
    stored text gives the same ages as the linker saw at ingest.
    """
    found = {int(a or b) for a, b in _AGE.findall(text)}
    return tuple(sorted(x for x in found if 13 <= x <= 79))
