"""The shared normalizer: folding classes, and every offset maps back to the original text."""

from __future__ import annotations

import pytest

from adwarden.extract.normalize import Folded, fold, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＩＮＣＡＬＬ", "incall"),  # full-width
        ("𝐍𝐄𝐖 𝐆𝐈𝐑𝐋", "new girl"),  # mathematical bold
        ("ⓝⓔⓦ", "new"),  # circled letters
        ("у᧐ung", "young"),  # Cyrillic у, and a digit zero of another script read as leet o
        ("yоung", "young"),  # Cyrillic о
        ("t33n", "teen"),  # leetspeak inside a word
        ("s3xy y0ung", "sexy young"),
        ("sweeeeet", "sweet"),  # 3+ repeats squashed to two
        ("hello   \t\n  world", "hello world"),  # whitespace runs
        ("hi!!! *** there", "hi there"),  # symbol runs
        ("in\u200bcall", "incall"),  # zero-width space dropped
        ("café", "cafe"),  # accents
        ("24/7 $200 a@b.com", "24/7 $200 a@b.com"),  # meaningful punctuation kept
        ("34dd room12 b4", "34dd room12 b4"),  # numbers with units are not leetspeak
    ],
)
def test_normalize_classes(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_fold_digits_of_every_kind() -> None:
    assert fold("２０６ 𝟓𝟓𝟓 ⓪①④⑦ ❶ ٣").text == "206 555 0147 1 3"
    assert fold("2️⃣0️⃣6️⃣").text == "206"


@pytest.mark.parametrize(
    "text",
    [
        "Ｎｅｗ  ｇｉｒｌ t33n",
        "2️⃣0️⃣6️⃣ call \u200d me \u200f now",
        "ﬁne café sweeeet",
        "plain ascii text with   spaces",
        "a\ud800b\x00c",
        "",
    ],
)
def test_offsets_map_back(text: str) -> None:
    n = normalize(text)
    assert len(n.offsets) == len(n.text) + 1
    assert n.offsets[-1] == len(text)
    assert list(n.offsets) == sorted(n.offsets)
    for i, ch in enumerate(n.text):
        start, end = n.span_in_original(i, i + 1)
        assert 0 <= start < end <= len(text)
        if ch.isalnum() and ch.isascii():
            # The original character folds to (or leet-folds to) this one.
            orig = fold(text[start:end]).text
            assert ch in orig or orig.translate(str.maketrans("0134 57", "oiea st")).find(ch) >= 0


def test_span_in_original_of_a_phrase() -> None:
    text = "Call me, I'm a ＹＯＵＮＧ   t33n"
    n = normalize(text)
    i = n.text.index("young")
    s, e = n.span_in_original(i, i + 5)
    assert text[s:e] == "ＹＯＵＮＧ"
    i = n.text.index("teen")
    s, e = n.span_in_original(i, i + 4)
    assert text[s:e] == "t33n"
    with pytest.raises(ValueError, match="outside"):
        n.span_in_original(0, len(n.text) + 1)


def test_fold_span_covers_dropped_marks() -> None:
    text = "x 2️⃣0️⃣ y"
    f = fold(text)
    i = f.text.index("20")
    s, e = f.span(i, i + 2)
    assert text[s:e] == "2️⃣0️⃣"


def test_folded_constructor_sets_every_field_and_stays_frozen() -> None:
    # Folded has a hand-written __init__ (through its slots' setters).
    import dataclasses

    f = Folded("abc", [0, 2, 3, 4], 4)
    assert (f.text, f.offsets, f.original_length) == ("abc", [0, 2, 3, 4], 4)
    assert f == Folded(text="abc", offsets=[0, 2, 3, 4], original_length=4)
    assert f.span(1, 3) == (2, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.text = "x"  # type: ignore[misc]
