"""Linking: identifiers, images, text; hub guards; bad input never crashes nor makes one giant network."""

from __future__ import annotations

import doctest
import random
from datetime import UTC, datetime, timedelta

import pytest

import adwarden.detect.network.detector as detector_mod
import adwarden.detect.network.hubs as hubs_mod
import adwarden.detect.network.images as images_mod
import adwarden.detect.network.incremental as incremental_mod
import adwarden.detect.network.linker as linker_mod
import adwarden.detect.network.minhash as minhash_mod
import adwarden.detect.network.model as model_mod
import adwarden.detect.network.movement as movement_mod
import adwarden.detect.network.names as names_mod
import adwarden.detect.network.records as records_mod
import adwarden.detect.network.templates as templates_mod
from adwarden.demo import generate_marketplace
from adwarden.detect.network import HubRules, LinkConfig, LinkRecord, link_records, record_from_post

PHONE = "+12065550147"


def rec(pid: str, *ids: tuple[str, str], text: str = "", images: tuple[str, ...] = (), category: str | None = None,
        site: str = "s") -> LinkRecord:
    return LinkRecord(pid, external_id=pid, site=site, text=text, identifiers=ids, image_hashes=images,
                      category=category)


_R = random.Random(0)
VOCAB = ["".join(_R.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) for _ in range(3000)]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


@pytest.mark.parametrize("module", [detector_mod, hubs_mod, images_mod, incremental_mod, linker_mod, minhash_mod,
                                    model_mod, movement_mod, names_mod, records_mod, templates_mod])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


def test_shared_phone_links_and_explains() -> None:
    res = link_records([rec("a", ("phone", PHONE)), rec("b", ("phone", PHONE)), rec("c", ("phone", "+12065550148")),
                        rec("d", ("email", "x@example.com")), rec("e", ("email", "x@example.com"), ("phone", PHONE))])
    assert res.partition() == {frozenset({"a", "b", "e", "d"})}
    net = res.networks[0]
    joined = {(link.kind, link.value): set(link.posts) for link in net.links}
    assert joined[("phone", PHONE)] == {"a", "b", "e"}
    assert joined[("email", "x@example.com")] == {"d", "e"}
    assert res.network_of["d"] == net.id and "c" not in res.network_of


def test_chain_of_different_identifiers_is_one_network() -> None:
    recs = [rec(f"p{i}", ("phone", f"+1206555010{i}"), ("phone", f"+1206555010{i + 1}")) for i in range(5)]
    assert res_sizes(link_records(recs)) == [5]


def res_sizes(res: object) -> list[int]:
    return [n.size for n in res.networks]  # type: ignore[attr-defined]


def test_no_link_kind_switches_it_off() -> None:
    recs = [rec("a", ("phone", PHONE)), rec("b", ("phone", PHONE))]
    assert link_records(recs, LinkConfig(disabled=frozenset({"phone"}))).networks == ()
    with pytest.raises(ValueError, match="unknown link kind"):
        LinkConfig(disabled=frozenset({"telepathy"}))


def test_near_duplicate_text_links_and_unrelated_text_does_not() -> None:
    rng = random.Random(1)
    base = words(rng, 40)
    variant = base + " kira 22"
    other = words(rng, 40)
    res = link_records([rec("a", text=base + " jade 19"), rec("b", text=variant), rec("c", text=other)])
    assert res.partition() == {frozenset({"a", "b"})}
    assert [link.kind for link in res.networks[0].links] == ["text"]


def test_short_texts_never_link_by_text() -> None:
    res = link_records([rec(str(i), text="call me") for i in range(20)])
    assert res.networks == ()


def test_near_duplicate_images_link_within_31_bits() -> None:
    rng = random.Random(2)
    h = rng.getrandbits(256)
    close = h ^ sum(1 << b for b in rng.sample(range(256), 20))
    far = h ^ sum(1 << b for b in rng.sample(range(256), 60))
    hx = [f"{v:064x}" for v in (h, close, far)]
    res = link_records([rec("a", images=(hx[0],)), rec("b", images=(hx[1],)), rec("c", images=(hx[2],))])
    assert res.partition() == {frozenset({"a", "b"})}
    link = res.networks[0].links[0]
    assert link.kind == "image" and link.detail["variants"] == 2 and link.detail["max_distance"] == 20


