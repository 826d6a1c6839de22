"""The synthetic marketplace: schema, determinism, fictional identifiers, planted ground truth, no explicit text."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest

from adwarden.demo import generate_marketplace, generate_posts, planted_networks

PHONE_RE = re.compile(r"^\+1\d{3}55501\d{2}$")
TESTNET_RE = re.compile(r"^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$")
# Words that must never appear in the synthetic ads (a guard that the generator stays non-explicit).
FORBIDDEN = ("sex", "nude", "naked", "porn", "xxx", "blowjob", "fetish", "teen", "young girl", "schoolgirl")


@pytest.fixture(scope="module")
def market():
    m = generate_marketplace(2000, seed=7, network_share=0.05)
    return m, list(m.posts())


def test_schema_of_every_post(market) -> None:
    _, posts = market
    assert len(posts) == 2000
    ids = [p["external_id"] for p in posts]
    assert len(set(ids)) == len(ids)
    for p in posts:
        assert p["title"] and p["body"]
        city, state = p["location"].split(", ")
        assert city and len(state) == 2
        assert p["url"].startswith("https://example.com/")
        datetime.strptime(p["posted_at"], "%Y-%m-%dT%H:%M:%SZ")
        acct = p["account"]
        assert acct["id"] and acct["email"].endswith("@example.com")
        if "phone" in acct:
            assert PHONE_RE.match(acct["phone"]), acct["phone"]
        if "ip" in acct:
            assert TESTNET_RE.match(acct["ip"]), acct["ip"]
        for m in p["media"]:
            assert re.fullmatch(r"[0-9a-f]{64}", m["sha256"]) and re.fullmatch(r"[0-9a-f]{64}", m["pdq"])
            assert m["url"].startswith("https://example.com/")


def test_posts_are_time_ordered(market) -> None:
    _, posts = market
    times = [p["posted_at"] for p in posts]
    assert times == sorted(times)


def test_every_phone_in_text_is_fictional(market) -> None:
    _, posts = market
    found = 0
    for p in posts:
        for m in re.finditer(r"\((\d{3})\) (\d{3})-(\d{4})", p["body"]):
            found += 1
            assert m.group(2) == "555" and m.group(3).startswith("01")
    assert found > 100


def test_non_explicit(market) -> None:
    _, posts = market
    for p in posts:
        text = f"{p['title']} {p['body']}".lower()
        for word in FORBIDDEN:
            assert not re.search(rf"\b{word}\b", text), (word, p["external_id"])


def test_deterministic_and_seed_sensitive() -> None:
    a = list(generate_posts(300, seed=3))
    b = list(generate_posts(300, seed=3))
    c = list(generate_posts(300, seed=4))
    assert a == b
    assert a != c


def test_truth_matches_generated_posts(market) -> None:
    m, posts = market
    truth = m.truth()
    by_id = {p["external_id"]: p for p in posts}
    assert 0.04 * 2000 <= len(truth) <= 0.06 * 2000
    assert len(m.networks) >= 3
    for net in m.networks:
        assert len(net.posts) >= 3
        members = [by_id[e] for e in net.posts]
        # Every planted ad uses the mild indicator vocabulary and one of the network's names.
        assert all(any(n in p["title"] + p["body"] for n in net.names) for p in members)
        # Planted networks reuse images: some image hash or PDQ is shared by two of its posts.
        pdqs = Counter(m_["pdq"] for p in members for m_ in p["media"])
        if len(members) >= 6:
            assert pdqs.most_common(1)[0][1] >= 2
        if net.style in ("phone", "device"):
            assert len(net.phones) == 1
    assert planted_networks(2000, seed=7, network_share=0.05) == {n.id: n.posts for n in m.networks}


def test_networks_move_between_cities(market) -> None:
    m, posts = market
    by_id = {p["external_id"]: p for p in posts}
    moved = 0
    for net in m.networks:
        cities = {by_id[e]["location"] for e in net.posts}
        assert cities <= set(net.cities)
        moved += len(cities) > 1
    assert moved >= 1


def test_network_phones_never_used_by_benign_sellers(market) -> None:
    m, posts = market
    truth = m.truth()
    net_phones = {ph for n in m.networks for ph in n.phones}
    benign_phones = Counter(p["account"].get("phone") for p in posts if p["external_id"] not in truth)
    assert not net_phones & set(benign_phones)


def test_some_phones_obfuscated(market) -> None:
    m, posts = market
    by_id = {p["external_id"]: p for p in posts}
    plain = re.compile(r"\(\d{3}\) 555-01\d{2}")
    obfuscated = 0
    for net in m.networks:
        for ext in net.posts:
            body = by_id[ext]["body"]
            if net.phones and not plain.search(body) and "profile" not in body:
                obfuscated += 1
    assert obfuscated >= 3


def test_zero_and_tiny_counts() -> None:
    assert list(generate_posts(0)) == []
    assert len(list(generate_posts(2, network_share=1.0))) == 2
    assert planted_networks(40, network_share=0.0) == {}


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="network_share"):
        generate_marketplace(10, network_share=1.5)
    with pytest.raises(ValueError, match="count"):
        generate_marketplace(-1)
