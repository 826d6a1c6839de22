"""Text normalization that survives obfuscation and keeps a map back to the original.

Ad writers dodge filters with full-width or emoji digits, Cyrillic look-alike letters, zero-width
characters, leetspeak and stretched words. Extractors and the indicator matcher work on a folded
copy of the text, but a reviewer must see the ORIGINAL span highlighted, so every normalized
character remembers the index of the original character it came from.

Two levels:

* :func:`fold` -- character level only: NFKC, case folding, look-alike letters to ASCII, every
  kind of digit (full-width, mathematical, circled, keycap, other scripts) to ASCII ``0-9``,
  invisible characters (zero-width joiners, bidi marks, variation selectors, lone surrogates)
  dropped, control characters turned into spaces. Punctuation is kept. The phone and contact
  extractors work on this level because separators carry meaning there (``206-555-0147``).
* :func:`normalize` -- :func:`fold` plus word-level folding for phrase matching: leetspeak digits
  inside words (``t33n`` -> ``teen``), runs of 3 or more of the same letter squashed to TWO
  (``sweeeet`` -> ``sweet``, ``teeeen`` -> ``teen``; two is kept because English has real double
  letters, so a lexicon should list ``baby`` and the matcher may also try the single-letter form),
  and every run of whitespace or symbols other than ``$%&'+./:@#-`` folded to one space.

>>> n = normalize("Ｎｅｗ  ｇｉｒｌ t33n")
>>> n.text
'new girl teen'
>>> n.span_in_original(9, 13)
(10, 14)
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from adwarden.extract.facts import slot_setters

__all__ = ["Folded", "NormalizedText", "fold", "normalize"]


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalized text plus, for each normalized character, its index in the original text.

    ``len(offsets) == len(text) + 1``; the last entry is ``len(original)``.
    """

    text: str
    offsets: tuple[int, ...]

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized half-open span ``[start, end)`` to the original text.

        The end maps to the original position of the next normalized character, so characters
        that were dropped inside or right after the span (keycap marks, zero-width joiners, the
        extra letters of a squashed run) are covered, while a following collapsed space run is not.
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span [{start}, {end}) is outside the normalized text of length {n}")
        offsets = self.offsets
        if start == end:
            pos = offsets[start]
            return pos, pos
        last = offsets[end - 1]
        k = end
        while offsets[k] <= last and k < n:
            k += 1  # the span ends inside a character that expanded (ﬁ -> fi): take all of it
        return offsets[start], offsets[k]


