"""A post's network facts cost O(1) amortized however large its network grows, and stay exact where they can.

Before: every post of a network of n posts recomputed the network's facts over all n members and walked its whole
text cluster, so ingest slowed as one network grew (a load test fell from 147 to 19 stored posts/s).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adwarden.demo import generate_marketplace
from adwarden.detect.network import LinkRecord, incremental, record_from_post
from adwarden.detect.network.incremental import IncrementalLinker
from adwarden.detect.network.model import network_id
from adwarden.detect.network.movement import network_facts


def _cluster_size(lk: IncrementalLinker, i: int) -> int:
    """The reference: walk the text edges from post ``i``."""
    adj = lk._text_adj
    if i not in adj:
        return 0
    seen, todo = {i}, [i]
    while todo:
        for j in adj.get(todo.pop(), ()):
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return len(seen)


def test_facts_of_small_networks_equal_a_full_computation() -> None:
    recs = [record_from_post(p) for p in generate_marketplace(900, seed=11, network_share=0.15).posts()]
    lk = IncrementalLinker()
    for lo in range(0, len(recs), 50):
        lk.add_many(recs[lo : lo + 50])
    checked = 0
    for i, r in enumerate(recs):
        net = lk.network_of(r.post_id)
        facts = lk.facts_of(r.post_id)
        if net is None:
            assert facts == {}
            continue
        expected: dict[str, Any] = network_facts([recs[lk._index[p]] for p in net.posts])
        expected["network_id"] = net.id
        expected["template_size"] = _cluster_size(lk, i)
        expected["image_reuse"] = lk._image_reuse(i)
        assert facts == expected, r.post_id
        checked += 1
    assert checked > 50
    assert any(lk.facts_of(r.post_id).get("template_size", 0) > 1 for r in recs)


def _ring(n: int) -> list[LinkRecord]:
    """One network: 100 phones and 500 accounts shared round-robin (the load benchmark's shape), one template."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        LinkRecord(
            f"p{i:06d}",
            identifiers=(("phone", f"+1206555{i % 100:04d}"), ("account", f"u-{i % 500}")),
            text=f"Solid oak table, seats six. Pickup downtown, ask for item {i}.",
            location="Seattle, WA" if i % 2 else "Tacoma, WA",
            posted_at=start + timedelta(minutes=i),
        )
        for i in range(n)
    ]


def test_giant_network_recomputes_facts_geometrically(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting(records: Any) -> dict[str, Any]:
        calls.append(len(records))
        return network_facts(records)

    exact = 50
    monkeypatch.setattr(incremental, "network_facts", counting)
    monkeypatch.setattr(incremental, "EXACT_FACTS_UP_TO", exact)
    n = 3000
    lk = IncrementalLinker()
    sizes: list[int] = []
    for r in _ring(n):
        lk.add_many([r])
        facts = lk.facts_of(r.post_id)
        if facts:
            sizes.append(facts["size"])
            # size is exact; the rest were computed at most FACTS_REFRESH_GROWTH ago
            as_of = facts.get("facts_as_of_size", facts["size"])
            assert as_of <= facts["size"] < as_of * (1 + incremental.FACTS_REFRESH_GROWTH) or as_of == facts["size"]
            assert facts["network_id"] == network_id(lk.network_of(r.post_id).posts)  # type: ignore[union-attr]
    assert sizes[-1] == n
    growth = 1 + incremental.FACTS_REFRESH_GROWTH
    bound = exact + math.ceil(math.log(n / exact) / math.log(growth)) + 2
    assert len(calls) <= bound, (len(calls), bound)  # one per post (3,000) before
    assert sum(calls) <= 30 * n  # a geometric series, not n²/2
    # template_size counts the near-duplicate text cluster without walking it
    last = lk._index[f"p{n - 1:06d}"]
    assert lk.facts_of(f"p{n - 1:06d}")["template_size"] == _cluster_size(lk, last)


def test_stale_facts_are_refreshed_after_enough_growth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "EXACT_FACTS_UP_TO", 10)
    recs = _ring(400)
    lk = IncrementalLinker()
    lk.add_many(recs[:200])
    first = lk.facts_of("p000000")
    assert first["size"] == 200 and "facts_as_of_size" not in first
    lk.add_many(recs[200:205])  # 2.5% growth: the facts of size 200 still stand
    stale = lk.facts_of("p000000")
    assert stale["size"] == 205 and stale["facts_as_of_size"] == 200
    lk.add_many(recs[205:211])  # past 5%: recomputed
    fresh = lk.facts_of("p000000")
    assert fresh["size"] == 211 and "facts_as_of_size" not in fresh
    assert fresh["days_active"] == network_facts(recs[:211])["days_active"]