def test_hub_phone_in_every_post_is_ignored_not_a_giant_network() -> None:
    rng = random.Random(3)
    recs = [rec(f"p{i}", ("phone", PHONE), ("account", f"s:u{i // 2}"), text=words(rng, 30), category="c")
            for i in range(400)]
    res = link_records(recs)
    assert max(res_sizes(res)) == 2  # only the account pairs remain
    assert [(i.kind, i.value) for i in res.ignored] == [("phone", PHONE)]
    assert "corpus" in res.ignored[0].reason
    assert all(n.ignored and n.ignored[0].value == PHONE for n in res.networks)


def test_stock_photo_across_categories_is_a_hub() -> None:
    stock = "ab" * 32
    cats = ["cars", "jobs", "furniture", "rentals", "services", "pets"]
    recs = [rec(f"p{i}", images=(stock,), category=cats[i % 6]) for i in range(30)]
    res = link_records(recs)
    assert res.networks == ()
    assert res.ignored[0].kind == "image" and "categories" in res.ignored[0].reason


def test_post_with_thousands_of_identifiers_does_not_bridge() -> None:
    directory = rec("dir", *[("phone", f"+1{200 + i // 100}55501{i % 100:02d}") for i in range(3000)])
    others = [rec(f"p{i}", ("phone", f"+1{200 + i // 100}55501{i % 100:02d}")) for i in range(0, 3000, 7)]
    res = link_records([directory, *others])
    assert res.networks == ()
    assert res.ignored_posts[0].post_id == "dir"


def test_posts_without_text_or_identifiers() -> None:
    res = link_records([rec("a"), rec("b"), LinkRecord("c", text="")])
    assert res.networks == () and res.stats["posts"] == 3
    assert link_records([]).networks == ()


def test_duplicate_external_ids_across_sites_are_distinct_posts() -> None:
    p1 = {"external_id": "1", "site": "one", "body": "hello", "account": {"id": "u1"}}
    p2 = {"external_id": "1", "site": "two", "body": "hello", "account": {"id": "u1"}}
    r1, r2 = record_from_post(p1), record_from_post(p2)
    assert r1.post_id != r2.post_id
    # same account id on two sites is two accounts
    assert link_records([r1, r2]).networks == ()
    # the same post id twice is linked once and reported
    res = link_records([r1, r1, r2])
    assert res.duplicates == (r1.post_id,)


def test_hub_rules_reasons() -> None:
    rules = HubRules(max_posts={"phone": 5})
    assert rules.reason("phone", posts=6, categories=1, sites=1, corpus=10) is not None
    assert rules.reason("phone", posts=5, categories=1, sites=1, corpus=10) is None
    assert rules.reason("account", posts=50, categories=9, sites=1, corpus=10_000) is None
    assert "sites" in (rules.reason("email", posts=12, categories=1, sites=9, corpus=10_000) or "")


def test_planted_networks_recovered_from_generated_marketplace() -> None:
    m = generate_marketplace(1500, seed=11, network_share=0.08)
    posts = list(m.posts())
    recs = [record_from_post(p) for p in posts]
    res = link_records(recs)
    truth = m.truth()
    for net in m.networks:
        ids = {f"{p['site']}:{p['external_id']}" for p in posts if truth.get(p["external_id"]) == net.id}
        comps = {res.network_of.get(i) for i in ids}
        assert len(comps) == 1 and None not in comps, net.id
        found = res.get(comps.pop())  # type: ignore[arg-type]
        assert found is not None
        # no other planted network merged in
        other = {truth.get(p.split(":", 1)[1]) for p in found.posts} - {None, net.id}
        assert not other
    # hubs planted by the generator are reported
    kinds = {i.kind for i in res.ignored}
    assert "ip" in kinds or "url" in kinds


def test_record_from_post_builds_identifiers() -> None:
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    r = record_from_post({
        "external_id": "x", "site": "s", "title": "Hi", "body": "my name is Kira, text (206) 555-0147",
        "posted_at": (t0 + timedelta(hours=1)).isoformat().replace("+00:00", "Z"), "location": "Seattle, WA",
        "account": {"id": "u", "email": "A@Example.com", "phone": "206-555-0199", "ip": "192.0.2.1",
                    "device_id": "d1"},
        "media": [{"sha256": "AA" * 32, "pdq": "0f" * 32}, {"pdq": "not-a-hash"}],
    })
    kinds = dict(r.identifiers)
    assert ("phone", "+12065550147") in r.identifiers and ("phone", "+12065550199") in r.identifiers
    assert kinds["email"] == "a@example.com" and kinds["account"] == "s:u" and kinds["device"] == "d1"
    assert kinds["image_sha256"] == "aa" * 32 and r.image_hashes == ("0f" * 32,)
    assert r.names == ("Kira",) and r.posted_at == t0 + timedelta(hours=1)
