"""Synthetic, non-explicit ads for the classifier tests: 555-01xx numbers, made-up names, example.com.

Every ad carries the same risky skeleton (so screening opens a case for a reviewer to decide); what tells the
two kinds apart is a few marker phrases: third-party control for ``violating-trafficking``, a licensed
practice for ``not-violating``. The markers are what a trained model should learn and cite.
"""

from __future__ import annotations

import random

from adwarden.domain import PostInput

CONTROL = ["my manager takes the calls", "the manager keeps the money", "my driver brings me to you",
           "ask the boss for times", "do not talk to the girls directly", "rides arranged by my man",
           "manager answers all texts", "the boss sets every rate"]
LICENSED = ["licensed massage therapist", "state license shown on request", "clinic hours posted online",
            "insurance receipts available", "sports therapy for runners", "trained in physio recovery",
            "licensed clinic downtown", "therapy receipts for insurance"]
NAMES = ["Ana", "Bea", "Cleo", "Dana", "Eve", "Fay", "Gia", "Hana", "Iris", "June"]
SKELETONS = ["New in town, young and fresh. Just arrived this week, available 24/7. 100 roses per hour.",
             "Young and fresh, new in town, just arrived. Available 24/7, 100 roses per hour.",
             "Just arrived this week: new in town, young, fresh, available 24/7 and 100 roses per hour."]

VIOLATING = "violating-trafficking"
BENIGN = "not-violating"


def synthetic_ad(i: int, label: str, *, rng: random.Random, prefix: str = "s") -> PostInput:
    markers = rng.sample(CONTROL if label == VIOLATING else LICENSED, 2)
    name = rng.choice(NAMES)
    body = f"{rng.choice(SKELETONS)} {markers[0].capitalize()}, {markers[1]}. Ask for {name}, 206-555-01{i % 100:02d}."
    return PostInput(external_id=f"{prefix}-{i}", site="example-classifieds", title=f"{name} in Seattle",
                     body=body, location="Seattle, WA", url=f"https://example.com/{prefix}-{i}")


def synthetic_ads(n: int, *, seed: int, prefix: str = "s") -> list[tuple[PostInput, str]]:
    """``n`` ads, alternating labels, deterministic for a seed."""
    rng = random.Random(seed)
    return [(synthetic_ad(i, VIOLATING if i % 2 == 0 else BENIGN, rng=rng, prefix=prefix),
             VIOLATING if i % 2 == 0 else BENIGN) for i in range(n)]
