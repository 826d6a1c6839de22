"""The linker record's name and age patterns (``detect/network/names.py``) are written to let ``re`` skip to
their first character; they must find exactly what the plain ``\\b``-led patterns find, on any text."""

from __future__ import annotations

import random
import re

from adwarden.detect.network import names

#: The patterns as first written (led by ``\b``): the reference the fast forms must equal.
PLAIN_INTRO = re.compile(
    r"\b(?:my\s+name\s+is|my\s+names?|name'?s|i\s+am|i'?m|ask\s+for|this\s+is|call\s+me|it'?s|i'?ll\s+be)"
    r"\s+([A-Z][A-Za-z]{1,14})\b",
    re.IGNORECASE,
)
PLAIN_AGE = re.compile(
    r"\b(?:i\s*am|i'?m|age[ds]?:?|aged)\s*(\d{2})\b(?!\s*(?:min|\$|roses|dollars|%))"
    r"|\b(\d{2})\s*(?:yo|y/o|yrs?\b|years?\s+(?:old|young))",
    re.IGNORECASE,
)

# letters that lead the phrases in either case, dotted and dotless I, the Kelvin sign, a non-ASCII digit,
# separators and whole phrases, so that near-misses and word boundaries are exercised
_PIECES = [*"iI\u0130\u0131aAmMnNtTcC sy'e0123456789 \n\tkoldyrgeh/$%:_\u00e9\u0663\u212a", "my name is ", "i am ",
           "im ", "I'll be ", "ask for ", "this is ", "call me ", "it's ", "names ", "age: ", "aged ", " yo",
           " years old", "y/o", " yrs", " min", "Kira", "KIRA", "xKira", "Jade", "new"]


def _texts(n: int) -> list[str]:
    rng = random.Random(15)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 30))) for _ in range(n)]


def test_names_equal_the_plain_pattern() -> None:
    texts = _texts(40_000)
    hits = 0
    for t in texts:
        plain = [(m.span(), m.group(1)) for m in PLAIN_INTRO.finditer(t)]
        assert [(m.span(), m.group(1)) for m in names._INTRO.finditer(t)] == plain, t
        hits += bool(plain)
    assert hits > 1000  # the texts do contain introductions


def test_ages_equal_the_plain_pattern() -> None:
    texts = _texts(40_000)
    hits = 0
    for t in texts:
        plain = [m.span() for m in PLAIN_AGE.finditer(t)]
        assert [m.span() for m in names._AGE.finditer(t)] == plain, t
        want = tuple(sorted({x for a, b in PLAIN_AGE.findall(t) if 13 <= (x := int(a or b)) <= 79}))
        assert names.find_ages(t) == want, t
        hits += bool(want)
    assert hits > 100  # the texts do state ages
    assert names.find_ages("I am 22, new in town. 23yo friend. 19 years young") == (19, 22, 23)
    assert names.find_ages("\u0130'm 2\u0663 and aged 99") == (23,)  # İ matches i case-insensitively


def test_ages_need_a_two_digit_run() -> None:
    """The two-digit-run check that lets most texts skip the age pattern rejects no text that states an age."""
    texts = _texts(40_000)
    skipped = 0
    for t in texts:
        if t.isascii():
            assert bool(names._TWO_ASCII_DIGITS.search(t)) == bool(names._TWO_DIGITS.search(t)), t
        if names._TWO_DIGITS.search(t) is None:
            skipped += 1
            assert PLAIN_AGE.search(t) is None, t
    assert skipped > 10_000  # the check does skip texts
    assert names.find_ages("aged 123, call 206 555 0147, I am 2 3") == ()
    assert names.find_ages("aged 123, I am\u00a0\u0662\u0663") == (23,)  # Unicode digits and spaces, as \d and \s


