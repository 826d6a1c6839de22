"""The shared near-duplicate module: character shingles, slot rewrites, batch flags and the template index."""

from __future__ import annotations

import doctest
import random

import numpy as np
import pytest

import adwarden.detect.neardup as neardup_mod
from adwarden.detect.neardup import (
    NearDupIndex,
    NearDupParams,
    Rewrite,
    char_shingle_hashes,
    shingle_hashes,
    text_signatures,
    texts_with,
    token_hashes,
)

_R = random.Random(5)
VOCAB = ["".join(_R.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(_R.randint(3, 9))) for _ in range(400)]


def sets(hashes: np.ndarray, starts: np.ndarray) -> list[set[int]]:
    return [set(hashes[starts[i] : starts[i + 1]].tolist()) for i in range(starts.size - 1)]


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def test_docstring_examples() -> None:
    assert doctest.testmod(neardup_mod).failed == 0


def test_character_shingles_survive_misspellings_that_break_word_shingles() -> None:
    base = "sweet and friendly companion, beautiful smile, available tonight for a relaxing evening downtown"
    typo = "sweet and freindly companion, beautifull smile, availible tonight for a relaxing evenning downtown"
    tok, st = token_hashes([base, typo])
    w = sets(*shingle_hashes(tok, st, 3))
    c = sets(*char_shingle_hashes([base, typo], 5))
    assert jaccard(*c) > 0.5 > jaccard(*w)


def test_character_form_ignores_case_punctuation_and_digit_values() -> None:
    a, b = sets(*char_shingle_hashes(["Call ME -- now!!! 206-555-0147", "call me now 999 555 0100"], 4))
    assert a == b


def test_sampling_keeps_the_same_shingles_in_every_text() -> None:
    texts = [" ".join(_R.choice(VOCAB) for _ in range(60)) for _ in range(30)]
    full = sets(*char_shingle_hashes(texts, 5))
    kept = sets(*char_shingle_hashes(texts, 5, 4))
    universe = set().union(*full)
    kept_all = set().union(*kept)
    assert all(k <= f for k, f in zip(kept, full, strict=True))
    # a shingle kept in one text is kept in every text that has it
    assert all(f & kept_all == k for k, f in zip(kept, full, strict=True))
    assert 0.15 < len(kept_all) / len(universe) < 0.35


def test_blocks_do_not_change_the_shingles() -> None:
    texts = ["", "a", " ".join(VOCAB[:30]), "x y", " ".join(VOCAB[30:90]), ""] * 7
    one = char_shingle_hashes(texts, 5, 3)
    many = char_shingle_hashes(texts, 5, 3, block=4)
    assert np.array_equal(one[0], many[0]) and np.array_equal(one[1], many[1])


def test_texts_with_agrees_with_a_plain_python_search() -> None:
    rng = random.Random(9)
    pool = [*VOCAB[:50], "ask", "for", "name", "two", "@", "é", "Ask", "FOR", "--", "3"]
    texts = [" ".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(400)]
    needles = [" ask for", " name", " two "]
    got = texts_with(texts, needles, chars=b"@", non_ascii=True, block=37).tolist()

    def expected(t: str) -> bool:
        form = " " + " ".join("".join(c if c.isalnum() else " " for c in t.lower()).split()) + " "
        return "@" in t or not t.isascii() or any(n in form for n in needles)

    assert got == [expected(t) for t in texts]
    with pytest.raises(ValueError, match="1 to 8 bytes"):
        texts_with(["x"], ["much too long"])


def test_rewrite_runs_only_where_needed_and_gives_the_rewritten_shingles() -> None:
    calls: list[str] = []

    def mask(text: str) -> str:
        calls.append(text)
        return text.replace("Kira", "qname")

    rw = Rewrite(mask, needles=(" kira",))
    texts = ["hi I am Kira, sweet and new in town", "hello there, sweet and new in town", "Kira again here"]
    got = char_shingle_hashes(texts, 5, rewrite=rw)
    want = char_shingle_hashes([t.replace("Kira", "qname") for t in texts], 5)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert calls == [texts[0], texts[2]]


def test_params_are_validated() -> None:
    with pytest.raises(ValueError, match="unit"):
        NearDupParams(unit="byte")
    with pytest.raises(ValueError, match="sample"):
        NearDupParams(sample=3)
    with pytest.raises(ValueError, match="at most 8"):
        NearDupParams(unit="char", shingle=9)
    with pytest.raises(ValueError, match="multiple"):
        NearDupParams(num_perm=60, bands=16)


def test_short_texts_are_not_valid_for_matching() -> None:
    _, valid = text_signatures(["call me", " ".join(VOCAB[:20])], NearDupParams(unit="char", shingle=5, min_shingles=8))
    assert valid.tolist() == [False, True]


def test_index_finds_copies_and_embedded_templates_but_not_unrelated_text() -> None:
    template = " ".join(VOCAB[100:130])
    other = " ".join(VOCAB[200:230])
    idx = NearDupIndex([template, other], NearDupParams(num_perm=128, bands=32, threshold=0.7, min_shingles=2))
    assert len(idx) == 2
    copy = template.replace(VOCAB[110], "changed")
    hits = {i: (j, c) for i, j, c in idx.query(copy)}
    assert set(hits) == {0} and hits[0][0] >= 0.7
    embedded = " ".join(VOCAB[300:340]) + " " + template + " " + " ".join(VOCAB[340:380])
    hits = {i: (j, c) for i, j, c in idx.query(embedded)}
    assert set(hits) == {0} and hits[0][1] == 1.0 and hits[0][0] < 0.7
    assert idx.query(" ".join(VOCAB[0:30])) == []
    assert idx.query("too short") == []
