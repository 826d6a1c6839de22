"""A promoted model through the HTTP API: the platform's verdict carries the classifier's reason and phrases."""

from __future__ import annotations

import random
from typing import Any

from adwarden.models_service import evaluate_model, promote_model, train_model
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import latest_assessment
from tests.classifier.synth import VIOLATING, synthetic_ad, synthetic_ads
from tests.classifier.test_lifecycle import OPS, _decide


def test_api_verdict_carries_the_promoted_models_reason(client: Any, runtime: Runtime) -> None:
    _decide(runtime, synthetic_ads(24, seed=81, prefix="api"))
    m = train_model(runtime.db, actor=OPS)
    _decide(runtime, synthetic_ads(12, seed=82, prefix="apieval"))
    evaluate_model(runtime.db, m.version, actor=OPS)
    promote_model(runtime.db, m.version, actor=OPS, rescan=False)

    ad = synthetic_ad(97, VIOLATING, rng=random.Random(12), prefix="http")
    r = client.post("/v1/posts", json={"external_id": ad.external_id, "site": ad.site, "title": ad.title,
                                       "body": ad.body})
    assert r.status_code == 200, r.text
    reasons = [x for x in r.json()["reasons"] if x["detector"] == "classifier"]
    assert len(reasons) == 1 and reasons[0]["label"] == VIOLATING and reasons[0]["model"] == m.version
    text = f"{ad.title}\n{ad.body}"
    for ph in reasons[0]["phrases"]:
        start, end = ph["span"]
        assert text[start:end] == ph["phrase"]

    # A newer model in shadow scores the next post: stored with the assessment, not shown to the platform.
    train_model(runtime.db, actor=OPS)
    ad2 = synthetic_ad(98, VIOLATING, rng=random.Random(13), prefix="http")
    r = client.post("/v1/posts", json={"external_id": ad2.external_id, "site": ad2.site, "body": ad2.body})
    assert r.status_code == 200, r.text
    assert [x["detector"] for x in r.json()["reasons"] if "classifier" in x["detector"]] == ["classifier"]
    with runtime.db.read() as conn:
        stored = latest_assessment(conn, r.json()["post_id"])
    assert stored is not None and any(e.detector == "shadow_classifier" for e in stored.verdict.reasons)
