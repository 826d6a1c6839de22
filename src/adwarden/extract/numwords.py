"""Reading digits written every way ad writers write them.

Turns a folded text (see :func:`adwarden.extract.normalize.fold`) into *digit sequences*: runs of
digits, number words (with common misspellings), tens and teens words, and look-alike letters
(``o`` for 0, ``l``/``i`` for 1), joined by short runs of any separator (punctuation, spaces,
emoji). Each sequence is a list of :class:`Group`: the digits written together without a
separator, which is what tells a phone number (``206 555 0147``) from a date or a price list.

Everything is done with compiled regular expressions whose pieces cannot overlap (digit tokens are
word characters, separators are not), so matching is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adwarden.extract.literals import LiteralLedScan
from adwarden.extract.retrie import trie_pattern

__all__ = [
    "ANCHOR_WORDS",
    "SPELLED_LANGUAGES",
    "Group",
    "Sequence",
    "digit_runs",
    "digit_sequences",
    "number_word_spans",
    "spelled_numbers",
]

_UNITS: dict[str, int] = {}
_CANONICAL: set[str] = set()  # the correctly spelled words; only these get leetspeak variants
for _digit, _words in enumerate(
    [
        "zero zro zeroh",
        "one uno",
        "two",
        "three thre",
        "four fuor foor",
        "five fiv fyve",
        "six siks sicks",
        "seven sevn sven sevin sevan sevon svn seve 7even",
        "eight eigth eigt eght eiqht 8ight",
        "nine nien nyne niner",
    ]
):
    for _i, _w in enumerate(_words.split()):
        _UNITS[_w] = _digit
        if _i == 0:
            _CANONICAL.add(_w)

# --- Misspelled digit words (added for phone extraction, issue 13) ----------------------------------
# Ad writers swap two neighbouring letters ("fiev", "fuor", "sevne", "eihgt", "zreo"), as a typo or
# to dodge filters. Every adjacent-letter swap after the first letter of each digit word is read as that digit, except the
# swaps that are ordinary words ("tow", "there") or another number word. Only correctly spelled words
# get leetspeak variants (below), so these add no "0"/"1"/"3" look-alikes.
_SWAP_STOP = frozenset({"tow", "there", "noe"})


def _swaps(word: str) -> list[str]:
    # The first letter stays: swapping it ("ifve", "wto") is rare, and a new first letter would slow the
    # literal-led number-word scan for every ad.
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1) if word[i] != word[i + 1]]


for _digit, _word in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")):
    for _v in _swaps(_word):
        if _v not in _SWAP_STOP and _v not in _UNITS:
            _UNITS[_v] = _digit
# --- end of misspelled digit words -------------------------------------------------------------------

_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 2, "thirty": 3, "forty": 4, "fourty": 4, "fifty": 5, "sixty": 6, "seventy": 7,
    "eighty": 8, "ninety": 9,
}

_MULTIPLIERS = {"hundred": "00", "thousand": "000", "hundered": "00", "thousend": "000"}
_ZERO_WORDS = frozenset({"oh"})
_UNITS["oh"] = 0  # "oh" for zero; alone it is only a weak digit (see _tokenize)

_LEET_SWAPS = {"o": "0", "i": "1", "e": "3"}


def _leet_variants(word: str) -> set[str]:
    """The word with any of its o/i/e written as 0/1/3 ("th0usand", "f1ve", "s3ven")."""
    out = {word}
    for i, ch in enumerate(word):
        sub = _LEET_SWAPS.get(ch)
        if sub is not None:
            out |= {v[:i] + sub + v[i + 1 :] for v in out}
    return out


_VALUE: dict[str, tuple[str, int, bool]] = {}  # word -> (digits, fillable trailing zeros, multiplier)
for _w, _u in _UNITS.items():
    for _v in _leet_variants(_w) if _w in _CANONICAL else (_w,):
        _VALUE.setdefault(_v, (str(_u), 0, False))
for _w, _t in _TEENS.items():
    for _v in _leet_variants(_w):
        _VALUE.setdefault(_v, (str(_t), 0, False))
for _w, _t in _TENS.items():
    for _v in _leet_variants(_w):
        _VALUE.setdefault(_v, (f"{_t}0", 1, False))
for _w, _z in _MULTIPLIERS.items():
    for _v in _leet_variants(_w):
        _VALUE.setdefault(_v, (_z, len(_z), True))

_ALL_WORDS = sorted(_VALUE, key=lambda w: (-len(w), w))
_MAX_WORD = max(map(len, _ALL_WORDS))
_WORD_ALT = trie_pattern(_ALL_WORDS)

# Look-alike letters attached to digits ("26o", "o72o", "5l5") are read as digits; standalone
# ("call me o 206") only as weak digits that cannot start or end a sequence. Between two digits a
# few more letters pass for digits: s=5, b=8, z=2 ("97iis68833").
# Every token starts with a literal character and checks its left context with a lookbehind AFTER
# that character: this keeps the pattern's first-character set, so ``re`` skips plain text fast.
_NOT_AFTER_LETTER = r"(?<![a-z].)"
_HOMO = (
    r"[oilsbz](?<=\d.)[oilsbz]{0,2}(?=\d)"
    r"|[oil](?<=\d.)[oil]{0,2}(?![a-z])"
    rf"|[oil]{_NOT_AFTER_LETTER}[oil]{{0,2}}(?=\d)"
)
_WEAK = rf"(?:o{_NOT_AFTER_LETTER}h?|[li]{_NOT_AFTER_LETTER})(?![a-z])"
_WORD_ALT_GUARDED = trie_pattern(_ALL_WORDS, after_first=_NOT_AFTER_LETTER)
_NUMWORDS = rf"{_WORD_ALT_GUARDED}(?:{_WORD_ALT})*(?![a-z])"
_DTOK = rf"(?:\d+|{_HOMO}|{_NUMWORDS}|{_WEAK})"
# Separators: anything that is not a letter, digit or currency sign, at most 6 in a row.
_SEP = r"(?:[^\w$£€¥]|_)"
_MAX_SEP = 6
SEQUENCE_RE = re.compile(rf"{_DTOK}(?:{_SEP}{{0,6}}{_DTOK})*")
_TOKEN_RE = re.compile(
    rf"(?P<d>\d+)|(?P<h>{_HOMO})|(?P<w>{_NUMWORDS})|(?P<k>{_WEAK})|(?P<s>{_SEP}+)"
)
# Cheap first pass: digit runs and number words. Only the text around them is scanned with the full
# sequence pattern (look-alike letters and separators only matter next to a real digit or word).
# Written ``x x*`` rather than ``x+``: ``re`` derives a first-character class (and skips to the next
# digit in C) only when the pattern begins with a class, not with a repeat (WA 2013, per ad: 6.5 -> 3.5 µs).
_DIGITS_RE = re.compile(r"\d\d*")
_ASCII_DIGITS_RE = re.compile(r"[0-9][0-9]*")
# Anchors only need words that start with a letter: a leet word starting with a digit ("0ne",
# "7even") sits next to a digit run, which is an anchor already.
_ANCHOR_WORDS = [w for w in _ALL_WORDS if w[0].isalpha()]
# Tried only where one of the words occurs (found by one Aho-Corasick pass, see adwarden.extract.literals).
_WORDS_RE = LiteralLedScan(
    trie_pattern(_ANCHOR_WORDS, after_first=_NOT_AFTER_LETTER) + rf"(?:{_WORD_ALT})*(?![a-z])", _ANCHOR_WORDS
)
#: The words a number-word anchor begins with, for a shared literal pass (adwarden.extract.wordsets).
ANCHOR_WORDS: tuple[str, ...] = tuple(_ANCHOR_WORDS)
_WINDOW_GAP = 12  # anchors closer than this are scanned together
_WINDOW_PAD = 5  # room for "ooo", "oh", a "+" or "(" around the anchors
_ONE_WORD = re.compile(_WORD_ALT)
_HOMO_DIGIT = str.maketrans({"o": "0", "i": "1", "l": "1", "s": "5", "b": "8", "z": "2"})
_CURRENCY_BEFORE = frozenset("$£€¥")
_SPAN = re.Match.span


@dataclass(slots=True)
class Group:
    """Digits written together (no separator between them), with their folded-text span."""

    digits: str
    start: int
    end: int
    weak: bool = False  # only look-alike letters written as a word of their own ("o", "oh", "i")
    fill: int = 0  # trailing zeros from a tens/hundred word that a following number word fills in
    words: bool = False  # made only of number words (so it may fill a previous group's zeros)
    mult: bool = False  # a lone "hundred"/"thousand", which multiplies the previous group


@dataclass(slots=True)
class Sequence:
    """Groups joined by short separator runs; ``plus`` when a ``+`` sign precedes the first group."""

    groups: list[Group]
    plus: bool


def _combine(acc: str, fill: int, digits: str, dfill: int, mult: bool, words: bool) -> tuple[str, int]:
    """Append one number (word) to the digits so far: "two hundred fifty five" -> "255"."""
    if mult:
        return (acc or "1") + digits, len(digits)
    if fill and words and len(digits) <= fill:
        return acc[: len(acc) - len(digits)] + digits, min(dfill, fill - len(digits) + dfill)
    return acc + digits, dfill


def _segment(run: str) -> list[str]:
    """Split concatenated number words, trying every split ("fourfoureight" -> four four eight).

    A digit may stand on its own between words: the word pattern can run into a digit that
    looks like a leet letter ("three3" -> three, 3).
    """
    n = len(run)
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        for j in range(min(n, i + _MAX_WORD), i, -1):
            tail = best[j]
            if tail is not None and run[i:j] in _VALUE:
                best[i] = [run[i:j], *tail]
                break
        if best[i] is None and run[i].isdigit() and best[i + 1] is not None:
            best[i] = [run[i], *(best[i + 1] or [])]
    return best[0] or []


def _word_value(run: str) -> tuple[str, int, bool]:
    """Digits for a run of concatenated number words ("fivefive" -> "55", "twentysix" -> "26").

    Returns (digits, fillable trailing zeros, the run is a lone multiplier like "hundred").
    """
    words = _segment(run)
    if len(words) == 1 and _VALUE[words[0]][2]:
        digits, fill, _ = _VALUE[words[0]]
        return digits, fill, True
    acc, fill = "", 0
    for w in words:
        if w.isdigit():
            acc, fill = acc + w, 0
            continue
        digits, dfill, mult = _VALUE[w]
        acc, fill = _combine(acc, fill, digits, dfill, mult, True)
    return acc, fill, False


def _tokenize(text: str, a: int, b: int) -> list[list[Group]]:
    """Digit-token runs in ``text[a:b]``, split where letters or more than 6 separators intervene."""
    runs: list[list[Group]] = []
    groups: list[Group] = []
    cur: Group | None = None
    last_end = -1
    for m in _TOKEN_RE.finditer(text, a, b):
        kind = m.lastgroup
        s, e = m.span()
        if s != last_end and groups:
            runs.append(groups)  # letters (or anything not a token) in between: a new run
            groups, cur = [], None
        last_end = e
        if kind == "s":
            if e - s > _MAX_SEP and groups:
                runs.append(groups)
                groups = []
            cur = None
            continue
        fill, words, mult = 0, False, False
        if kind == "d":
            digits, weak = m.group(), False
        elif kind == "h":
            digits, weak = m.group().translate(_HOMO_DIGIT), False
        elif kind == "w":
            word = m.group()
            if word in _ZERO_WORDS:
                digits, weak = "0", True
            else:
                digits, fill, mult = _word_value(word)
                weak, words = False, True
        else:
            digits, weak = ("0" if m.group() in ("o", "oh") else "1"), True
        if cur is None:
            if mult:
                digits = "1" + digits  # "hundred" alone is 100 ...
            cur = Group(digits, s, e, weak, fill, words, mult)
            groups.append(cur)
        else:
            cur.digits, cur.fill = _combine(cur.digits, cur.fill, digits, fill, mult, words)
            cur.end = e
            cur.weak = cur.weak and weak
            cur.words = cur.words and words
    if groups:
        runs.append(groups)
    return runs


def _merge_fills(groups: list[Group]) -> list[Group]:
    """``fifty five`` and ``two hundred six`` are one group each, not "50" "5" / "2" "00" "6"."""
    out: list[Group] = []
    for g in groups:
        prev = out[-1] if out else None
        if prev is not None and g.words and not g.weak and prev.words:
            mult = g.mult
            if mult:
                # ... unless it follows a number: "two hundred" -> "200".
                prev.digits, prev.fill = prev.digits + g.digits[1:], g.fill
                prev.end = g.end
                continue
            if (prev.fill and len(g.digits) <= prev.fill):
                prev.digits, prev.fill = _combine(prev.digits, prev.fill, g.digits, g.fill, mult, True)
                prev.end = g.end
                continue
        out.append(g)
    return out


def digit_runs(text: str) -> list[tuple[int, int]]:
    """Spans of every run of digits (shared by the phone and price extractors via ``ctx.memo``).

    On ASCII text (what :func:`adwarden.extract.normalize.fold` returns for nearly every ad) ``[0-9]`` is
    ``\\d``, and a range is cheaper for ``re`` to test than the Unicode digit category (6.6 -> 5.8 µs per
    synthetic ad; bench/bench_extract_scans.py).

    An ASCII text with none of the ten digit characters has no run; ten ``in`` tests (each a ``memchr``)
    say so for 0.26 µs where the class-led scan costs 2.2 µs (synthetic scan ads, 68 % of which have no
    digit; 0.09 µs more on the others, where the first digit found ends the tests).
    """
    if text.isascii():
        if not _has_ascii_digit(text):
            return []
        return list(map(_SPAN, _ASCII_DIGITS_RE.finditer(text)))  # no Python-level loop per run
    return list(map(_SPAN, _DIGITS_RE.finditer(text)))


def _has_ascii_digit(text: str) -> bool:
    return (
        "0" in text or "1" in text or "2" in text or "3" in text or "4" in text
        or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text
    )


def number_word_spans(text: str, starts: list[int] | None = None) -> list[tuple[int, int]]:
    """Spans of the runs of number words in a folded text (``fivefive``, ``two oh six`` gives three).

    ``starts`` are the sorted starts of the occurrences of :data:`ANCHOR_WORDS` in ``text`` when a
    shared literal pass already found them; without them the text is searched here.
    """
    if starts is None:
        return _WORDS_RE.spans(text)
    return [m.span() for m in _WORDS_RE.matches_at(text, starts)]


def digit_sequences(
    text: str,
    min_digits: int = 7,
    runs: list[tuple[int, int]] | None = None,
    word_starts: list[int] | None = None,
) -> list[Sequence]:
    """All digit sequences of at least ``min_digits`` digits in a folded text.

    A sequence is cut where a group is preceded by a currency sign (``$200``): prices are never
    part of a phone number. Look-alike letters standing alone are trimmed from both ends. ``runs``
    (:func:`digit_runs`) and ``word_starts`` (see :func:`number_word_spans`) are reused when known.
    """
    out: list[Sequence] = []
    for wa, wb, core in _windows(text, min_digits, runs, word_starts):
        if core is not None:
            # Fast path: only digit runs and separators (no letter in or right next to them), so
            # the digit runs are the groups; no tokenizing needed.
            _emit_plain(text, core, min_digits, out)
        else:
            _emit(text, _tokenize(text, wa, wb), min_digits, out)
    return out


def _emit_plain(text: str, core: list[tuple[int, int]], min_digits: int, out: list[Sequence]) -> None:
    """:func:`_emit` for a window of plain digit runs: the runs are the groups, split into sequences
    where more than ``_MAX_SEP`` separators lie between two of them. Plain digit groups have no number
    words to merge and none is weak, and the groups of a sequence too short to keep are never built."""
    start = 0
    total = 0
    prev_end = -1
    for k, (a, b) in enumerate(core):
        if k > start and a - prev_end > _MAX_SEP:
            if total >= min_digits:
                _emit_plain_run(text, core[start:k], min_digits, out)
            start, total = k, 0
        total += b - a
        prev_end = b
    if total >= min_digits:
        _emit_plain_run(text, core[start:], min_digits, out)


def _emit_plain_run(text: str, run: list[tuple[int, int]], min_digits: int, out: list[Sequence]) -> None:
    for part in _cut_at_prices(text, [Group(text[a:b], a, b) for a, b in run]):
        if sum([g.end - g.start for g in part]) >= min_digits:
            out.append(Sequence(part, _plus_before(text, part[0].start)))


_LETTER = re.compile(r"[a-z]")


def _windows(
    text: str, min_digits: int, runs: list[tuple[int, int]] | None = None, word_starts: list[int] | None = None
) -> list[tuple[int, int, list[tuple[int, int]] | None]]:
    """Stretches of text around clustered digit runs and number words worth a full scan.

    Two literal-led scans (digits, number words) are cheaper than one alternation of both. A
    window is kept when its digits, plus two per number word, could make a phone number even
    with a few look-alike letters in between. The third item is the window's digit runs when it
    holds nothing but digits and separators (no letter inside or right next to it), else ``None``.
    """
    if runs is None:
        runs = digit_runs(text)
    spans = number_word_spans(text, word_starts)
    if not spans:
        return _digit_windows(text, min_digits, runs)
    words = [(a, b, 2) for a, b in spans]
    return _anchor_windows(text, min_digits, sorted([(a, b, b - a) for a, b in runs] + words))


def _anchor_windows(
    text: str, min_digits: int, anchors: list[tuple[int, int, int]]
) -> list[tuple[int, int, list[tuple[int, int]] | None]]:
    """The windows of :func:`_windows` from sorted ``(start, end, weight)`` anchors: digit runs weigh
    their length, number words 2."""
    windows: list[tuple[int, int, list[tuple[int, int]] | None]] = []
    need = min_digits - 2
    n = len(text)
    i = 0
    count = len(anchors)
    while i < count:
        start, end, weight = anchors[i]
        only_digits = weight != 2 or text[start].isdigit()
        j = i + 1
        while j < count and anchors[j][0] - end <= _WINDOW_GAP:
            a, b, w = anchors[j]
            if w == 2 and not text[a].isdigit():
                only_digits = False
            end = b
            weight += w
            j += 1
        if weight >= need:
            core: list[tuple[int, int]] | None = None
            if (
                only_digits
                and _LETTER.search(text, start, end) is None
                and not (start > 0 and text[start - 1].isalpha())
                and not (end < n and text[end].isalpha())
            ):
                core = [(a, b) for a, b, _w in anchors[i:j]]
            windows.append((max(0, start - _WINDOW_PAD), min(n, end + _WINDOW_PAD), core))
        i = j
    return windows


def _digit_windows(
    text: str, min_digits: int, runs: list[tuple[int, int]]
) -> list[tuple[int, int, list[tuple[int, int]] | None]]:
    """:func:`_windows` when the text has no number word (most ads): every anchor is a digit run, its
    weight its length, and a window is plain digits unless a letter is inside or next to it."""
    windows: list[tuple[int, int, list[tuple[int, int]] | None]] = []
    need = min_digits - 2
    n = len(text)
    i = 0
    count = len(runs)
    while i < count:
        start, end = runs[i]
        weight = end - start
        j = i + 1
        while j < count:
            a, b = runs[j]
            if a - end > _WINDOW_GAP:
                break
            weight += b - a
            end = b
            j += 1
        if weight >= need:
            core: list[tuple[int, int]] | None = None
            if (
                _LETTER.search(text, start, end) is None
                and not (start > 0 and text[start - 1].isalpha())
                and not (end < n and text[end].isalpha())
            ):
                core = runs[i:j]
            windows.append((max(0, start - _WINDOW_PAD), min(n, end + _WINDOW_PAD), core))
        i = j
    return windows


def _emit(text: str, runs: list[list[Group]], min_digits: int, out: list[Sequence]) -> None:
    for run in runs:
        if sum([len(g.digits) for g in run]) < min_digits:
            continue
        for part in _cut_at_prices(text, _merge_fills(run)):
            lo, hi = 0, len(part)
            while lo < hi and part[lo].weak:
                lo += 1
            while hi > lo and part[hi - 1].weak:
                hi -= 1
            part = part[lo:hi]
            if sum([len(g.digits) for g in part]) < min_digits:
                continue
            out.append(Sequence(part, _plus_before(text, part[0].start)))


def _cut_at_prices(text: str, groups: list[Group]) -> list[list[Group]]:
    """``groups`` split at (and without) every group right after a currency sign: a price, not a phone part."""
    parts: list[list[Group]] = [[]]
    for g in groups:
        if g.start > 0 and text[g.start - 1] in _CURRENCY_BEFORE:
            parts.append([])
            continue
        parts[-1].append(g)
    return parts


def _plus_before(text: str, pos: int) -> bool:
    """Is there a ``+`` right before ``pos`` (allowing one space or an opening parenthesis)?"""
    i = pos - 1
    steps = 0
    while i >= 0 and steps < 3 and text[i] in " ([":
        i -= 1
        steps += 1
    return i >= 0 and text[i] == "+"


# ---- Spelled numbers 10-79 in the languages of the age extractor ------------------------------------------
# Ages are written with number words in every language Backpage ran sites in ("dieciséis años", "vingt-deux
# ans", "двадцать два года", "十六岁"). The forms are generated from each language's teens, tens, units and
# joiners, then folded exactly as ad text is folded (accents stripped, Cyrillic look-alike letters read as
# Latin), so they can be matched on :func:`adwarden.extract.normalize.fold` output.

_SPELLED_PARTS: dict[str, tuple[dict[str, int], dict[str, int], dict[str, int], tuple[str, ...]]] = {
    # language: (10-19 and other one-word forms, tens, units, joiners between a tens word and a unit)
    "en": (
        {**_TEENS},
        {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70},
        {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9},
        (" ", "-", ""),
    ),
    "es": (
        {"diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
         "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "diez y seis": 16, "diez y siete": 17,
         "diez y ocho": 18, "diez y nueve": 19, "veintiuno": 21, "veintiun": 21, "veintiuna": 21,
         "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
         "veintisiete": 27, "veintiocho": 28, "veintinueve": 29},
        {"veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70},
        {"uno": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
         "ocho": 8, "nueve": 9},
        (" y ",),
    ),
    "pt": (
        {"dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14, "quatorze": 14, "quinze": 15,
         "dezesseis": 16, "dezasseis": 16, "dezessete": 17, "dezassete": 17, "dezoito": 18, "dezenove": 19,
         "dezanove": 19},
        {"vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60, "setenta": 70},
        {"um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7,
         "oito": 8, "nove": 9},
        (" e ",),
    ),
    "fr": (
        {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
         "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "dix sept": 17, "dix huit": 18, "dix neuf": 19,
         "soixante-dix": 70, "soixante dix": 70, "septante": 70},
        {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60},
        {"un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9},
        ("-", " ", " et ", "-et-"),
    ),
    "it": (
        {"dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14, "quindici": 15,
         "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19},
        {"venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60, "settanta": 70},
        {"uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9},
        ("",),
    ),
    "ru": (
        {"десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
         "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19},
        {"двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70},
        {"один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
         "восемь": 8, "девять": 9},
        (" ",),
    ),
}
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _italian_join(tens: str, unit: str) -> str:
    """``venti`` + ``otto`` -> ``ventotto``; ``trenta`` + ``uno`` -> ``trentuno`` (the vowel elides)."""
    return tens[:-1] + unit if unit[0] in "aeiou" else tens + unit


def _zh_forms() -> dict[str, int]:
    out = {"十": 10, "廿": 20}
    for u, v in _ZH_DIGITS.items():
        out["十" + u] = 10 + v
        out["廿" + u] = 20 + v
    for t, tv in _ZH_DIGITS.items():
        if tv < 2 or t in "两兩":
            continue
        out[t + "十"] = tv * 10
        for u, v in _ZH_DIGITS.items():
            if u not in "两兩":
                out[t + "十" + u] = tv * 10 + v
    return {k: v for k, v in out.items() if 10 <= v <= 79}


def spelled_numbers(language: str) -> dict[str, int]:
    """Every written form of the numbers 10-79 in ``language`` (en, es, pt, fr, it, ru, zh), folded.

    >>> spelled_numbers("es")["veintidos"], spelled_numbers("fr")["vingt et un"], spelled_numbers("zh")["十六"]
    (22, 21, 16)
    """
    if language == "zh":
        return _zh_forms()
    from adwarden.extract.normalize import fold  # late: normalize imports nothing from here, keep it so

    if language not in _SPELLED_PARTS:
        raise ValueError(f"no number words for language {language!r}; known: {', '.join(SPELLED_LANGUAGES)}")
    ones, tens, units, joiners = _SPELLED_PARTS[language]
    forms: dict[str, int] = dict(ones)
    for tw, tv in tens.items():
        forms.setdefault(tw, tv)
        for uw, uv in units.items():
            for j in joiners:
                word = _italian_join(tw, uw) if language == "it" else tw + j + uw
                forms.setdefault(word, tv + uv)
    if language == "fr":  # soixante et onze ... soixante-dix-neuf
        for i, w in enumerate(["onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
                               "dix-neuf"]):
            forms.setdefault(f"soixante-{w}", 71 + i)
            forms.setdefault(f"soixante et {w}", 71 + i)
    return {fold(k).text: v for k, v in forms.items() if 10 <= v <= 79}


#: Languages :func:`spelled_numbers` knows.
SPELLED_LANGUAGES = ("en", "es", "pt", "fr", "it", "ru", "zh")
