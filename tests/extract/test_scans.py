"""The faster scans find exactly what the plain ``re`` scans they replace find.

Each helper (:class:`~adwarden.extract.wordstarts.WordStartScan`,
:class:`~adwarden.extract.literals.LiteralLedScan`, :class:`~adwarden.extract.literals.AnyOf`) is
compared with ``finditer`` / ``any(w in text ...)`` on the extractors' own patterns, over random texts
built from the characters and words those patterns care about (so boundaries, stretched letters, leet
digits, overlaps and windows all occur), and on hand-picked edge cases.
"""

from __future__ import annotations

import random
import re

import pytest

from adwarden.extract import contacts, cues, numwords, prices
from adwarden.extract.literals import AnyOf, LiteralLedScan, LiteralSets, occurs_within
from adwarden.extract.retrie import tolerant_alternation, tolerant_first_chars, trie_pattern
from adwarden.extract.wordstarts import WordStartScan

_PIECES = [
    "in", "call", "incall", "out", "24", "7", "/", "hr", "hh", "qv", "1", "0", "3", "$", "@", "!", "|", "-", " ",
    " ", "\n", ".", ",", "'", "i", "m", "age", "im", "ig", "snap", "teen", "t33n", "yooung", "one", "five", "fiev",
    "sevn", "o", "oh", "twenty", "hundred", "night", "over", "min", "roses", "on", "h", "a", "t", "venmo", "cash",
    "app", "paypal", "instagram.com/", "t.me/", "x", "é", "♥", "_", "&", "ñ", "at", "(", ")", ":", "me", "jo_22", "=",
]


