"""evaluate(): explained verdicts from evidence, with the default policy and small test policies."""

from __future__ import annotations

import pytest

from adwarden.domain import Action, Evidence
from adwarden.policy import evaluate, load_policy, parse_policy
from adwarden.policy.diff import policy_diff


@pytest.fixture(scope="module")
def policy():  # type: ignore[no-untyped-def]
    return load_policy()


def ind(label: str, category: str, weight: float, start: int = 0) -> Evidence:
    return Evidence("indicator", label, weight, category=category, value=label, start=start, end=start + 3)


def test_no_evidence_allows_without_case(policy) -> None:  # type: ignore[no-untyped-def]
    v = evaluate(policy, [])
    assert (v.action, v.risk, v.open_case, v.queue, v.preserve) == (Action.ALLOW, 0.0, False, None, False)
    assert v.reasons == () and v.contributions == ()


def test_contributions_add_up_to_risk_and_reasons_are_kept(policy) -> None:  # type: ignore[no-untyped-def]
    ev = [ind("movement.new_in_town", "movement", 10), ind("always_available.24_7", "always_available", 8, 20),
          ind("control.third_party_booking", "control", 12, 40), ind("new_arrivals.fresh", "new_arrivals", 8, 60)]
    v = evaluate(policy, ev)
    assert v.reasons == tuple(ev)
    assert sum(c.points for c in v.contributions) == pytest.approx(v.risk)
    assert "third-party-control" in v.rules_fired
    assert v.risk == pytest.approx(48.0)
    assert v.open_case and v.queue == "trafficking" and v.action == Action.ALLOW


def test_repeated_label_counts_once_and_category_cap_applies(policy) -> None:  # type: ignore[no-untyped-def]
    ev = [ind("money_code.roses", "money_code", 6, i) for i in range(10)]
    assert evaluate(policy, ev).risk == 6.0
    many = [ind(f"money_code.x{i}", "money_code", 9, i) for i in range(5)]  # 45 points, capped at 20
    v = evaluate(policy, many)
    assert v.risk == 20.0
    assert any(c.source == "cap:category:money_code" and c.points == -25.0 for c in v.contributions)


def test_possible_minor_goes_to_child_safety_held_and_preserved(policy) -> None:  # type: ignore[no-untyped-def]
    v = evaluate(policy, [Evidence("facts", "stated_age_under_18", 60.0, category="youth", value="16")])
    assert v.action == Action.HOLD
    assert v.queue == "child-safety" and policy.queues[v.queue].restricted
    assert v.priority == 100 and v.open_case and v.preserve
    assert v.risk >= 80


def test_possible_minor_never_blocks_even_with_a_block_rule(policy) -> None:  # type: ignore[no-untyped-def]
    ev = [Evidence("facts", "stated_age_under_18", 60.0, category="youth"),
          Evidence("bank", "csam", 50.0, attrs={"bank": "ncmec", "kind": "pdq"})]
    v = evaluate(policy, ev)
    assert {"possible-minor", "known-child-abuse-material", "bank-hit"} <= set(v.rules_fired)
    assert v.action == Action.HOLD  # max_action of the possible-minor rule is applied last
    assert v.queue == "child-safety" and v.preserve and v.risk == 100.0


def test_bank_hit_routes_to_trafficking(policy) -> None:  # type: ignore[no-untyped-def]
    v = evaluate(policy, [Evidence("bank", "trafficking", 50.0, attrs={"bank": "local", "kind": "phone"})])
    assert (v.action, v.queue, v.open_case, v.preserve) == (Action.HOLD, "trafficking", True, True)
    assert v.risk == 70.0


def test_strong_youth_language_alone_is_possible_minor(policy) -> None:  # type: ignore[no-untyped-def]
    v = evaluate(policy, [ind("youth.school", "youth", 30)])
    assert v.queue == "child-safety" and v.action == Action.HOLD
    weak = evaluate(policy, [ind("youth.petite", "youth", 4)])
    assert weak.queue is None and weak.action == Action.ALLOW


def test_network_facts_fire_rules_only_when_known(policy) -> None:  # type: ignore[no-untyped-def]
    ev = [ind("movement.new_in_town", "movement", 10)]
    base = evaluate(policy, ev)
    net = evaluate(policy, ev, network={"distinct_cities": 4, "size": 9, "names_per_phone": 3})
    assert {"network-moves-between-cities", "many-names-per-phone"} <= set(net.rules_fired)
    assert net.risk == base.risk + 30
    assert evaluate(policy, ev, network={"distinct_cities": "many"}).risk == base.risk


SMALL = """\
[policy]
version = "{v}"
review_threshold = 30
hold_threshold = {hold}
block_threshold = 90
default_queue = "general"
[[queues]]
name = "general"
[[rules]]
id = "two-cats"
add = 50
[rules.when]
all = [{{ category = "youth" }}, {{ category = "movement" }}, {{ not = {{ risk_at_least = 80 }} }}]
"""


def test_all_not_and_thresholds() -> None:
    p = parse_policy(SMALL.format(v="a", hold=40).encode())
    v = evaluate(p, [ind("youth.young", "youth", 8), ind("movement.new_in_town", "movement", 10)])
    assert v.rules_fired == ("two-cats",) and v.risk == 68.0 and v.action == Action.HOLD
    assert v.queue == "general"  # reached the review threshold without a specific route
    assert evaluate(p, [ind("youth.young", "youth", 8)]).rules_fired == ()


def test_block_threshold_and_clamp() -> None:
    p = parse_policy(SMALL.format(v="a", hold=40).encode())
    ev = [ind("youth.young", "youth", 40), ind("movement.new_in_town", "movement", 39)]
    v = evaluate(p, ev)
    assert v.action == Action.BLOCK and v.risk == 100.0
    assert any(c.source == "clamp" for c in v.contributions)
    assert sum(c.points for c in v.contributions) == pytest.approx(100.0)


def test_policy_diff_counts_changes_with_examples() -> None:
    old = parse_policy(SMALL.format(v="old", hold=40).encode())
    new = parse_policy(SMALL.format(v="new", hold=70).encode())
    replays = [
        ("p1", [ind("youth.young", "youth", 8), ind("movement.new_in_town", "movement", 10)], None),  # 68: hold->allow
        ("p2", [ind("youth.young", "youth", 5)], None),  # 5: allow either way
        ("p3", [ind("youth.young", "youth", 45)], {}),  # 45: hold -> allow
    ]
    d = policy_diff(old, new, replays)
    assert (d.total, d.changed, d.risk_only) == (3, 2, 0)
    assert d.transitions == {"hold->allow": 2}
    assert [c.post_id for c in d.examples] == ["p1", "p3"]
    assert d.to_json()["examples"][0]["changed"] == ["action"]
    assert policy_diff(old, old, replays).changed == 0
