"""The location extractor's shortcut for a trigger word with no capitalized neighbour gives exactly the facts of
the general path (``_city_at`` for every occurrence), on random texts built to hit both paths and their edges."""

from __future__ import annotations

import random
from collections.abc import Iterator

from adwarden.extract.base import ExtractContext
from adwarden.extract.facts import Fact
from adwarden.extract.places import _CAP_WORD, LocationExtractor, _capitalized_before, gazetteer

# City names (one and several words, stop-listed and not), trigger words that name no city on their own,
# qualifiers, location cues, capitalized and plain filler, and separators the context checks look at.
_PIECES = [
    "Boise", "Dallas", "Portland", "York", "New", "Salt", "Lake", "City", "San", "Diego", "Spokane", "Valley",
    "Same", "One", "Main", "Green", "Mobile", "Austin", "BOSTON", "Boston", "Vegas", "Las", "Washington", "WA",
    ", WA", ", Washington", ", Canada", " ,  OR", "in", "near", "location:", "Call", "Best", "Mr", "the", "é",
]
_SEPARATORS = [" ", " ", " ", "-", "-", "\n", ". ", ", ", "", "!", " - ", "\t", "é", "1"]


def _text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 14)):
        parts.append(rng.choice(_PIECES))
        parts.append(rng.choice(_SEPARATORS))
    return "".join(parts)


def _general(text: str) -> Iterator[Fact]:
    """The extractor's loop before the shortcut: every occurrence through ``_city_at``."""
    gaz = gazetteer()
    hits = gaz.trigger_forms.intersection(_CAP_WORD.findall(text))
    occurrences: list[tuple[int, int]] = []
    for word in hits:
        pos = text.find(word)
        while pos >= 0:
            end = pos + len(word)
            if (pos == 0 or not text[pos - 1].isalpha()) and (end == len(text) or not text[end].isalpha()):
                occurrences.append((pos, end))
            pos = text.find(word, end)
    taken_until = -1
    for s, e in sorted(occurrences):
        if s < taken_until:
            continue
        fact = LocationExtractor._city_at(text, s, e, gaz)
        if fact is not None:
            taken_until = fact.end
            yield fact


def test_shortcut_gives_the_general_paths_facts_on_random_texts() -> None:
    rng = random.Random(20261202)
    extractor = LocationExtractor()
    found = 0
    for _ in range(12000):
        text = _text(rng)
        got = list(extractor.extract(ExtractContext(text)))
        assert got == list(_general(text)), text
        found += len(got)
    assert found > 1000  # the texts do name cities, so both paths were exercised


def test_capitalized_before_is_the_inline_check_it_replaced() -> None:
    rng = random.Random(7)
    alphabet = "aZ é-.Q\n1"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 12)))
        s = rng.randint(2, len(text))
        j = s - 2
        while j >= 0 and text[j].isalpha():
            j -= 1
        assert _capitalized_before(text, s) == (j + 1 < s - 1 and text[j + 1].isupper()), (text, s)


def test_a_city_after_a_cue_and_before_a_qualifier_is_found_on_both_paths() -> None:
    text = "Visiting Boise, ID this week. Same place near Dallas, Spokane-Valley or Salt Lake City"
    facts = list(LocationExtractor().extract(ExtractContext(text)))
    assert [(f.value, text[f.start : f.end]) for f in facts] == [
        ("boise", "Boise, ID"), ("dallas", "Dallas"), ("spokane", "Spokane"),
        ("salt lake city", "Salt Lake City"),
    ]
    assert facts == list(_general(text))