@dataclass(frozen=True, slots=True, init=False)
class Folded:
    """Result of :func:`fold`. ``offsets`` is ``None`` when folding was one-to-one (identity map)."""

    text: str
    offsets: list[int] | None
    original_length: int

    def __init__(self, text: str, offsets: list[int] | None, original_length: int) -> None:
        # Through the slots' own setters: the generated __init__ of a frozen dataclass calls
        # object.__setattr__ per field, twice the cost (one Folded per text extracted).
        _set_text(self, text)
        _set_offsets(self, offsets)
        _set_original_length(self, original_length)

    def orig(self, i: int) -> int:
        """Original index of folded position ``i`` (``i == len(text)`` gives the original length)."""
        if self.offsets is None:
            return i
        return self.offsets[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original half-open span of the folded span ``[start, end)``."""
        if self.offsets is None:
            return start, end
        if start == end:
            return self.offsets[start], self.offsets[start]
        # End: one past the original index of the last folded char, extended over characters that
        # were dropped right after it (keycap marks, variation selectors).
        return self.offsets[start], _end_of(self.offsets, end)


_set_text, _set_offsets, _set_original_length = slot_setters(Folded)


def _one_to_one(out: str, length: int) -> Folded:
    """The fold of a text of ``length`` characters folded one-to-one into ``out`` (no offset map needed):
    ASCII control characters become spaces (rare; a search is cheaper than a translate)."""
    if _ASCII_CONTROL_RE.search(out):
        out = out.translate(_ASCII_CONTROL)
    return Folded(out, None, length)


def _end_of(offsets: list[int], end: int) -> int:
    last = offsets[end - 1]
    nxt = offsets[end]
    # A char that expanded (ﬁ -> fi) shares its offset with its neighbour; the original char ends at
    # the next distinct offset. Otherwise the span ends right after the last char's original index,
    # unless only dropped characters lie between it and the next folded character.
    return nxt if nxt > last else last + 1


# Look-alike letters from other scripts that are used to dodge word filters, mapped to ASCII.
# Applied after case folding, so only lower-case forms are needed.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "μ": "u",
    # Latin small capitals and other look-alikes
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t",
    "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ı": "i", "ø": "o", "ł": "l", "đ": "d",
    "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
    # Symbols used as digits or letters
    "❶": "1", "❷": "2", "❸": "3", "❹": "4", "❺": "5", "❻": "6", "❼": "7", "❽": "8", "❾": "9",
    "❿": "10", "🔟": "10", "⁄": "/", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "′": "'", "″": '"',
}


@lru_cache(maxsize=8192)
def fold_char(c: str) -> str:
    """Fold one non-ASCII character to its ASCII-ish form ('' drops it)."""
    cat = unicodedata.category(c)
    if cat == "Cs" or cat == "Cf" or cat == "Mn" or cat == "Me" or cat == "Cn" or cat == "Co":
        # Lone surrogates, zero-width and bidi controls, variation selectors, combining marks
        # (accents after a base letter, the keycap enclosure) and unassigned code points vanish.
        if cat == "Mn" and not ("\u0300" <= c <= "\u036f" or "\ufe00" <= c <= "\ufe0f"):
            return c  # combining marks that are part of other scripts' letters stay
        return ""
    if cat == "Cc" or cat == "Zs" or cat == "Zl" or cat == "Zp":
        return " "
    direct = _CONFUSABLES.get(c)
    if direct is not None:
        return direct
    if cat == "Nd" or cat == "No":
        d = unicodedata.digit(c, None)
        if d is not None:
            return str(d)
    folded = unicodedata.normalize("NFKC", c).casefold()
    if folded.isascii():
        return folded
    out = []
    for ch in folded:
        mapped = _CONFUSABLES.get(ch)
        if mapped is not None:
            out.append(mapped)
            continue
        base = unicodedata.normalize("NFD", ch)
        if len(base) > 1 and base[0].isascii() and base[0].isalpha():
            out.append(base[0])  # é -> e: accents are a cheap way to dodge a word list
        else:
            out.append(ch)
    return "".join(out)


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_ASCII_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASCII_CONTROL = str.maketrans({i: " " for i in [*range(0, 9), 11, 12, *range(14, 32), 127]})


def _esc(cp: int) -> str:
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def _char_class(chars: set[str], negate_ascii: bool = False) -> re.Pattern[str]:
    """A compiled one-character class of ``chars``, written as ranges (escaped: surrogates are fine)."""
    cps = sorted(map(ord, chars))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(_esc(cps[i]) if i == j else f"{_esc(cps[i])}-{_esc(cps[j])}")
        i = j + 1
    body = "".join(parts)
    if negate_ascii:
        return re.compile("[^\\x00-\\x7f" + body + "]")
    return re.compile("[" + body + "]") if body else re.compile(r"(?!)")


_LEARN_LOCK = threading.Lock()


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each code point on first sight and remembers it.

    Besides the table it keeps four one-character classes, so :func:`fold` can decide with C-level
    searches which path a text needs: ``unseen_re`` (a character never folded before),
    ``changing_re`` (a character whose fold differs from itself), ``irregular_re`` (a character
    that folds to zero or several characters, which needs an offset map) and ``regular_re`` (a changing
    character that folds to exactly one, replaced in one pass).
    """

    def __init__(self) -> None:
        super().__init__({i: chr(i).lower() for i in range(128)})
        for i in [*range(0, 9), 11, 12, *range(14, 32), 127]:
            self[i] = " "
        self.seen: set[str] = set()
        self.changing: set[str] = set()
        self.irregular: set[str] = set()
        self.pending = 0  # characters learned since the classes were last compiled
        self.stale_hits = 0  # texts that took the general path since then
        self.unseen_re = _char_class(set(), negate_ascii=True)
        self.changing_re = _char_class(set())
        self.irregular_re = _char_class(set())
        self.regular_re = _char_class(set())  # changing one-to-one: changing minus irregular

    def __missing__(self, cp: int) -> str:
        self.learn(chr(cp))
        return dict.__getitem__(self, cp)

    def learn(self, text: str) -> bool:
        """Fold every new non-ASCII character of ``text``; ``True`` when the classes are current.

        The classes are recompiled only when the learned characters grow by a quarter, so feeding
        new characters one text at a time (or the whole of Unicode one character at a time) costs
        amortized O(n log n), not O(n^2). Until then :func:`fold` takes its general path.
        """
        with _LEARN_LOCK:  # the API serves requests from several threads
            return self._learn(text)

    def _learn(self, text: str) -> bool:
        new = {c for c in set(text) if ord(c) > 127 and c not in self.seen}
        if not new:
            if self.pending == 0:
                return True
            self.stale_hits += 1
            if self.stale_hits < 16:
                return False
            self._compile()
            return True
        for c in new:
            cp = ord(c)
            folded = fold_char(c) if not 0xD800 <= cp <= 0xDFFF else ""
            self[cp] = folded
            self.seen.add(c)
            if folded != c:
                self.changing.add(c)
            if len(folded) != 1:
                self.irregular.add(c)
        self.pending += len(new)
        if self.pending < max(64, len(self.seen) // 4):
            return False
        self._compile()
        return True

    def _compile(self) -> None:
        # fold() reads unseen_re first and trusts the others when it finds no unseen character: set it
        # last, so a thread that sees the new unseen_re also sees the classes compiled with it.
        self.regular_re = _char_class(self.changing - self.irregular)
        self.irregular_re = _char_class(self.irregular)
        self.changing_re = _char_class(self.changing)
        self.unseen_re = _char_class(self.seen, negate_ascii=True)
        self.pending = 0
        self.stale_hits = 0


_TABLE = _FoldTable()


def fold(text: str) -> Folded:
    """Character-level folding with an offset map (see the module docstring).

    Pure-ASCII text (most ads) takes a fast path: lower-casing and control characters to spaces are
    one-to-one, so no offset map is built at all. Other text goes through one ``str.translate``;
    only when it contains a character that folds to zero or several characters is the offset map
    built character by character.
    """
    if text.isascii():
        return _one_to_one(text.lower(), len(text))
    table = _TABLE
    if table.unseen_re.search(text) is not None and not table.learn(text):
        return _fold_general(text)
    if table.changing_re.search(text) is None:
        # Only symbols and emoji that fold to themselves (the usual case): lower-casing the ASCII
        # part is the whole fold.
        return _one_to_one(text.lower(), len(text))
    irregular = table.irregular_re
    first = irregular.search(text)
    if first is None:
        # One-to-one: only the characters that change are replaced (usually a few quotes and
        # dashes). Folded output is already lower case, so lower() keeps it and the length.
        return _one_to_one(table.changing_re.sub(_replace_one, text).lower(), len(text))
    # Segments between irregular characters fold one-to-one; only the irregular ones are special. The
    # one-to-one characters are replaced in one pass over the whole text (same length, same positions),
    # not one pass per segment.
    regular = table.regular_re.sub(_replace_one, text)
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in irregular.finditer(text, first.start()):
        i = m.start()
        if i > pos:
            pieces.append(regular[pos:i])
            offsets.extend(range(pos, i))
        f = table[ord(text[i])]
        if f:
            pieces.append(f)
            offsets.extend([i] * len(f))
        pos = i + 1
    if pos < len(text):
        pieces.append(regular[pos:])
        offsets.extend(range(pos, len(text)))
    offsets.append(len(text))
    joined = "".join(pieces)
    out = joined.lower()
    if len(out) != len(joined):  # a character whose lower case is longer: keep offsets exact
        out = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in joined)
    if _ASCII_CONTROL_RE.search(out):
        out = out.translate(_ASCII_CONTROL)
    return Folded(out, offsets, len(text))


def _replace_one(m: re.Match[str]) -> str:
    return _TABLE[ord(m.group())]


def _fold_general(text: str) -> Folded:
    """Character by character over the non-ASCII runs (texts with characters new to the table)."""
    table = _TABLE
    pieces: list[str] = []
    offsets: list[int] = []
    identity = True
    pos = 0
    for m in _NON_ASCII_RUN.finditer(text):
        a, b = m.span()
        if a > pos:
            pieces.append(text[pos:a].lower().translate(_ASCII_CONTROL))
            offsets.extend(range(pos, a))
        for i in range(a, b):
            f = table[ord(text[i])]
            if len(f) != 1:
                identity = False
            if f:
                pieces.append(f)
                offsets.extend([i] * len(f))
        pos = b
    if pos < len(text):
        pieces.append(text[pos:].lower().translate(_ASCII_CONTROL))
        offsets.extend(range(pos, len(text)))
    out = "".join(pieces)
    if identity:
        return Folded(out, None, len(text))
    offsets.append(len(text))
    return Folded(out, offsets, len(text))


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
# One pass finds everything the word-level step changes:
#   sep  -- runs of whitespace and symbols that carry no meaning for phrase matching
#   rep  -- a letter repeated 3+ times
#   leet -- a word with a letter, then leet digits, then a letter (t33n, s3xy, y0ung)
_WORD_PASS = re.compile(
    r"(?P<sep>(?:[^\w$%&'+./:@#-]|_)+)"
    r"|(?P<rep>([a-z])\3{2,})"
    r"|(?P<leet>(?<![a-z0-9])[a-z]+[01345-7]+[a-z][a-z0-9]*(?![a-z0-9]))"
)
_ONLY_LEET_DIGITS = re.compile(r"^[a-z01345-7]+$")


def normalize(text: str) -> NormalizedText:
    """Normalize ``text`` for phrase matching and keep a map back to the original.

    Repeated letters: runs of 3+ identical letters become two (documented choice, see module doc).
    """
    folded = fold(text)
    src = folded.text
    pieces: list[str] = []
    idx: list[int] = []  # index into ``src`` of each normalized char
    pos = 0
    for m in _WORD_PASS.finditer(src):
        a, b = m.span()
        kind = m.lastgroup
        if kind == "leet":
            word = m.group()
            letters = sum(1 for ch in word if ch.isalpha())
            if not _ONLY_LEET_DIGITS.match(word) or letters < len(word) - letters:
                continue
        if a > pos:
            pieces.append(src[pos:a])
            idx.extend(range(pos, a))
        if kind == "sep":
            if a == 0 or b == len(src):
                pos = b  # no leading or trailing space
                continue
            pieces.append(" ")
            idx.append(a)
        elif kind == "rep":
            pieces.append(src[a] * 2)
            idx.extend((a, a + 1))
        else:
            pieces.append(m.group().translate(_LEET))
            idx.extend(range(a, b))
        pos = b
    if pos < len(src):
        pieces.append(src[pos:])
        idx.extend(range(pos, len(src)))
    out = "".join(pieces)
    if folded.offsets is None:
        offsets = tuple(idx) + (folded.original_length,)
    else:
        fo = folded.offsets
        offsets = tuple(fo[i] for i in idx) + (folded.original_length,)
    return NormalizedText(out, offsets)
