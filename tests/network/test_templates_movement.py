"""Templates and slots; movement, cadence and persona facts; the network detector."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adwarden.detect.base import ScreenContext
from adwarden.detect.network.detector import NetworkDetector, NetworkThresholds, evidence_from_facts
from adwarden.detect.network.movement import haversine_km, identifier_facts, network_facts, resolve_place
from adwarden.detect.network.records import LinkRecord
from adwarden.detect.network.templates import extract_template, network_templates
from adwarden.domain import PostInput

TEMPLATE = ("Hi gentlemen, my name is {name} and I am {age}. New in town, visiting {city} this week. "
            "{price} roses for the hour. Call or text {phone} anytime, no blocked numbers please.")
FILLS = [
    ("Kira", 22, "Seattle", 150, "(206) 555-0147"),
    ("Jade", 19, "Portland", 200, "(503) 555-0110"),
    ("Rosa", 24, "Boise", 180, "(208) 555-0121"),
    ("Luna", 21, "Spokane", 150, "(509) 555-0133"),
]


def filled() -> list[str]:
    return [TEMPLATE.format(name=n, age=a, city=c, price=p, phone=ph) for n, a, c, p, ph in FILLS]


def test_template_and_typed_slots() -> None:
    t = extract_template(filled(), names=["Kira", "Jade", "Rosa", "Luna"],
                         cities=["Seattle", "Portland", "Boise", "Spokane"])
    kinds = [s.kind for s in t.slots]
    assert kinds == ["name", "age", "city", "price", "phone"]
    assert t.skeleton.startswith("Hi gentlemen, my name is {name} and I am {age} New in town, visiting {city}")
    assert all(s.filled == 4 for s in t.slots)
    assert [s.distinct for s in t.slots] == [4, 4, 4, 3, 4]
    assert t.compression > 1.5 and t.coverage > 0.6


def test_identical_texts_have_no_slots_and_unrelated_texts_do_not_compress() -> None:
    same = extract_template(["one two three four five"] * 3)
    assert same.slots == () and same.skeleton == "one two three four five"
    unrelated = extract_template(["alpha beta gamma delta", "red green blue yellow", "cat dog bird fish"])
    assert unrelated.compression <= 1.0


def test_network_templates_by_cluster() -> None:
    texts = {f"p{i}": t for i, t in enumerate(filled())}
    out = network_templates({"p0": list(texts)}, texts, cities=["Seattle", "Portland", "Boise", "Spokane"])
    assert out["p0"].size == 4 and "{phone}" in out["p0"].skeleton
    with pytest.raises(ValueError):
        extract_template([])


T0 = datetime(2026, 10, 1, tzinfo=UTC)


def circuit() -> list[LinkRecord]:
    stops = [("Seattle, WA", "Kira", 22), ("Seattle, WA", "Jade", 19), ("Portland, OR", "Rosa", 24),
             ("Boise, ID", "Kira", 22), ("Salt Lake City, UT", "Luna", 21)]
    return [LinkRecord(f"p{i}", location=loc, posted_at=T0 + timedelta(days=2 * i), names=(name,), ages=(age,),
                       identifiers=(("phone", "+12065550147"), ("account", f"s:u{i % 2}")))
            for i, (loc, name, age) in enumerate(stops)]


def test_movement_and_persona_facts() -> None:
    f = network_facts(circuit())
    assert f["cities"] == ["Seattle, WA", "Portland, OR", "Boise, ID", "Salt Lake City, UT"]
    assert f["distinct_cities"] == 4 and f["distinct_states"] == 4 and f["moves"] == 3
    expected = sum(haversine_km(a.lat, a.lon, b.lat, b.lon) for a, b in zip(
        *[[resolve_place(c) for c in x] for x in (["Seattle, WA", "Portland, OR", "Boise, ID"],
                                                   ["Portland, OR", "Boise, ID", "Salt Lake City, UT"])],
        strict=True) if a and b)
    assert f["km_travelled"] == pytest.approx(expected, abs=1)
    assert 1000 < f["km_travelled"] < 1800
    assert f["names_per_phone"] == 4 and f["ages_per_phone"] == 4 and f["phones_per_name"] == 1
    assert f["span_days"] == 8 and f["median_gap_hours"] == 48 and f["accounts"] == 2
    assert f["first_seen"] == "2026-10-01T00:00:00Z" and f["last_seen"] == "2026-10-09T00:00:00Z"


def test_identifier_facts_and_unknown_places() -> None:
    recs = [*circuit(), LinkRecord("x", location="Nowhere Special", identifiers=(("phone", "+12065550148"),))]
    assert identifier_facts(recs, "phone", "+12065550147")["size"] == 5
    lone = identifier_facts(recs, "phone", "+12065550148")
    assert lone["distinct_cities"] == 0 and lone["km_travelled"] == 0
    assert network_facts([])["size"] == 0


def test_detector_turns_facts_into_evidence() -> None:
    f = network_facts(circuit())
    f["network_id"] = "net-x"
    ev = evidence_from_facts(f)
    labels = {e.label: e for e in ev}
    assert {"network_member", "circuit_movement", "many_names_one_phone", "many_ages_one_phone"} <= set(labels)
    assert labels["circuit_movement"].attrs["network_id"] == "net-x"
    assert "Seattle, WA -> Portland, OR" in (labels["circuit_movement"].value or "")
    assert evidence_from_facts({"size": 1}) == []
    strict = evidence_from_facts(f, NetworkThresholds(circuit_cities=10, names_per_phone=10, ages_per_phone=10))
    assert {e.label for e in strict} == {"network_member"}


def test_network_detector_reads_screen_context() -> None:
    from adwarden.extract import extract_all

    post = PostInput(external_id="p", body="hello")
    ctx = ScreenContext(post=post, text=post.text, extraction=extract_all(post.text),
                        network={"size": 12, "names_per_phone": 5})
    det = NetworkDetector()
    assert det.name == "network"
    assert {e.label for e in det.detect(ctx)} == {"network_member", "many_names_one_phone"}
    empty = ScreenContext(post=post, text=post.text, extraction=extract_all(post.text))
    assert det.detect(empty) == ()


def test_movement_only_from_real_posting_times() -> None:
    """Posts without a posting time cannot say which way a network moved: no route, no km from them."""
    untimed = [LinkRecord(f"u{i}", location=loc, identifiers=(("phone", "+12065550147"),))
               for i, loc in enumerate(["Miami, FL", "Seattle, WA", "Boston, MA", "Denver, CO"])]
    f = network_facts(untimed)
    assert f["km_travelled"] == 0 and f["moves"] == 0 and f["distinct_cities"] == 0
    assert f["untimed_posts"] == 4 and f["untimed_places"] == ["Miami, FL", "Seattle, WA", "Boston, MA", "Denver, CO"]
    mixed = network_facts([*circuit(), *untimed])
    assert mixed["cities"] == ["Seattle, WA", "Portland, OR", "Boise, ID", "Salt Lake City, UT"]
    assert mixed["km_travelled"] == network_facts(circuit())["km_travelled"]
    assert mixed["untimed_posts"] == 4 and mixed["untimed_places"] == ["Miami, FL", "Boston, MA", "Denver, CO"]
    [ev] = [e for e in evidence_from_facts(mixed) if e.label == "circuit_movement"]
    assert "in posting-time order" in (ev.value or "") and "4 post(s) without a posting time left out" in (ev.value or "")
    assert not [e for e in evidence_from_facts(f) if e.label == "circuit_movement"]
