"""Policy loading: the default policy, and every problem reported at once with its line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from adwarden.domain import PolicyError
from adwarden.domain.source_lines import LineIndex
from adwarden.policy import default_policy_text, load_policy, parse_policy

GOOD = """\
[policy]
version = "t1"
review_threshold = 40
hold_threshold = 60
block_threshold = 95
default_queue = "general"

[[queues]]
name = "general"

[[queues]]
name = "child-safety"
priority = 100
restricted = true

[[rules]]
id = "minor"
queue = "child-safety"
action = "hold"
max_action = "hold"
preserve = true
when = { detector = "facts", label = "stated_age_under_18" }
"""


def test_default_policy_loads_with_required_queues_and_digest() -> None:
    p = load_policy()
    assert {"general", "trafficking", "child-safety"} <= set(p.queues)
    assert p.queues["child-safety"].restricted
    assert not p.queues["general"].restricted
    assert p.digest == hashlib.sha256(default_policy_text()).hexdigest()
    assert 0 <= p.review_threshold <= 100
    assert p.version


def test_load_from_path(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text(GOOD)
    p = load_policy(f)
    assert p.version == "t1"
    assert p.source == str(f)
    assert [r.id for r in p.rules] == ["minor"]


def test_every_problem_reported_at_once_with_lines(tmp_path: Path) -> None:
    bad = """\
[policy]
version = "t2"
review_threshold = 140
hold_threshold = 90
block_threshold = 80
default_queue = "nowhere"

[[queues]]
name = "general"
colour = "red"

[detectors.indicatr]
scale = 1.0

[categories.youth]
cap = 30

[[rules]]
id = "a"
queue = "missing-queue"
when = { category = "yuoth" }

[[rules]]
id = "b"
add = 5
[rules.when]
all = [
  { network = "distinct_cities", ge = 5 },
  { network = "distinct_cities", le = 2 },
]

[[rules]]
id = "c"
add = 5
when = { detector = "indicator", label = "youth.just_turned_19" }

[[rules]]
id = "d"
when = { category = "youth" }

[[rules]]
id = "e"
add = 5
when = { category = "youth", min_points = 45 }
"""
    f = tmp_path / "bad.toml"
    f.write_text(bad)
    with pytest.raises(PolicyError) as info:
        load_policy(f)
    problems = info.value.problems
    text = "\n".join(problems)
    expect = {
        3: "review_threshold must be between 0 and 100",
        4: "hold_threshold (90) must not exceed block_threshold (80)",
        6: "unknown queue 'nowhere'",
        10: "unknown key 'colour'",
        12: "unknown detector 'indicatr'",
        20: "unknown queue 'missing-queue'",
        21: "unknown category 'yuoth'",
        26: "can never fire",
        35: "never emits label 'youth.just_turned_19'",
        37: "has no effect",
        44: "exceeds the cap 30",
    }
    for line, fragment in expect.items():
        assert any(p.startswith(f"{f}:{line}: ") and fragment in p for p in problems), (line, fragment, text)
    assert len(problems) == len(expect), text


def test_did_you_mean_for_labels() -> None:
    src = GOOD.replace('label = "stated_age_under_18"', 'label = "stated_age_under18"')
    with pytest.raises(PolicyError) as info:
        parse_policy(src.encode(), source="p.toml")
    assert "did you mean 'stated_age_under_18'" in str(info.value)
    assert str(info.value).startswith("p.toml:22: ")


def test_invalid_toml_names_its_line() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(b'[policy]\nversion = "x"\nreview_threshold = = 3\n', source="p.toml")
    assert info.value.problems[0].startswith("p.toml:3: invalid TOML")


def test_restricted_default_queue_and_action_above_ceiling_rejected() -> None:
    src = GOOD.replace('default_queue = "general"', 'default_queue = "child-safety"').replace(
        'action = "hold"', 'action = "block"', 1)
    with pytest.raises(PolicyError) as info:
        parse_policy(src.encode(), source="p.toml")
    msgs = info.value.problems
    assert any(m.startswith("p.toml:6: ") and "restricted" in m for m in msgs)
    assert any(m.startswith("p.toml:19: ") and "above its own max_action" in m for m in msgs)


def test_condition_shape_errors() -> None:
    src = GOOD.replace('when = { detector = "facts", label = "stated_age_under_18" }',
                       'when = { any = [], detector = "facts" }')
    with pytest.raises(PolicyError) as info:
        parse_policy(src.encode(), source="p.toml")
    assert "must be the only key" in str(info.value)
    src = GOOD.replace('when = { detector = "facts", label = "stated_age_under_18" }',
                       'when = { network = "size", gte = 3 }')
    with pytest.raises(PolicyError) as info:
        parse_policy(src.encode(), source="p.toml")
    assert "unknown comparison 'gte'" in str(info.value)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "missing.toml")
    assert "cannot read policy" in str(info.value)


def test_line_index_multiline_arrays_and_inline_tables() -> None:
    idx = LineIndex.from_text(
        '[[rules]]\nid = "a"\n[rules.when]\nany = [\n  { category = "x" },\n  { all = [{ label = "y" }] },\n]\n'
        '[[rules]]\nid = "b"\n'
    )
    assert idx.line_of(("rules", 0, "when", "any", 0, "category")) == 5
    assert idx.line_of(("rules", 0, "when", "any", 1, "all", 0, "label")) == 6
    assert idx.line_of(("rules", 1, "id")) == 9
    assert idx.line_of(("rules", 1, "nothing")) == 8