def _texts(seed: int, count: int = 400) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def _finditer_spans(rx: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if endpos is None else endpos
    return [m.span() for m in rx.finditer(text, pos, end)]


@pytest.mark.parametrize("leet", [False, True])
def test_word_start_scan_finds_what_the_cue_alternation_finds(leet: bool) -> None:
    pattern = tolerant_alternation(cues._TERMS, leet=leet)
    rx, scan = re.compile(pattern), WordStartScan(pattern, "a-z0-9")
    for text in _texts(1 + leet):
        assert scan.spans(text) == _finditer_spans(rx, text), text


def test_word_start_scan_respects_pos_and_endpos() -> None:
    pattern = "(?:" + trie_pattern(["hr", "hour", "night", "on", "h"], after_first=r"(?<![a-z].)") + ")(?![a-z])"
    rx, scan = re.compile(pattern), WordStartScan(pattern, "a-z")
    rng = random.Random(3)
    for text in _texts(3):
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert scan.spans(text, a, b) == _finditer_spans(rx, text, a, b), (text, a, b)
    # The boundary check at ``pos`` sees the text before it: "hour" inside "xhour" is no word.
    assert scan.spans("xhour", 1) == [] and scan.spans(" hour", 1) == [(1, 5)]
    # No match runs past ``endpos``.
    assert scan.spans("1 hour", 0, 3) == [(2, 3)] == _finditer_spans(rx, "1 hour", 0, 3)


def test_word_start_scan_skips_starts_inside_the_previous_match() -> None:
    scan = WordStartScan(r"a(?<![a-z].)[a-z -]*", "a-z")
    assert scan.spans("ab a-c ad") == [(0, 9)]
    assert scan.spans("") == [] and scan.spans("-") == []


def test_word_start_scan_finds_the_price_duration_words() -> None:
    rx = prices._WORD_TOKENS
    scan = WordStartScan(rx.pattern, "a-z")
    for text in _texts(4):
        assert scan.spans(text) == _finditer_spans(rx, text), text


@pytest.mark.parametrize(
    ("scan", "seed"),
    [(numwords._WORDS_RE, 5), (contacts._PAY_HANDLE, 6), (contacts._PROFILE_RE, 7)],
    ids=["number words", "payment handles", "profile domains"],
)
def test_literal_led_scan_finds_what_finditer_finds(scan: LiteralLedScan, seed: int) -> None:
    rx = scan.pattern
    rng = random.Random(seed)
    extra = ["venmo: jo_22", "xvenmo: jo_22", "cash app @ $jo_22 cashapp:$x_1", "paypal me jo paypal.me/jo", "apple pay: 555",
             "chime=jo_22, zelle - jo@example.com", "instagram.com/jo_22 t.me/jo x.com/jo", "fivefive one-two twentysix"]
    for text in _texts(seed) + extra:
        assert scan.spans(text) == _finditer_spans(rx, text), text
        assert [m.groups() for m in scan.matches(text)] == [m.groups() for m in rx.finditer(text)]
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert scan.spans(text, a, b) == _finditer_spans(rx, text, a, b), (text, a, b)


def test_literal_led_scan_edge_cases() -> None:
    scan = LiteralLedScan(r"\bone(?:one)*\b", ["one"])
    assert scan.spans("oneone one phone one") == [(0, 6), (7, 10), (17, 20)]
    assert scan.spans("") == [] and scan.spans("one", 2, 1) == []
    assert LiteralLedScan("x", []).spans("xxx") == []  # no words: nothing can start a match


def test_any_of_is_any_substring() -> None:
    words = list(prices._PRICE_HINTS)
    hints = AnyOf(words)
    rng = random.Random(8)
    for text in _texts(8):
        assert hints.within(text) == any(w in text for w in words), text
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert hints.within(text, a, b) == any(w in text[a:b] for w in words), (text, a, b)
    assert not AnyOf([]).within("anything") and not AnyOf(["", "x"]).within("abc")
    assert AnyOf(["ab"]).within("xab") and not AnyOf(["ab"]).within("xab", 0, 2)


def test_shared_literal_pass_answers_what_each_scan_answers() -> None:
    """One pass for several lists gives every list's occurrences, so the window test, the presence test
    and the literal-led scans built on it answer exactly what their own passes answer."""
    lists = {"hints": list(prices._PRICE_HINTS), "numbers": list(numwords.ANCHOR_WORDS),
             "pay": list(contacts._PAY_WORDS), "overlap": ["on", "one", "n", "ne"]}
    sets = LiteralSets()
    for name, words in lists.items():
        sets.add(name, words)
    own = {name: AnyOf(words) for name, words in lists.items()}
    rng = random.Random(12)
    for text in _texts(12) + ["", "someone at one", "nine9nine", "oneone"]:
        found = sets.find(text)
        assert set(found) == set(lists)
        for name, words in lists.items():
            expected = sorted((i, i + len(w)) for w in set(words) for i in range(len(text)) if text.startswith(w, i))
            assert found[name] == expected, (name, text)
            assert bool(found[name]) == own[name].within(text)
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            assert occurs_within(found[name], a, b) == own[name].within(text, a, b), (name, text, a, b)
        starts = sorted({a for a, _b in found["numbers"]})
        assert numwords.number_word_spans(text, starts) == numwords.number_word_spans(text), text
        pay_starts = sorted({a for a, _b in found["pay"]})
        assert [m.span() for m in contacts._PAY_HANDLE.matches_at(text, pay_starts)] == contacts._PAY_HANDLE.spans(text)
    assert LiteralSets().find("anything") == {}


def test_spelled_at_hits_are_the_alternation_hits() -> None:
    alternation = re.compile(r"at(?<=[\s(\[{<]at)(?=[\s)\]}>])|@(?=\s)|@(?<=\s@)")
    for text in _texts(9) + ["jo at gmail dot com", "jo @ x.com", "jo@ x", "cat at (at) [at]@ @"]:
        assert [m.span() for m in contacts._at_hits(text)] == _finditer_spans(alternation, text), text


def test_ascii_digit_runs_are_unicode_digit_runs() -> None:
    for text in _texts(10) + ["٣٤٥ 12", "1２3", "a1b22c333"]:
        assert numwords.digit_runs(text) == _finditer_spans(re.compile(r"\d+"), text), text


def test_digit_runs_skip_only_texts_without_a_digit() -> None:
    # An ASCII text is looked at for runs only when one of the ten digits occurs in it: each digit alone,
    # at either end, and texts with none (ASCII or not) must give what the scan gives.
    rng = random.Random(5)
    texts = ["", "no digits at all", "x" * 300, "٣ eastern arabic three", "ｆｕｌｌ width ５"]
    for d in "0123456789":
        texts += [d, f"{d} first", f"last {d}", f"in the {d}{d} middle"]
    for _ in range(3000):
        texts.append("".join(rng.choice("ab 9-٣.") for _ in range(rng.randint(0, 12))))
    for text in texts:
        assert numwords.digit_runs(text) == _finditer_spans(re.compile(r"\d+"), text), text


def test_price_tokens_tried_at_candidate_starts_are_the_finditer_tokens() -> None:
    rng = random.Random(11)
    pieces = [*_PIECES, "150", "$", "£", "€", "1,200", "2.5", "k", "-", "1/2", "roses", "200", "9", "5'4", "100%"]
    for _ in range(600):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        runs = [m.span() for m in re.finditer(r"\d+", text)]
        starts = prices._token_starts(text, runs)
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        for pos, end in ((0, len(text)), (a, b)):
            want = _finditer_spans(prices._NUM_TOKENS, text, pos, end)
            assert [m.span() for m in prices._num_matches(text, pos, end, starts)] == want, (text, pos, end)


@pytest.mark.parametrize("text", ["", "abc", "a1b22c333", "٣٤5 ６7", "$150/30min 2o6 555 0147"])
def test_digit_runs_are_the_runs_of_unicode_digits(text: str) -> None:
    assert numwords.digit_runs(text) == [m.span() for m in re.finditer(r"\d+", text)]
    assert numwords.digit_runs(text + "é") == [m.span() for m in re.finditer(r"\d+", text + "é")]


@pytest.mark.parametrize("leet", [False, True])
def test_shared_cue_scan_finds_what_the_cue_alternation_finds(leet: bool) -> None:
    # The scan cues.py builds: boundary checks left out after a separator, a first-character look-ahead.
    rx = re.compile(tolerant_alternation(cues._TERMS, leet=leet))
    scan = cues._word_start_scan(leet=leet)
    for text in [*_texts(7 + leet), "2 4/7", "@ge: 22", " $exy 24 7", "-incall", "|ncall"]:
        assert scan.spans(text) == _finditer_spans(rx, text), text
        assert scan.spans(text, 3) == _finditer_spans(rx, text, 3), text


def test_tolerant_first_chars_are_where_matches_begin() -> None:
    terms = ["incall", "age", "24/7", "snap chat"]
    for leet in (False, True):
        rx = re.compile(tolerant_alternation(terms, leet=leet))
        first = re.compile("[" + tolerant_first_chars(terms, leet=leet) + "]")
        for text in _texts(9):
            for m in rx.finditer(text):
                assert first.match(text, m.start()), (text, m.group())
    assert tolerant_first_chars(terms, leet=False) == "2ais"
    assert set(tolerant_first_chars(terms).replace("\\", "")) == set("2a4@i1!|s5$")


def test_digit_windows_are_the_anchor_windows_of_digit_runs() -> None:
    # The fast path for texts without number words against the general anchor loop.
    rng = random.Random(13)
    pieces = ["1", "22", "333", "4444", "55555", " ", "  ", "-", ".", "\n", "a", "xx", "é", "(", ")", "+"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        runs = numwords.digit_runs(text)
        anchors = [(a, b, b - a) for a, b in runs]
        for min_digits in (3, 7, 10):
            assert numwords._digit_windows(text, min_digits, runs) == numwords._anchor_windows(
                text, min_digits, anchors
            ), (text, min_digits)


def test_plain_windows_give_the_sequences_of_their_digit_groups() -> None:
    # The fast path for windows of plain digit runs against the general emitter over the same groups.
    rng = random.Random(17)
    pieces = ["1", "22", "333", "4444", "7777777", " ", "   ", "-", ".", "+", "(", "$", "€", "       "]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        core = numwords.digit_runs(text)
        groups: list[list[numwords.Group]] = []
        prev_end = -1
        for a, b in core:
            if not groups or a - prev_end > numwords._MAX_SEP:
                groups.append([])
            groups[-1].append(numwords.Group(text[a:b], a, b))
            prev_end = b
        for min_digits in (3, 7):
            want: list[numwords.Sequence] = []
            numwords._emit(text, groups, min_digits, want)
            got: list[numwords.Sequence] = []
            numwords._emit_plain(text, core, min_digits, got)
            assert got == want, (text, min_digits)


def test_email_matches_tried_near_each_at_are_the_finditer_matches() -> None:
    rng = random.Random(19)
    pieces = [*_PIECES, "@", "@@", ".", "..", "com", "gmail.com", "%", "+", "-", "Z", "ü", "jo.doe", "x" * 70]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(4000)]
    texts += ["q" * 70 + "@" + "a" * 70 + ".com " + "b" * 64 + "@x.io", "a@b.cc@d.ee", "@@@@@a@b.cd", "%jo@x.com",
              "é" + "jo@x.com", "_jo@x.com", "jo@x.com@y.org", "jo@" + "a" * 300 + ".com"]
    for text in texts:
        want = [(m.span(), m.groups()) for m in contacts._EMAIL.finditer(text)]
        assert [(m.span(), m.groups()) for m in contacts._email_matches(text)] == want, text


@pytest.mark.parametrize("leet", [False, True])
def test_cue_pattern_matches_what_plus_and_optional_groups_match(leet: bool) -> None:
    # retrie writes "x+" as "xx*" and an optional group "(?:X)?" as "(?:X|)", which re tries faster: the
    # same matches as the textbook form.
    fast = tolerant_alternation(cues._TERMS, leet=leet)
    assert "+" not in fast.replace(r"\+", "").replace("+~", "") and ")?" not in fast
    textbook = re.sub(r"(\[[^\]]*\]|\\?[^\[\]\\()|?*+{}])\1\*", r"\1+", fast).replace("|)", ")?")
    assert textbook != fast
    rx_fast, rx_textbook = re.compile(fast), re.compile(textbook)
    for text in [*_texts(23 + leet, 1500), "iiincall", "yoooung", "barely-legal 18", "24hrs 24 hours a day"]:
        assert _finditer_spans(rx_fast, text) == _finditer_spans(rx_textbook, text), text


def test_trie_pattern_optional_tails_match_every_word_and_no_other() -> None:
    words = ["one", "ones", "onesie", "on", "two", "twenty", "twentyone", "t", "tw"]
    rx = re.compile(trie_pattern(words))
    assert "|)" in rx.pattern  # a multi-character optional tail is written as an alternation
    for w in words:
        assert rx.fullmatch(w), w
    for w in ["o", "onesi", "twent", "twentyon", "x", ""]:
        assert not rx.fullmatch(w), w
