"""Persona keys: ads that state the same person (name with age or body details) link without phones or text."""

from __future__ import annotations

import doctest
import random

import pytest

import adwarden.detect.network.persona as persona_mod
from adwarden.detect.network import LINK_KINDS, LinkConfig, LinkRecord, link_records, record_from_post
from adwarden.detect.network.persona import KINDS, PersonaParams, persona_attributes, persona_keys

NO_PHONES = frozenset({"phone"})
WORDS = ("sunny garden river quiet morning coffee window autumn violet silver meadow harbor lantern velvet "
         "cedar maple ocean breeze candle amber willow orchard pebble summit canyon prairie island lagoon "
         "thunder marble copper crystal feather blossom compass horizon glacier tundra savanna").split()
SYLLABLES = ("ka", "ri", "lo", "ne", "sa", "mi", "ta", "vo", "de", "lu", "po", "zi")

#: One advertised person, four rewrites that share no sentence and no phone.
RING = [
    "Ask for Marisol, 24 years old, 5'6 and 125 lbs. Quiet evenings downtown, call (206) 555-0101.",
    "Gentlemen: this is Marisol! I am 24, 5 ft 6, 125 lbs of fun. Outcall only, text 206.555.0102",
    "New pictures, same girl. My name is Marisol 24yo 5'6 125lbs. Reach me at (425) 555-0103 anytime",
    "Call me Marisol. 24 years young, 125 lbs, 5 feet 6. Hotel visits welcome, 360-555-0104 no blocked calls",
]


def background(n: int, rng: random.Random) -> list[str]:
    """Unrelated ads: every name used once, random ages and heights, random words (no text links)."""
    names = [(a + b + c).title() for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
    rng.shuffle(names)
    out = []
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(25))
        height = f" 5'{rng.randint(0, 9)}" if i % 2 else ""
        out.append(f"Ask for {names[i]}, {rng.randint(19, 35)} years old{height}. {words}. "
                   f"Call 509-555-01{i % 100:02d}")
    return out


def records(texts: list[str]) -> list[LinkRecord]:
    return [record_from_post({"external_id": f"p{i}", "site": "s", "body": t}) for i, t in enumerate(texts)]


def test_docstring_examples() -> None:
    result = doctest.testmod(persona_mod)
    assert result.failed == 0 and result.attempted > 0


def test_attributes_read_body_details_not_phones_prices_or_dates() -> None:
    assert persona_attributes("5 foot 2, 110lbs, 36DD, brown hair") == {
        ("height", "62"), ("weight", "110"), ("cup", "36dd"), ("hair", "brown")}
    assert persona_attributes("I am 5'7\" tall, 34B-24-35, Blond") == {
        ("height", "67"), ("measure", "34-24-35"), ("cup", "34b"), ("hair", "blonde")}
    for text in ("call 206-555-0147 or 360/555/0123", "rates 80/30 150/60", "open 24/7", "$40/30/20 specials",
                 "posted 12/25/2013", "weighs 20 lbs"):
        assert persona_attributes(text) == set(), text


def test_rewritten_ring_links_by_persona_alone() -> None:
    recs = records(RING + background(200, random.Random(7)))
    ring = frozenset(f"s:p{i}" for i in range(len(RING)))
    plain = link_records(recs, LinkConfig(disabled=NO_PHONES))
    assert ring not in plain.partition()
    res = link_records(recs, LinkConfig(disabled=NO_PHONES, persona=PersonaParams()))
    assert res.partition() == {ring}
    links = res.networks[0].links
    assert {link.kind for link in links} == {"persona"}
    assert all("name=Marisol" in link.value for link in links)
    # with phones on the ring's four phones stay four phones; the persona is what joins them
    assert ring in link_records(recs, LinkConfig(persona=PersonaParams())).partition()


