"""policy check refuses a policy in which a post can be held (or blocked) without a case."""

from __future__ import annotations

from pathlib import Path

import pytest

from adwarden.domain import PolicyError
from adwarden.policy import default_policy_text, parse_policy
from tests.conftest import Cli

BASE = """\
[policy]
version = "s1"
review_threshold = {review}
hold_threshold = {hold}
block_threshold = 95
default_queue = "general"

[[queues]]
name = "general"

[[queues]]
name = "child-safety"
priority = 100
restricted = true
{rules}
"""

HOLD_RULE = """
[[rules]]
id = "hold-on-youth"
action = "hold"
{extra}
when = {{ category = "youth" }}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as exc:
        parse_policy(text.encode())
    return exc.value.problems


def test_hold_threshold_below_review_threshold_is_refused_with_its_line() -> None:
    problems = _problems(BASE.format(review=40, hold=20, rules=""))
    assert len(problems) == 1
    assert "<policy>:4:" in problems[0] and "held without a case" in problems[0]


@pytest.mark.parametrize("extra,ok", [
    ("", False),
    ("min_risk = 10", False),
    ("open_case = true", True),
    ("min_risk = 40", True),
    ('queue = "child-safety"', True),
])
def test_a_holding_rule_must_open_a_case(extra: str, ok: bool) -> None:
    text = BASE.format(review=40, hold=60, rules=HOLD_RULE.format(extra=extra))
    if ok:
        assert parse_policy(text.encode()).rules[0].id == "hold-on-youth"
    else:
        assert any("hold-on-youth" in p and "without opening a case" in p for p in _problems(text))


def test_default_policy_passes_and_the_cli_rejects_a_stranding_copy(cli: Cli, tmp_path: Path) -> None:
    assert parse_policy(default_policy_text()).labels["not-violating"].violating is False
    bad = tmp_path / "strand.toml"
    bad.write_text(default_policy_text().decode().replace("hold_threshold = 60", "hold_threshold = 30"))
    r = cli("policy", "check", str(bad))
    assert r.exit_code == 1 and "held without a case" in r.output


def test_labels_are_validated() -> None:
    text = BASE.format(review=40, hold=60, rules="") + '\n[[labels]]\nname = "violating-x"\nviolating = true\n'
    assert any("violating = false" in p for p in _problems(text))