def _plain_names(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for m in PLAIN_INTRO.finditer(text):
        word = m.group(1)
        if word.lower() not in names._STOP and not word[0].islower():
            seen.setdefault(word[0].upper() + word[1:].lower(), None)
    return tuple(seen)


def test_names_need_a_capital_after_an_introduction() -> None:
    """The check that lets most texts skip the introduction pattern rejects no text that introduces a name."""
    texts = _texts(40_000) + [p + q + r for p in ("i am", "ask for", "call me", "it\u017f", "name\u017f")
                              for q in (" ", "\u00a0\n ") for r in ("Kira", "\u212aira", "\u0130rem", "kira")]
    skipped = kept = 0
    for t in texts:
        want = _plain_names(t)
        assert names.find_names(t) == want, t
        kept += bool(want)
        skipped += names._NAME_PLACE.search(t) is None
    assert kept > 1000 and skipped > 10_000  # names found, and the check does skip texts
    assert names.find_names("Pickup only. Nearby in Boise, call Ann") == ()  # capitals, but after no introduction


#: What ``re.I`` lets each letter of the introductions' last two characters be.
_CASES = {"i": "iI\u0130\u0131", "s": "sS\u017f", "e": "eE", "m": "mM", "t": "tT", "a": "aA", "o": "oO", "r": "rR",
          "b": "bB"}
_INTROS = ["my name is", "my names", "my name", "name's", "names", "i am", "i'm", "im", "ask for", "this is", "call me",
           "it's", "its", "i'll be", "ill be"]


def test_name_place_rejects_no_introduction_in_any_case() -> None:
    """Introductions in every case ``re.I`` matches (``İ``, dotless ``ı``, long ``ſ``), after any word, before
    one or more spaces of any kind and a capital: the place check must keep every text that keeps a name, and
    still skip the capitals that follow other words (city names after "in")."""
    rng = random.Random(21)
    texts = []
    for _ in range(20_000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            intro = "".join(rng.choice(_CASES.get(c, c)) for c in rng.choice(_INTROS))
            word = rng.choice([intro, intro, "in", "Los", "Salt Lake", "Boise", "xis", "ORS", "be", "x"])
            gap = "".join(rng.choice([" ", "\n", "\t", "\u00a0", "  "]) for _ in range(rng.randint(1, 2)))
            name = rng.choice(["Kira", "KIRA", "kira", "\u212aira", "\u0130rem", "\u0131rem", "Angeles", "Ok", "New"])
            parts.append(word + gap + name + rng.choice([" ", ". ", "\n", ""]))
        texts.append("".join(parts))
    kept = skipped = 0
    for t in texts:
        want = _plain_names(t)
        assert names.find_names(t) == want, t
        kept += bool(want)
        skipped += names._NAME_PLACE.search(t) is None
    assert kept > 5_000 and skipped > 500
    assert names._NAME_PLACE.search("Nearby in Los Angeles. Large room in Las Vegas\nBig house in Boise") is None


def test_may_state_ages_marks_every_text_find_ages_has_to_read() -> None:
    """The batch two-digit check of a chunk equals the per-text check on ASCII texts (so an unmarked text has
    no age) and marks every non-ASCII text, whatever the texts around it (runs never span two texts)."""
    rng = random.Random(4)
    pool = [*"0123456789", "12", "123", "I am ", "22yo", " ", "\n", "-", "a", "\u0663", "\u00e9", "aged "]
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    texts += ["", "1", "12", "1\n2", "123", "x12", "12x", "1 2"]
    got = names.may_state_ages(texts).tolist()
    for t, g in zip(texts, got, strict=True):
        assert g == (not t.isascii() or names._TWO_ASCII_DIGITS.search(t) is not None), repr(t)
        if not g:
            assert names.find_ages(t) == (), repr(t)
    assert sum(got) > 1000 and got.count(False) > 1000
    assert names.may_state_ages([]).tolist() == []
    for lo in range(0, 200, 37):  # a batch gives each text what it gives alone
        assert names.may_state_ages(texts[lo : lo + 37]).tolist() == got[lo : lo + 37]
