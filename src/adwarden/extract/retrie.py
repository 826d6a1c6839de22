"""Compile a word list into a trie-shaped regular expression.

Python's ``re`` tries the branches of an alternation one after another, so ``one|two|three|...``
with hundreds of words costs hundreds of comparisons at every position of the text. Sharing
prefixes (``t(?:wo|hree|en)``) lets it reject most positions after one character; on ad text this
makes the number-word and lexicon scans several times faster.

>>> trie_pattern(["two", "three", "ten"])
't(?:hree|en|wo)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["phrase_key", "tolerant_alternation", "tolerant_first_chars", "tolerant_pattern", "trie_pattern"]

_END = ""
_Trie = dict[str, "_Trie"]


def trie_pattern(words: Iterable[str], after_first: str = "") -> str:
    """A regex (no groups) matching exactly the given words; longer words are tried first.

    ``after_first`` is inserted right after the first character of every word, typically a
    lookbehind such as ``(?<![a-z].)`` ("the word does not continue a longer word"). Putting the
    check after a literal first character keeps the pattern's first-character set, which lets
    ``re`` skip most positions of the text without trying the pattern at all.
    """
    trie: _Trie = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    if not after_first:
        return _render(trie)
    branches = []
    for ch in sorted(k for k in trie if k != _END):
        branches.append(re.escape(ch) + after_first + _render(trie[ch]))
    branches.sort(key=lambda b: (-len(b), b))
    return "(?:" + "|".join(branches) + ")"


def _render(node: _Trie) -> str:
    ends = _END in node
    branches = []
    singles = []
    for ch in sorted(k for k in node if k != _END):
        sub = _render(node[ch])
        if sub == "":
            singles.append(ch)
        else:
            branches.append(re.escape(ch) + sub)
    if singles:
        if len(singles) == 1:
            branches.append(re.escape(singles[0]))
        else:
            branches.append("[" + "".join(re.escape(c) for c in singles) + "]")
    # Longer continuations first so the longest word wins (regex alternation is ordered).
    branches.sort(key=lambda b: (-len(b), b))
    if not branches:
        return ""
    if not ends:
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if len(branches) == 1 and _ONE_CHAR.fullmatch(branches[0]):
        return "(?:" + branches[0] + ")?"  # one character: ``re`` repeats it without its general machinery
    # Several characters: ``(?:X|)`` rather than ``(?:X)?`` (see :func:`_render_tolerant`).
    return "(?:" + "|".join(branches) + "|)"


# A single (escaped) character or a character class.
_ONE_CHAR = re.compile(r"\\?.|\[[^\]]*\]", re.DOTALL)


# Leetspeak and look-alike spellings of each letter, for tolerant phrase patterns.
_LEET_CLASS = {
    "a": "a4@", "b": "b8", "e": "e3", "g": "g9", "i": "i1!|", "l": "l1|", "o": "o0", "s": "s5$", "t": "t7",
    "z": "z2",
}


def _letter(ch: str, first: bool = False, leet: bool = True) -> str:
    chars = _LEET_CLASS.get(ch) if leet else None
    one = re.escape(ch) if chars is None else "[" + re.escape(chars) + "]"
    if first:
        # One character, the word-boundary check, then the rest of a stretched run.
        return one + r"(?<![a-z0-9].)" + one + "*"
    # ``xx*`` rather than ``x+`` (the same matches): an alternative that begins with a literal or a
    # class is rejected by ``re`` with one comparison, one that begins with a repeat is entered first.
    return one + one + "*"


def tolerant_pattern(phrase: str) -> str:
    """A regex for ``phrase`` on folded text that also matches leetspeak (``t33n``), stretched letters
    (``yooouung``) and spaces written as separators or left out (``barely-legal``, ``barelylegal``).

    The left word boundary is checked right after the first character (see :func:`trie_pattern`).

    >>> import re
    >>> bool(re.fullmatch(tolerant_pattern("barely legal"), "b4r3lyy_l3gal"))
    True
    """
    parts: list[str] = []
    for i, ch in enumerate(phrase):
        if ch == " ":
            parts.append(_SEP_CLASS)
        elif ch == "'":
            parts.append("'?")
        else:
            parts.append(_letter(ch, first=i == 0))
    return "".join(parts)


_SEP_CLASS = r"[\s\-_.*+~/&]{0,3}"


def _rest_pattern(phrase: str) -> str:
    """Tolerant pattern for ``phrase`` whose first character has already been consumed."""
    parts: list[str] = []
    first = phrase[0]
    chars = _LEET_CLASS.get(first)
    parts.append((re.escape(first) if chars is None else "[" + re.escape(chars) + "]") + "*")
    for ch in phrase[1:]:
        if ch == " ":
            parts.append(_SEP_CLASS)
        elif ch == "'":
            parts.append("'?")
        else:
            parts.append(_letter(ch))
    return "".join(parts)


def _token(ch: str, leet: bool = True) -> str:
    if ch == " ":
        return _SEP_CLASS
    if ch == "'":
        return "'?"
    return _letter(ch, leet=leet)


def _render_tolerant(node: _Trie, leet: bool = True) -> str:
    """Like :func:`_render`, but every character becomes its tolerant token."""
    ends = _END in node
    branches = [
        _token(ch, leet) + _render_tolerant(node[ch], leet) for ch in sorted(k for k in node if k != _END)
    ]
    branches.sort(key=lambda b: (-len(b), b))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
    if ends:
        # ``(?:X|)``, not ``(?:X)?``: the same matches (X is tried first, and never matches empty), but
        # ``re`` runs an optional group through its general repeat machinery and an alternation
        # through a branch that rejects X with one comparison.
        body = "(?:" + body + "|)"
    return body


def tolerant_alternation(phrases: Iterable[str], leet: bool = True, boundary: bool = True) -> str:
    """One fast pattern for many tolerant phrases (see :func:`tolerant_pattern`).

    A trie whose top-level branches each start with one literal character followed by the word
    boundary check: ``re`` skips positions that cannot start a phrase and rejects other branches
    with one comparison, and shared prefixes ("all night", "all day") are tried once. (An
    alternation of character classes gets neither optimization; measured 3x slower on ad text.)
    With ``leet=False`` only stretched letters and separators are tolerated, which is about twice
    as fast to scan (callers use it for texts with no digit or ``@$!|`` inside a word).
    ``boundary=False`` leaves the word-boundary checks out, for a scan that tries the pattern only
    right after a character outside ``[a-z0-9]`` (:class:`adwarden.extract.wordstarts.WordStartScan`),
    where every one of them holds.
    """
    trie: _Trie = {}
    for p in set(phrases):
        if not p:
            continue
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})
        node[_END] = {}
    branches = []
    for first in sorted(k for k in trie if k != _END):
        sub = trie[first]
        chars = _LEET_CLASS.get(first, first) if leet else first
        one = re.escape(first) if len(chars) == 1 else "[" + re.escape(chars) + "]"
        rest = one + "*" + _render_tolerant(sub, leet)
        for c in chars:
            branches.append(re.escape(c) + (r"(?<![a-z0-9].)" if boundary else "") + rest)
    return "(?:" + "|".join(branches) + r")(?![a-z0-9])"


def tolerant_first_chars(phrases: Iterable[str], leet: bool = True) -> str:
    """The characters a match of :func:`tolerant_alternation` can begin with, as the body of a class.

    >>> tolerant_first_chars(["incall", "age"], leet=False)
    'ai'
    """
    firsts = {p[0] for p in phrases if p}
    chars = {c for f in firsts for c in (_LEET_CLASS.get(f, f) if leet else f)}
    return "".join(re.escape(c) for c in sorted(chars))


_DELEET = str.maketrans({"4": "a", "@": "a", "8": "b", "3": "e", "9": "g", "1": "i", "!": "i", "|": "l",
                         "0": "o", "5": "s", "$": "s", "7": "t", "2": "z"})
_SQUASH = re.compile(r"(.)\1+")
_SEPS = re.compile(r"[\s\-_.*+~/&']+")


def phrase_key(matched: str) -> str:
    """Canonical lookup key of a tolerant match: leet folded, repeats squashed, no separators.

    >>> phrase_key("T33NN")
    'ten'
    """
    return _SQUASH.sub(r"\1", _SEPS.sub("", matched.lower().translate(_DELEET)))
