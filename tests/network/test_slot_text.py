"""Slot masking (``detect/network/textsim.py``) uses faster forms of its patterns and substring prefilters;
the masked text must be exactly what the plain patterns, always run, give on any text."""

from __future__ import annotations

import random
import re

from adwarden.detect.network import textsim
from adwarden.detect.network.names import find_names

#: The patterns and function as first written: the reference the fast forms must equal.
PLAIN_AT = re.compile(r"[\w.+-]+\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[a-z]{2,6})+|@\w{2,}",
                      re.IGNORECASE)
PLAIN_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|us|co|me|ly)\b(?:/\S*)?",
                       re.IGNORECASE)
PLAIN_NUMWORD = re.compile(r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)
PLAIN_TRIGGER = re.compile(r"\b(?:zero|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)
PLAIN_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u23FF\u25A0-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+")


def plain_slot_text(text: str) -> str:
    text = PLAIN_AT.sub(lambda m: " qhandle " if m.group(0).startswith("@") else " qemail ", text)
    text = PLAIN_URL.sub(" qurl ", text)
    text = PLAIN_EMOJI.sub(" ", text)
    if PLAIN_TRIGGER.search(text):
        text = PLAIN_NUMWORD.sub(" 0 ", text)
    return textsim.mask_names(text)  # names are found the same way on both sides


# e-mail and URL pieces that run into each other (a match ending inside a run of [\w.+-] characters), number
# words in either case, the letters re.I folds from non-ASCII (U+017F long s, dotless i, Kelvin sign), emoji
_PIECES = [*"aAsSxX0129 .-+_@\n\t()[]/:\u017f\u0131\u212a\u00e9\U0001F48B", "kira", "KIRA22", "@", "(at)", "[AT]",
           " at ", "(dot)", "[dot]", ".com", ".CoM", ".commmmmm", ".x", ".us", ".me", ".ly", ".info", "example",
           "www.", "http://", "https://", "two", "TWO", "one", "oh", "seven", "nine", "zero", "six", "\u017fix",
           "nıne", "my name is ", "ask for ", "I'm ", "Jade", " call me ", "-", "..", "a@b.co", "x.y@ex.org"]


def _texts(n: int) -> list[str]:
    rng = random.Random(15)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(n)]


def test_slot_text_equals_the_plain_patterns() -> None:
    changed = {"at": 0, "url": 0, "num": 0}
    for t in _texts(40_000):
        assert textsim.slot_text(t) == plain_slot_text(t), t
        changed["at"] += PLAIN_AT.search(t) is not None
        changed["url"] += PLAIN_URL.search(t) is not None
        changed["num"] += PLAIN_TRIGGER.search(t) is not None
    assert min(changed.values()) > 1000, changed  # the texts do exercise every pattern


def test_at_sub_restarts_inside_a_run_where_the_previous_match_ended() -> None:
    # ".commmmmm" ends the first address after six letters, inside a run; the plain pattern starts the next
    # match right there
    text = "kira@example.commmmmmm.x@b.com and @jade22"
    assert textsim._at_sub(text) == PLAIN_AT.sub(
        lambda m: " qhandle " if m.group(0).startswith("@") else " qemail ", text)
    assert textsim._at_sub(text).count("qemail") == 2


def test_number_word_patterns_equal_the_plain_ones() -> None:
    hits = 0
    for t in _texts(40_000):
        assert [m.span() for m in textsim._NUMWORD_FAST.finditer(t)] == [m.span() for m in PLAIN_NUMWORD.finditer(t)], t
        assert (textsim._NUM_TRIGGER_FAST.search(t) is None) == (PLAIN_TRIGGER.search(t) is None), t
        hits += PLAIN_NUMWORD.search(t) is not None
    assert hits > 1000


def test_texts_slot_masking_skips_hold_no_slot_and_no_name() -> None:
    # the scan builds a record without searching for names in a text slot masking skipped; that is right
    # only if such a text holds no name find_names would find (and slot masking would change nothing)
    import numpy as np

    from adwarden.detect.neardup import texts_with
    from adwarden.detect.network.minhash import RING_TEXT, text_signatures

    texts = _texts(20_000) + [t.replace("\u017f", "s").replace("\u0131", "i").replace("\u212a", "K")
                              .encode("ascii", "ignore").decode() for t in _texts(20_000)]
    masked = np.zeros(len(texts), dtype=bool)
    text_signatures(texts, RING_TEXT, masked=masked)
    want = texts_with(texts, textsim.SLOTS.needles, chars=textsim.SLOTS.chars, non_ascii=True)
    assert masked.tolist() == want.tolist()
    skipped = [t for t, m in zip(texts, masked.tolist(), strict=True) if not m]
    assert len(skipped) > 1000 and sum(bool(find_names(t)) for t in texts) > 1000
    for t in skipped:
        assert find_names(t) == () and plain_slot_text(t) == t, t
