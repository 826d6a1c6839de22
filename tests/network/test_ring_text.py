"""Linking without phones: slot-aware text keys find a ring's rewritten ads; the second stage verifies clusters."""

from __future__ import annotations

import doctest
import random

import pytest

import adwarden.detect.network.minhash as minhash_mod
import adwarden.detect.network.textsim as textsim_mod
import adwarden.detect.network.verify as verify_mod
from adwarden.detect.network import LinkConfig, LinkRecord, link_records
from adwarden.detect.network.minhash import RING_TEXT, MinHashParams
from adwarden.detect.network.textsim import slot_text, slot_texts
from adwarden.detect.network.verify import VerifyParams, verified_pairs

NO_PHONES = frozenset({"phone"})

RING = ("Hi gentlemen, my name is {name} {emoji} and I am new in {city} this week only. Sweet, friendly and "
        "{adj}, I love to make your evening relaxing. Upscale incall near the airport or outcall to your hotel. "
        "{price} roses for the hour, no rush. Call or text {phone} or write {email}. No blocked numbers.")
NAMES = ["Kira", "Jade", "Rosa", "Mila", "Tess", "Nova"]
PHONES = ["two oh six five five five oh one four seven", "(206) 555-0199", "206.555.0123 ", "2 0 6 5 5 5 0 1 1 0",
          "two0six 555 0188", "(425) 555-0142"]
EMOJI = ["\U0001F48B\U0001F48B", "\u2665", "\U0001F339\u2728", "", "\U0001F525", "\u2764\ufe0f"]


def ring_ads(rng: random.Random) -> list[str]:
    ads = []
    for i, name in enumerate(NAMES):
        text = RING.format(name=name, emoji=EMOJI[i], city=rng.choice(["Tacoma", "Olympia", "Everett"]),
                           adj=rng.choice(["playful", "classy", "petite"]), price=rng.choice([150, 180, 200]),
                           phone=PHONES[i], email=f"{name.lower()}{i}@example.com")
        if i % 2:  # rewrites: misspellings and a changed greeting
            text = text.replace("friendly", "freindly").replace("relaxing", "relaxin").replace("Hi", "Hello")
        ads.append(text)
    return ads


UNRELATED = [
    "Independent provider visiting downtown, call for rates, discreet and clean, real pictures only, no rush",
    "Massage therapy by appointment, licensed therapist, deep tissue and swedish, call to book today please",
    "Classy companion for dinner dates, travel friendly, outcall only, serious inquiries, thank you gentlemen",
    "Used bicycle for sale, good condition, new tires, pickup only downtown, cash or trade, text anytime",
]


def records(texts: list[str]) -> list[LinkRecord]:
    return [LinkRecord(f"p{i}", external_id=f"p{i}", site="s", text=t) for i, t in enumerate(texts)]


@pytest.mark.parametrize("module", [minhash_mod, textsim_mod, verify_mod])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


def test_slot_text_masks_what_ring_members_change() -> None:
    out = slot_text("Ask for KIRA \U0001F48B call two oh six 555 0147, kira22@example.com, www.example.com/kira @kira_xo")
    low = out.lower()
    assert "kira" not in low and "\U0001F48B" not in out and "example" not in low
    assert "qname" in low and "qemail" in low and "qurl" in low and "qhandle" in low
    assert "two" not in low and "oh" not in low
    assert low.startswith("ask for") and "call" in low  # template words stay


def test_slot_text_keeps_plain_words() -> None:
    text = "Sweet and friendly, someone special, phone me tonight"
    assert slot_text(text) == text


def test_batch_prefilter_never_skips_a_text_that_needs_masking() -> None:
    rng = random.Random(3)
    pieces = ["call", "me", "I'm", "Jade", "ask for", "Kira", "x@example.com", "www.example.com", "five", "\u2665",
              "sweet", "town", "It's", "my name is Nova", "@handle", "oh", "one", "new", "in", "this is Rosa", "."]
    texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(500)]
    assert slot_texts(texts) == [slot_text(t) for t in texts]


def test_ring_rewrites_link_without_phones_and_unrelated_ads_do_not() -> None:
    ads = ring_ads(random.Random(1))
    res = link_records(records(ads + UNRELATED), LinkConfig(disabled=NO_PHONES))
    assert res.partition() == {frozenset(f"p{i}" for i in range(len(ads)))}
    assert {link.kind for link in res.networks[0].links} == {"text"}


def test_previous_word_key_misses_most_of_the_ring() -> None:
    """The comparison that motivates the slot-aware key: word 3-shingles without masking link fewer rewrites."""
    ads = ring_ads(random.Random(1))
    new = link_records(records(ads), LinkConfig(disabled=NO_PHONES))
    old = link_records(records(ads), LinkConfig(disabled=NO_PHONES, text=MinHashParams()))
    linked_old = max((n.size for n in old.networks), default=0)
    assert new.networks[0].size == len(ads) > linked_old


def test_default_text_key_is_the_slot_aware_character_key() -> None:
    assert LinkConfig().text == RING_TEXT
    assert RING_TEXT.unit == "char" and RING_TEXT.slots


def test_verifier_splits_a_chain_without_a_common_template() -> None:
    a = "sweet friendly companion new in town this week upscale incall near the airport call me tonight"
    b = ("sweet friendly companion new in town this week upscale incall near the airport "
         "classy dinner dates travel friendly outcall only serious gentlemen")
    c = "classy dinner dates travel friendly outcall only serious gentlemen thank you"
    assert verified_pairs([a, b, c], [(0, 1), (1, 2)], VerifyParams(min_fit=0.6)) == []
    assert verified_pairs([a, a + " today", c], [(0, 1), (1, 2)], VerifyParams(min_fit=0.6)) == [(0, 1)]


def test_verifier_joins_a_rewrite_with_moved_sentences() -> None:
    s1 = "sweet friendly companion available tonight"
    s2 = "upscale incall near the airport or outcall to your hotel"
    s3 = "no blocked numbers and no rush with me"
    texts = [f"{s1}. {s2}. {s3}.", f"{s3}! {s1}, {s2}."]
    assert verified_pairs(texts, [(0, 1)]) == [(0, 1)]


def test_verified_linking_is_an_option_of_link_config() -> None:
    ads = ring_ads(random.Random(2))
    res = link_records(records(ads + UNRELATED), LinkConfig(disabled=NO_PHONES, verify=VerifyParams()))
    assert frozenset(f"p{i}" for i in range(len(ads))) in res.partition()
    unrelated = {f"p{i}" for i in range(len(ads), len(ads) + len(UNRELATED))}
    assert not unrelated & {p for n in res.networks for p in n.posts}
    with pytest.raises(ValueError, match="min_fit"):
        VerifyParams(min_fit=0)


def test_text_key_of_a_post_is_the_same_alone_and_in_a_batch() -> None:
    """The key is a function of one post's text: it can be stored per post and reused by every linker."""
    ads = ring_ads(random.Random(4)) + UNRELATED
    batch, valid = minhash_mod.text_signatures(ads, RING_TEXT)
    for i, text in enumerate(ads):
        alone, ok = minhash_mod.text_signatures([text], RING_TEXT)
        assert (alone[0] == batch[i]).all() and ok[0] == valid[i]
