"""The classifier as detectors: evidence with phrases for violating labels only; shadow scoring that no
verdict and no policy rule can see."""

from __future__ import annotations

import pytest

from adwarden.detect.base import DetectorRegistry
from adwarden.detect.classifier import (
    ClassifierDetector,
    ShadowClassifierDetector,
    TextModel,
    train_text_model,
)
from adwarden.domain import PolicyError, PostInput
from adwarden.pipeline import Screener
from adwarden.policy import parse_policy
from tests.classifier.synth import VIOLATING, synthetic_ads


@pytest.fixture(scope="module")
def model() -> TextModel:
    ads = synthetic_ads(40, seed=11)
    return train_text_model([a.text for a, _ in ads], [lab for _, lab in ads])


VIOLATING_AD = "New in town, available 24/7. My manager takes the calls, the boss sets every rate. 206-555-0101."
BENIGN_AD = "Licensed massage therapist, clinic hours posted online, insurance receipts available. 206-555-0102."


def test_names_derive_from_the_classes() -> None:
    assert ClassifierDetector.get_name() == "classifier"
    assert ShadowClassifierDetector.get_name() == "shadow_classifier"


def test_violating_ad_gets_weighted_evidence_with_its_phrases(model: TextModel) -> None:
    det = ClassifierDetector(model, "m1", max_weight=40.0)
    ev = det.evidence_for(VIOLATING_AD)
    assert [e.label for e in ev] == [VIOLATING]
    e = ev[0]
    p = e.attrs["probability"]
    assert 0.5 <= p <= 1.0 and e.weight == pytest.approx(round(p * 40.0, 2))
    assert e.attrs["model"] == "m1" and e.detector == "classifier"
    assert e.start is not None and VIOLATING_AD[e.start : e.end] == e.attrs["phrases"][0]["phrase"]
    assert any(w in (e.value or "").lower() for w in ("manager", "boss", "calls", "rate"))
    assert det.describe_version() == "1+model:m1"


def test_benign_ad_and_high_threshold_give_no_evidence(model: TextModel) -> None:
    assert ClassifierDetector(model, "m1").evidence_for(BENIGN_AD) == []
    probability = ClassifierDetector(model, "m1").evidence_for(VIOLATING_AD)[0].attrs["probability"]
    strict = ClassifierDetector(model, "m1", min_probability=min(1.0, probability + 0.001))
    assert strict.evidence_for(VIOLATING_AD) == []
    with pytest.raises(ValueError, match="min_probability"):
        ClassifierDetector(model, "m1", min_probability=0)


def test_shadow_scores_are_recorded_but_change_no_verdict(shared_screener: Screener, model: TextModel) -> None:
    shadow = ShadowClassifierDetector(model, "m1")
    with_shadow = Screener(DetectorRegistry([*shared_screener.registry, shadow]), shared_screener.policy)
    live = Screener(DetectorRegistry([*shared_screener.registry, ClassifierDetector(model, "m1")]),
                    shared_screener.policy)
    for text in (VIOLATING_AD, BENIGN_AD):
        post = PostInput(external_id="x", title="Seattle", body=text)
        base = shared_screener.screen(post).verdict
        s = with_shadow.screen(post)
        v = s.verdict
        assert (v.action, v.risk, v.queue, v.open_case, v.rules_fired, v.contributions) == (
            base.action, base.risk, base.queue, base.open_case, base.rules_fired, base.contributions)
        recorded = [e for e in v.reasons if e.detector == "shadow_classifier"]
        assert len(recorded) == 1 and recorded[0].weight == 0.0 and recorded[0].attrs["shadow"] is True
        assert recorded[0].label.startswith("shadow:")
        assert set(recorded[0].attrs["probabilities"]) == set(model.classes)
    # The same model promoted does change the violating ad's verdict.
    post = PostInput(external_id="x", title="Seattle", body=VIOLATING_AD)
    assert live.screen(post).verdict.risk > shared_screener.screen(post).verdict.risk


def test_no_policy_can_name_the_shadow_detector() -> None:
    text = b"""
[policy]
version = "t"
review_threshold = 40
hold_threshold = 60
block_threshold = 95
default_queue = "general"
[[queues]]
name = "general"
[[rules]]
id = "uses-shadow"
add = 50
when = { detector = "shadow_classifier" }
"""
    with pytest.raises(PolicyError, match="unknown detector 'shadow_classifier'"):
        parse_policy(text, source="t.toml")
    ok = parse_policy(text.replace(b"shadow_classifier", b"classifier"), source="t.toml")
    assert ok.rules[0].id == "uses-shadow"
