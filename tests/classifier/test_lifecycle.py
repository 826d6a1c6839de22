"""Retraining from decisions, end to end on both backends: decisions -> train -> shadow scores -> evaluate ->
promote -> verdicts change, every step audited."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from adwarden.domain import Actor, Conflict, InputError, PermissionDenied, PostInput
from adwarden.models_service import (
    evaluate_model,
    load_promoted_detector,
    load_shadow_detector,
    promote_model,
    retire_model,
    train_model,
)
from adwarden.policy import evaluate
from adwarden.retro.rescan import run_rescan
from adwarden.review.decisions import record_decision
from adwarden.runtime import BaseDetectors, Runtime, build_runtime
from adwarden.screening.service import IngestOutcome
from adwarden.storage.sql import classifier_models as store
from adwarden.storage.sql.queries import latest_assessment
from adwarden.storage.sql.tables import audit_events
from tests.classifier.synth import BENIGN, VIOLATING, synthetic_ad, synthetic_ads

PLATFORM = Actor("shop", frozenset({"platform"}))
MOD = Actor("mia", frozenset({"moderator"}))
OPS = Actor("ops", frozenset({"admin"}))


def _decide(rt: Runtime, ads: list[tuple[PostInput, str]]) -> list[IngestOutcome]:
    outs = rt.ingest([a for a, _ in ads], actor=PLATFORM)
    for out, (_, label) in zip(outs, ads, strict=True):
        assert out.case_id is not None, "every synthetic ad must open a case for a reviewer"
        record_decision(rt.db, out.case_id, label, actor=MOD)
    return outs


def _events(rt: Runtime, prefix: str) -> list[tuple[str, str]]:
    with rt.db.read() as conn:
        rows = conn.execute(select(audit_events.c.name, audit_events.c.subject_id)
                            .where(audit_events.c.name.like(f"{prefix}%")).order_by(audit_events.c.seq)).all()
    return [(r.name, r.subject_id) for r in rows]


def test_decisions_train_shadow_promote_change_verdicts(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    base = rt.screener
    _decide(rt, synthetic_ads(40, seed=21, prefix="train"))

    m = train_model(rt.db, actor=OPS)
    assert m.status.value == "shadow" and m.training["examples"] == 40
    assert m.training["labels"] == {BENIGN: 20, VIOLATING: 20}
    assert m.metrics["macro_f1"] >= 0.9 and len(m.digest) == 64
    assert load_promoted_detector(rt.db) is None

    # Shadow: the next batch is screened with the shadow model; scores recorded, verdicts as before.
    fresh = synthetic_ads(16, seed=22, prefix="shadow")
    outs = _decide(rt, fresh)
    assert "shadow_classifier" in rt.screener.registry.names()
    assert "classifier" not in rt.screener.registry.names()
    for out in outs:
        assert out.assessment is not None
        v = out.assessment.verdict
        assert any(e.detector == "shadow_classifier" and e.attrs["model"] == m.version for e in v.reasons)
        assert not any(c.source.startswith("shadow_classifier") for c in v.contributions)
        without = [e for e in v.reasons if e.detector != "shadow_classifier"]
        a, b = evaluate(rt.screener.policy, v.reasons), evaluate(rt.screener.policy, without)
        assert (a.action, a.risk, a.queue, a.rules_fired) == (b.action, b.risk, b.queue, b.rules_fired)
        assert out.assessment.versions["detector:shadow_classifier"] == f"1+model:{m.version}"

    with pytest.raises(Conflict, match="no evaluation"):
        promote_model(rt.db, m.version, actor=OPS)
    ev = evaluate_model(rt.db, m.version, actor=OPS)
    assert ev.examples == 16 and ev.shadow_scored == 16 and ev.source == "decisions after training"
    assert ev.metrics["macro_f1"] >= 0.9 and ev.incumbent_version is None

    before = base.screen(synthetic_ad(90, VIOLATING, rng=random.Random(5), prefix="probe")).verdict
    p = promote_model(rt.db, m.version, actor=OPS)
    assert p.model.status.value == "promoted" and p.evaluation.id == ev.id and p.rescan_job is not None
    assert not rt.is_current(), "promotion must tell every process to rebuild its screener"
    live = rt.refresh_screener()
    assert "classifier" in live.registry.names() and "shadow_classifier" not in live.registry.names()

    probe = synthetic_ad(90, VIOLATING, rng=random.Random(5), prefix="probe")
    after = live.screen(probe).verdict
    cls = [e for e in after.reasons if e.detector == "classifier"]
    assert len(cls) == 1 and cls[0].label == VIOLATING and cls[0].attrs["phrases"]
    assert after.risk > before.risk and before.action.value == "allow" and after.action.value == "hold"
    benign = synthetic_ad(91, BENIGN, rng=random.Random(6), prefix="probe")
    assert not [e for e in live.screen(benign).verdict.reasons if e.detector == "classifier"]

    # Stored posts follow the promoted model through the queued rescan.
    job = run_rescan(rt, p.rescan_job, actor=OPS)
    assert job.status == "done" and job.changed >= 20
    with rt.db.read() as conn:
        a = latest_assessment(conn, outs[0].post_id)
    assert a is not None and a.trigger == "rescan"
    assert any(e.detector == "classifier" for e in a.verdict.reasons)

    names = [n for n, _ in _events(rt, "model-")]
    assert names == ["model-trained", "model-evaluated", "model-promoted"]


def test_promotion_compares_with_the_promoted_model_and_retires_it(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    _decide(rt, synthetic_ads(30, seed=31, prefix="a"))
    first = train_model(rt.db, actor=OPS)
    _decide(rt, synthetic_ads(12, seed=32, prefix="b"))
    evaluate_model(rt.db, first.version, actor=OPS)
    promote_model(rt.db, first.version, actor=OPS, rescan=False)

    # Reviewers now disagree with the old labels: the markers of control are judged benign from here on.
    flipped = [(a, BENIGN if lab == VIOLATING else VIOLATING) for a, lab in synthetic_ads(40, seed=33, prefix="c")]
    _decide(rt, flipped)
    second = train_model(rt.db, actor=OPS)
    with rt.db.read() as conn:
        assert store.get_model(conn, first.version).status.value == "promoted"
    _decide(rt, [(a, BENIGN if lab == VIOLATING else VIOLATING)
                              for a, lab in synthetic_ads(12, seed=34, prefix="d")])
    ev = evaluate_model(rt.db, second.version, actor=OPS)
    assert ev.incumbent_version == first.version and ev.incumbent_metrics is not None
    assert ev.metrics["macro_f1"] > ev.incumbent_metrics["macro_f1"]
    promote_model(rt.db, second.version, actor=OPS, rescan=False)
    with rt.db.read() as conn:
        statuses = {x.version: x.status.value for x in store.list_models(conn)}
    assert statuses == {first.version: "retired", second.version: "promoted"}

    # first's evaluation compared it with no promoted model; second is promoted now: evaluate again first.
    with pytest.raises(Conflict, match="evaluate .* again"):
        promote_model(rt.db, first.version, actor=OPS, rescan=False)

    # The old model now loses against the promoted one: promotion is refused unless forced with a reason.
    _decide(rt, [(a, BENIGN if lab == VIOLATING else VIOLATING)
                              for a, lab in synthetic_ads(12, seed=35, prefix="e")])
    evaluate_model(rt.db, first.version, actor=OPS)
    with pytest.raises(Conflict, match="pass --force"):
        promote_model(rt.db, first.version, actor=OPS, rescan=False)
    with pytest.raises(InputError, match="needs a reason"):
        promote_model(rt.db, first.version, actor=OPS, force=True, rescan=False)
    promote_model(rt.db, first.version, actor=OPS, force=True, reason="rollback drill", rescan=False)
    with rt.db.read() as conn:
        payload = conn.execute(select(audit_events.c.payload).where(audit_events.c.name == "model-promoted")
                               .order_by(audit_events.c.seq.desc()).limit(1)).scalar_one()
    assert '"forced":true' in payload and "rollback drill" in payload


def test_refusals_name_what_is_missing(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    with pytest.raises(InputError, match="0 distinct decided posts, at least 20"):
        train_model(rt.db, actor=OPS)
    with pytest.raises(PermissionDenied):
        train_model(rt.db, actor=MOD)
    _decide(rt, synthetic_ads(24, seed=41, prefix="r"))
    m = train_model(rt.db, actor=OPS)
    with pytest.raises(InputError, match="0 examples to evaluate"):
        evaluate_model(rt.db, m.version, actor=OPS)
    assert load_shadow_detector(rt.db) is not None
    retire_model(rt.db, m.version, actor=OPS, reason="not needed")
    assert load_shadow_detector(rt.db) is None
    with pytest.raises(Conflict, match="already retired"):
        retire_model(rt.db, m.version, actor=OPS, reason="again")
    assert [n for n, _ in _events(rt, "model-")] == ["model-trained", "model-retired"]


def test_training_reads_the_decided_version_and_skips_escalations(runtime: Runtime) -> None:
    rt = runtime
    ads = synthetic_ads(2, seed=51, prefix="v")
    outs = rt.ingest([a for a, _ in ads], actor=PLATFORM)
    assert outs[0].case_id and outs[1].case_id
    record_decision(rt.db, outs[0].case_id, "escalate", actor=OPS)
    record_decision(rt.db, outs[0].case_id, VIOLATING, actor=OPS)
    record_decision(rt.db, outs[1].case_id, BENIGN, actor=MOD)
    # An edit after the decision is not what the reviewer judged.
    edited = PostInput(external_id=ads[0][0].external_id, site=ads[0][0].site, title="Sofa", body="Blue sofa.")
    rt.ingest([edited], actor=PLATFORM)
    with rt.db.read() as conn:
        examples = store.training_examples(conn)
    assert [(e.post_id, e.version, e.label) for e in examples] == [
        (outs[0].post_id, 1, VIOLATING), (outs[1].post_id, 1, BENIGN)]
    assert examples[0].text == ads[0][0].text


def test_another_process_screens_with_the_promoted_model_at_once(runtime: Runtime,
                                                                   shared_base: BaseDetectors) -> None:
    rt = runtime
    other = build_runtime(rt.settings, migrate=False, base=shared_base)  # e.g. the API server, started earlier
    assert not {"classifier", "shadow_classifier"} & set(other.screener.registry.names())
    _decide(rt, synthetic_ads(24, seed=71, prefix="p"))
    m = train_model(rt.db, actor=OPS)
    _decide(rt, synthetic_ads(12, seed=72, prefix="q"))
    evaluate_model(rt.db, m.version, actor=OPS)
    promote_model(rt.db, m.version, actor=OPS, rescan=False)
    out = other.ingest([synthetic_ad(95, VIOLATING, rng=random.Random(8), prefix="o")], actor=PLATFORM)[0]
    assert out.assessment is not None
    assert [e.label for e in out.assessment.verdict.reasons if e.detector == "classifier"] == [VIOLATING]
    retire_model(rt.db, m.version, actor=OPS, reason="drill")
    out = other.ingest([synthetic_ad(96, VIOLATING, rng=random.Random(9), prefix="o")], actor=PLATFORM)[0]
    assert out.assessment is not None
    assert not [e for e in out.assessment.verdict.reasons if e.detector in ("classifier", "shadow_classifier")]
    other.db.dispose()


def test_latest_decision_per_text_wins() -> None:
    from datetime import UTC, datetime

    from adwarden.detect.classifier.records import LabelledExample
    from adwarden.models_service import latest_per_text

    t = datetime(2026, 12, 1, tzinfo=UTC)
    ex = [LabelledExample(3, "p1", 1, "h1", "a", VIOLATING, t), LabelledExample(1, "p2", 1, "h2", "b", BENIGN, t),
          LabelledExample(2, "p3", 1, "h1", "a", BENIGN, t)]
    assert [(e.decision_id, e.label) for e in latest_per_text(ex)] == [(1, BENIGN), (3, VIOLATING)]