def test_a_name_alone_never_links() -> None:
    texts = background(200, random.Random(8))
    texts += ["Ask for Zelda, 21 years old. Sunny garden river.", "This is Zelda, 33 years old, quiet morning."]
    keys = persona_keys(records(texts))
    assert keys[-1] == keys[-2] == ()
    assert link_records(records(texts), LinkConfig(disabled=NO_PHONES, persona=PersonaParams())).networks == ()


def test_a_common_name_with_a_common_age_is_not_specific_enough() -> None:
    """Thirty ads for "Candy, 22": the chance count of the pair is far above one, so it is no key."""
    texts = background(170, random.Random(9))
    texts += [f"Ask for Candy, 22 years old. {w} {w} meadow harbor" for w in WORDS[:30]]
    keys = persona_keys(records(texts))
    assert all(k == () for k in keys[170:])


def test_hub_limit_and_lists() -> None:
    recs = records(RING + background(200, random.Random(7)))
    assert all(k == () for k in persona_keys(recs, PersonaParams(max_posts=3))[: len(RING)])
    roster = "Ask for Kira, Jade, Rosa, Mila or Nova. I am Kira. This is Jade. I'm Rosa. Call me Mila. It's Nova. 24 years old"
    rec = records([roster])[0]
    assert len(rec.names) == 5
    assert persona_mod._record_attributes(rec, PersonaParams()) == frozenset()  # a roster describes no one person


def test_small_corpus_cannot_judge_rarity() -> None:
    assert persona_keys(records(RING[:2])) == [(), ()]
    assert persona_keys([]) == []


def test_persona_is_an_option_of_link_config() -> None:
    assert "persona" in LINK_KINDS
    assert LinkConfig().persona is None  # off by default: see docs/EVALUATION.md, Networks
    recs = records(RING + background(200, random.Random(7)))
    off = link_records(recs, LinkConfig(disabled=NO_PHONES | {"persona"}, persona=PersonaParams()))
    assert off.networks == ()
    for bad in ({"max_chance": 0}, {"max_posts": 1}, {"max_parts": 1}, {"max_attribute_share": 0},
                {"anchors": frozenset({"shoe"})}, {"anchors": frozenset()}):
        with pytest.raises(ValueError):
            PersonaParams(**bad)  # type: ignore[arg-type]
    assert PersonaParams(anchors=KINDS).anchors == KINDS


def test_guarded_persona_keys_attach_ads_but_never_join_two_networks() -> None:
    """Two text networks (two templates, two ads each) state the same person; a third ad states it alone."""
    first = "Sweet and friendly companion new in town this week only, upscale incall near the airport. Ask for Marisol, 24 years old, 5'6"
    second = "Classy dinner dates and travel, serious gentlemen only, outcall to your hotel tonight. Call me Marisol, 24 years old, 5'6"
    third = "Marisol here for you: my name is Marisol, 24 years old, 5'6 and 125 lbs"
    texts = [first, first + " Today.", second, second + " Thanks.", third] + background(200, random.Random(7))
    recs = records(texts)
    nets = [frozenset({"s:p0", "s:p1"}), frozenset({"s:p2", "s:p3"})]
    free = link_records(recs, LinkConfig(disabled=NO_PHONES, persona=PersonaParams()))
    assert free.partition() == {nets[0] | nets[1] | {"s:p4"}}
    guarded = link_records(recs, LinkConfig(disabled=NO_PHONES, persona=PersonaParams(merge_networks=False)))
    assert set(nets) <= guarded.partition()
    assert not any(n.posts for n in guarded.networks if nets[0] & set(n.posts) and nets[1] & set(n.posts))
    reasons = {i.reason for i in guarded.ignored if i.kind == "persona"}
    assert reasons == {"would join 2 networks that other links keep apart"}
    # an ad outside the networks is still attached by a key that touches only one of them
    alone = link_records(records(texts[2:]), LinkConfig(disabled=NO_PHONES, persona=PersonaParams(merge_networks=False)))
    assert frozenset({"s:p0", "s:p1", "s:p2"}) in alone.partition()
