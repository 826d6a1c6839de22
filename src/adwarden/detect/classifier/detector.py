"""The classifier as detectors: the promoted model scores posts; a shadow model only records its scores.

A promoted model is one more detector (``classifier``): for each violating label whose calibrated probability
reaches ``min_probability`` it returns evidence whose weight grows with the probability, and whose value and
``phrases`` say which phrases of the post drove the score. The policy decides what that is worth (scale and
cap of the ``classifier`` detector).

A model in shadow (``shadow_classifier``) scores every post the same way but returns a single piece of
evidence with weight 0 and a label (``shadow:<label>``) no policy can name (the policy loader knows no
``shadow_classifier`` detector), so its score is stored with the assessment, for evaluation against the
reviewers' later decisions, and changes no verdict.

>>> from adwarden.detect.classifier.model import train_text_model
>>> m = train_text_model(["ask for my manager", "my manager sets the rates", "sofa for sale",
...                       "desk for sale"] * 3, ["violating-trafficking", "violating-trafficking",
...                       "not-violating", "not-violating"] * 3, folds=3)
>>> det = ClassifierDetector(m, "v1", min_probability=0.5)
>>> [e.label for e in det.evidence_for("call my manager")]
['violating-trafficking']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from adwarden.detect.base import Detector, ScreenContext
from adwarden.domain import Evidence

if TYPE_CHECKING:  # the model module imports scikit-learn (about a second): only a loaded model needs it
    from adwarden.detect.classifier.model import TextModel

#: Labels that mean "nothing wrong": never evidence, whatever their probability.
BENIGN_LABELS = frozenset({"not-violating"})
DEFAULT_MIN_PROBABILITY = 0.5
#: Weight of evidence at probability 1.0 (scaled linearly); the default policy caps the detector at 40 points,
#: the review threshold, so the model alone can open a case but never hold a post.
DEFAULT_MAX_WEIGHT = 40.0


class ClassifierDetector(Detector):
    """Evidence from a promoted text model. ``model_version`` is stored with every assessment."""

    version: ClassVar[str] = "1"

    def __init__(self, model: TextModel, model_version: str, *, min_probability: float = DEFAULT_MIN_PROBABILITY,
                 max_weight: float = DEFAULT_MAX_WEIGHT, benign_labels: frozenset[str] = BENIGN_LABELS,
                 top_phrases: int = 5) -> None:
        if not 0.0 < min_probability <= 1.0:
            raise ValueError(f"min_probability must be in (0, 1], got {min_probability}")
        self.model = model
        self.model_version = model_version
        self.min_probability = min_probability
        self.max_weight = max_weight
        self.benign_labels = benign_labels
        self.top_phrases = top_phrases

    def describe_version(self) -> str:
        return f"{self.version}+model:{self.model_version}"

    def scores(self, text: str) -> tuple[dict[str, float], list[Evidence]]:
        """Probabilities of every label and the evidence for the violating labels at or above the threshold."""
        row = self.model.scorer.row(text)
        proba = self.model.scorer.probabilities(row)
        probabilities = {c: round(float(p), 4) for c, p in zip(self.model.classes, proba, strict=True)}
        out: list[Evidence] = []
        for label, p in sorted(probabilities.items(), key=lambda kv: -kv[1]):
            if label in self.benign_labels or p < self.min_probability:
                continue
            phrases = self.model.explain(text, label, row=row, top=self.top_phrases)
            first = phrases[0] if phrases else None
            out.append(Evidence(
                detector=self.name, label=label, weight=round(p * self.max_weight, 2),
                value=", ".join(ph.text for ph in phrases) or None,
                start=first.start if first else None, end=first.end if first else None,
                attrs={"probability": p, "model": self.model_version,
                       "phrases": [ph.to_json() for ph in phrases]},
            ))
        return probabilities, out

    def evidence_for(self, text: str) -> list[Evidence]:
        return self.scores(text)[1]

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        return self.evidence_for(ctx.text)


class ShadowClassifierDetector(ClassifierDetector):
    """A model in shadow: one weight-0 evidence per post carrying every label's probability (and, when a
    violating label reaches the threshold, the phrases behind it), so it can be evaluated before promotion."""

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        probabilities, live = self.scores(ctx.text)
        top = max(probabilities.items(), key=lambda kv: kv[1])[0]
        attrs: dict[str, object] = {"shadow": True, "model": self.model_version, "probabilities": probabilities}
        first = live[0] if live else None
        if first is not None:
            attrs["phrases"] = first.attrs["phrases"]
        return [Evidence(detector=self.name, label=f"shadow:{top}", weight=0.0,
                         value=first.value if first else None, start=first.start if first else None,
                         end=first.end if first else None, attrs=attrs)]
