"""Incremental linking equals a full rebuild, including hub flips; add() is fast."""

from __future__ import annotations

import random
import time

from adwarden.demo import generate_marketplace
from adwarden.detect.network import HubRules, LinkConfig, LinkRecord, link_records, record_from_post
from adwarden.detect.network.incremental import IncrementalLinker


def corpus(n: int = 800, seed: int = 5) -> list[LinkRecord]:
    return [record_from_post(p) for p in generate_marketplace(n, seed=seed, network_share=0.1).posts()]


def test_incremental_equals_rebuild_on_generated_corpus() -> None:
    recs = corpus()
    batch = link_records(recs)
    one = IncrementalLinker()
    for r in recs:
        one.add(r)
    assert one.result().networks == batch.networks
    assert one.result().ignored == batch.ignored
    many = IncrementalLinker()
    for lo in range(0, len(recs), 64):
        many.add_many(recs[lo : lo + 64])
    assert many.result().networks == batch.networks
    # what add() answers for a post is its network in the rebuild
    for r in recs[-50:]:
        net = one.network_of(r.post_id)
        assert (net.posts if net else None) == (batch.get(batch.network_of[r.post_id]).posts  # type: ignore[union-attr]
                                                if r.post_id in batch.network_of else None)


def test_hub_that_appears_late_is_undone() -> None:
    # a phone joins two posts early; later it shows up everywhere and becomes a hub: the early link must go
    cfg = LinkConfig(hubs=HubRules(max_posts={"phone": 10}))
    recs = [LinkRecord("a", identifiers=(("phone", "+12065550147"),)),
            LinkRecord("b", identifiers=(("phone", "+12065550147"),))]
    recs += [LinkRecord(f"x{i}", identifiers=(("phone", "+12065550147"),)) for i in range(12)]
    lk = IncrementalLinker(cfg)
    assert lk.add(recs[0]) is None
    assert lk.add(recs[1]) is not None
    for r in recs[2:]:
        lk.add(r)
    assert lk.network_of("a") is None and lk.rebuilds >= 1
    assert lk.result().networks == link_records(recs, cfg).networks == ()


def test_share_hub_flips_back_as_corpus_grows() -> None:
    cfg = LinkConfig(hubs=HubRules(share_min_corpus=10, max_share=0.5))
    rng = random.Random(0)
    recs = [LinkRecord(f"p{i}", identifiers=(("phone", "+12065550147"),)) for i in range(6)]
    recs += [LinkRecord(f"q{i}", identifiers=(("email", f"{rng.random()}@example.com"),)) for i in range(20)]
    lk = IncrementalLinker(cfg)
    for r in recs:
        lk.add(r)
    # 6 of 26 posts: no longer over half the corpus, so the phone links again, as in the rebuild
    assert lk.result().partition() == link_records(recs, cfg).partition() == {frozenset(f"p{i}" for i in range(6))}


def test_duplicates_and_facts() -> None:
    lk = IncrementalLinker()
    r = LinkRecord("a", identifiers=(("phone", "+12065550147"),), location="Seattle, WA", names=("Kira",))
    lk.add(r)
    lk.add(r)
    assert lk.facts_of("a") == {}
    lk.add(LinkRecord("b", identifiers=(("phone", "+12065550147"),), location="Portland, OR", names=("Jade",)))
    facts = lk.facts_of("b")
    assert facts["size"] == 2 and facts["names_per_phone"] == 2 and facts["network_id"].startswith("net-")
    assert lk.result().duplicates == ("a",)


def test_add_is_milliseconds_amortized() -> None:
    recs = corpus(1500, seed=9)
    lk = IncrementalLinker()
    started = time.perf_counter()
    for r in recs:
        lk.add(r)
    per_post = (time.perf_counter() - started) / len(recs)
    assert per_post < 0.01, per_post  # generous for a loaded 2-core machine; typically well under 1 ms


def test_local_rebuild_equals_full_rebuild_under_hub_churn() -> None:
    """Identifiers cross hub thresholds many times; after each batch the local rebuild must give the same
    components as recomputing the whole union-find."""
    import random

    from adwarden.detect.network.incremental import IncrementalLinker
    from adwarden.detect.network.records import LinkRecord

    rng = random.Random(5)
    linker = IncrementalLinker()
    phones = [f"+1206555{n:04d}" for n in range(100, 130)]
    for b in range(60):
        batch = []
        for j in range(10):
            i = b * 10 + j
            ids = [("phone", rng.choice(phones))]
            if rng.random() < 0.5:
                ids.append(("ip", "192.0.2.1"))  # becomes a hub as it spreads
            if rng.random() < 0.2:
                ids.append(("email", f"u{rng.randrange(40)}@example.com"))
            batch.append(LinkRecord(post_id=f"p{i}", external_id=f"e{i}", site="s", text="",
                                    identifiers=tuple(ids), category=rng.choice(["a", "b", "c"])))
        linker.add_many(batch)

        def components(lk: IncrementalLinker) -> set[frozenset[str]]:
            return {frozenset(lk.members(r.post_id)) for r in lk.records}

        local = components(linker)
        linker._rebuild_all()
        assert components(linker) == local, f"diverged after batch {b}"
    assert linker.rebuilds > 60, "hub status never changed: the test would prove nothing"


def test_signatures_computed_beforehand_link_as_the_linker_s_own() -> None:
    """A file ingest's worker signs the records' texts ahead (``signatures_of``); linking with them, with only
    some of them, or with ones made under other parameters (ignored) gives the linker's own networks."""
    from dataclasses import replace

    from adwarden.detect.network.minhash import signatures_of

    recs = corpus(400, seed=9)
    expected = link_records(recs).networks
    assert any(len(n.posts) > 1 for n in expected)
    params = LinkConfig().text
    signed = dict(zip((r.post_id for r in recs), signatures_of([r.text for r in recs], params), strict=True))
    full, partial, foreign = IncrementalLinker(), IncrementalLinker(), IncrementalLinker()
    other = replace(params, threshold=0.1)
    wrong = {pid: replace(s, params=other, sig=bytes(len(s.sig))) for pid, s in signed.items()}
    for lo in range(0, len(recs), 50):
        chunk = recs[lo : lo + 50]
        full.add_many(chunk, signatures=signed)
        partial.add_many(chunk, signatures={r.post_id: signed[r.post_id] for r in chunk[::2]})
        foreign.add_many(chunk, signatures=wrong)
    assert full.result().networks == expected
    assert partial.result().networks == expected
    assert foreign.result().networks == expected
