"""The classifier's life cycle: train from decisions, shadow, evaluate, promote, retire. Every step is audited.

1. :func:`train_model` reads every final reviewer decision (the decided post version's text, the decision's
   label), trains a model, cross-validates it, stores the artifact with its digest and training summary as
   a new version in ``shadow`` (a previous shadow model is retired).
2. In shadow, the model scores every screened post (``shadow_classifier`` evidence, weight 0): the scores are
   stored with the assessments and change no verdict.
3. :func:`evaluate_model` scores the decisions made *after* its training (or a labelled file), using the
   scores it recorded in shadow where they exist, beside the promoted model on the same examples.
4. :func:`promote_model` refuses a model without an evaluation, one evaluated against another model than the
   one promoted now, or one that did worse than the promoted model on the same examples (the last two unless
   forced, with a reason); it retires the previous model and queues a rescan of
   stored posts so their verdicts follow the new detector.

:func:`load_promoted_detector` and :func:`load_shadow_detector` build the detectors from storage; the
composition root (:data:`adwarden.runtime.BUILTIN_DETECTORS`) declares them as stored detectors, and every
state change here bumps the screening-state version so every process rebuilds its screener with the next
batch. Nothing is registered at import time.
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adwarden.audit.log import append_event
from adwarden.detect.classifier.detector import (
    BENIGN_LABELS,
    DEFAULT_MIN_PROBABILITY,
    ClassifierDetector,
    ShadowClassifierDetector,
)
from adwarden.detect.classifier.features import FEATURE_VERSION
from adwarden.detect.classifier.metrics import classification_metrics
from adwarden.detect.classifier.model import (
    DEFAULT_FOLDS,
    MIN_PER_CLASS,
    TextModel,
    cross_validated_probabilities,
    dump_artifact,
    load_artifact,
    train_text_model,
)
from adwarden.detect.classifier.records import Evaluation, LabelledExample, ModelStatus, ModelVersion
from adwarden.domain import Actor, Conflict, InputError
from adwarden.permissions import ensure_permission
from adwarden.storage.sql import classifier_models as store
from adwarden.storage.sql import screening_state
from adwarden.storage.sql.database import Database

#: Fewest distinct examples :func:`train_model` trains on, and :func:`evaluate_model` evaluates on.
MIN_TRAINING_EXAMPLES = 20
MIN_EVALUATION_EXAMPLES = 10


def latest_per_text(examples: Sequence[LabelledExample]) -> list[LabelledExample]:
    """One example per distinct text (content hash): the latest decision wins, so a reposted ad or a decision
    later corrected on appeal counts once, with the label it ended with."""
    by_hash: dict[str, LabelledExample] = {}
    for ex in sorted(examples, key=lambda e: e.decision_id):
        by_hash[ex.content_hash] = ex
    return sorted(by_hash.values(), key=lambda e: e.decision_id)


def _flagging(truth: Sequence[str], flagged: Sequence[bool], benign: frozenset[str]) -> dict[str, Any]:
    """Precision/recall of "violating (any label) vs not" as the detector decides it (a violating label at or
    above the detector's threshold): what decides whether the model adds evidence to a post."""
    pairs = list(zip(truth, flagged, strict=True))
    tp = sum(1 for t, f in pairs if t not in benign and f)
    fp = sum(1 for t, f in pairs if t in benign and f)
    fn = sum(1 for t, f in pairs if t not in benign and not f)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn,
            "threshold": DEFAULT_MIN_PROBABILITY}


def _metrics(truth: Sequence[str], probabilities: Sequence[Mapping[str, float]], labels: Sequence[str],
             benign: frozenset[str]) -> dict[str, Any]:
    """Label metrics of the most probable label, and violating-vs-not at the detector's threshold."""
    predicted = [max(p.items(), key=lambda kv: kv[1])[0] for p in probabilities]
    flagged = [any(v >= DEFAULT_MIN_PROBABILITY for k, v in p.items() if k not in benign) for p in probabilities]
    return {**classification_metrics(truth, predicted, sorted(set(labels) | set(truth))),
            "violating_vs_not": _flagging(truth, flagged, benign)}


def _probabilities(model: TextModel, texts: Sequence[str]) -> list[dict[str, float]]:
    return [dict(p) for p in model.probabilities(texts)] if texts else []


def benign_labels_of(model: ModelVersion) -> frozenset[str]:
    """The labels the model was told mean "nothing wrong" (stored with it; never evidence)."""
    return frozenset(model.params.get("benign_labels", sorted(BENIGN_LABELS)))


def train_model(db: Database, *, actor: Actor, folds: int = DEFAULT_FOLDS,
                min_examples: int = MIN_TRAINING_EXAMPLES, note: str = "",
                benign_labels: frozenset[str] | None = None) -> ModelVersion:
    """Train a new model version on every reviewer decision so far and store it in shadow (audited).

    ``benign_labels`` are the decision labels that mean "not violating" (the policy's non-violating labels;
    default ``not-violating``); they are stored with the version: the detector never turns them into evidence."""
    ensure_permission(actor, "model:manage")
    benign_labels = benign_labels or BENIGN_LABELS
    with db.read() as conn:
        raw = store.training_examples(conn)
    examples = latest_per_text(raw)
    if len(examples) < min_examples:
        raise InputError(f"{len(examples)} distinct decided posts, at least {min_examples} are needed to train "
                         f"(decisions read: {len(raw)}; escalations are not labels)", field="decisions")
    counts = Counter(e.label for e in examples)
    rare = {label: n for label, n in sorted(counts.items()) if n < MIN_PER_CLASS}
    # A label with too few examples cannot be learnt yet; leave it out (it is reported) rather than refuse
    # to learn the others.
    examples = [e for e in examples if e.label not in rare]
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    model = train_text_model(texts, labels, folds=folds)
    metrics = _metrics(labels, cross_validated_probabilities(texts, labels, folds=folds), model.classes,
                       benign_labels)
    training = {
        "examples": len(examples), "decisions_read": len(raw), "labels": dict(sorted(Counter(labels).items())),
        "labels_left_out": rare,
        "last_decision_id": max(e.decision_id for e in raw),
        "first_decided_at": min(e.decided_at for e in examples).isoformat(),
        "last_decided_at": max(e.decided_at for e in examples).isoformat(),
    }
    params = {"folds": folds, "features": "hashed word 1-2 + char_wb 3-5 grams, tf-idf (sublinear)",
              "classifier": "LinearSVC(C=0.5, class_weight=balanced) + sigmoid calibration",
              "benign_labels": sorted(benign_labels)}
    artifact, digest = dump_artifact(model, {"training_hashes": sorted({e.content_hash for e in examples}),
                                             "training": training})
    now = datetime.now(UTC)
    # Microseconds: two trainings on the same decisions within one second give the same digest, and a version
    # made of the second and the digest alone collided (the second one failed on the primary key).
    version = f"{now:%Y%m%dT%H%M%S%f}-{digest[:8]}"
    with db.transaction() as conn:
        screening_state.bump(conn)  # first: every process picks up the new shadow model with its next batch
        for old in store.models_with_status(conn, ModelStatus.SHADOW):
            store.set_status(conn, old.version, ModelStatus.RETIRED, actor=actor.name, now=now)
            append_event(conn, name="model-retired", actor=actor.name, subject_type="model",
                         subject_id=old.version, payload={"reason": f"replaced in shadow by {version}"})
        store.insert_model(conn, version=version, artifact=artifact, digest=digest, feature_version=FEATURE_VERSION,
                           labels=model.classes, training=training, metrics=metrics, params=params,
                           actor=actor.name, now=now, note=note)
        append_event(conn, name="model-trained", actor=actor.name, subject_type="model", subject_id=version,
                     payload={"digest": digest, "examples": len(examples), "labels": training["labels"],
                              "last_decision_id": training["last_decision_id"],
                              "cv_macro_f1": metrics["macro_f1"], "status": ModelStatus.SHADOW.value})
        return store.get_model(conn, version)


#: Loaded artifacts by digest (immutable content), so a screener rebuilt after a bank import or a policy
#: activation does not read and unpickle the same megabytes again. A few entries: promoted, shadow, spare.
_LOADED: OrderedDict[str, tuple[TextModel, dict[str, Any]]] = OrderedDict()
_LOADED_MAX = 4


def _load(db: Database, version: str, digest: str | None = None) -> tuple[TextModel, dict[str, Any]]:
    if digest is not None and digest in _LOADED:
        _LOADED.move_to_end(digest)
        return _LOADED[digest]
    with db.read() as conn:
        data, stored_digest = store.artifact_of(conn, version)
    loaded = load_artifact(data, digest=stored_digest, name=f"model {version}")
    _LOADED[stored_digest] = loaded
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.popitem(last=False)
    return loaded


def read_labelled_file(path: Path) -> list[tuple[str, str]]:
    """``(text, label)`` pairs from a JSON Lines file: ``text`` (or ``title`` and ``body``) and ``label``."""
    out: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON ({exc.msg})", record=record) from None
            if not isinstance(obj, dict):
                raise InputError("expected a JSON object", record=record)
            text = obj.get("text")
            if text is None:
                text = "\n".join(str(obj[k]) for k in ("title", "body") if obj.get(k))
            label = obj.get("label")
            if not isinstance(text, str) or not text.strip():
                raise InputError("missing text (give text, or title and body)", record=record, field="text")
            if not isinstance(label, str) or not label.strip():
                raise InputError("missing label", record=record, field="label")
            out.append((text, label.strip()))
    return out


def evaluate_model(db: Database, version: str, *, actor: Actor, data: Path | None = None,
                   min_examples: int = MIN_EVALUATION_EXAMPLES) -> Evaluation:
    """Evaluate ``version`` on examples it never saw and store the result (audited).

    Without ``data``: the decisions recorded after its training, minus any text it was trained on; the
    score it recorded in shadow is used where the decided version has one, else the text is scored now (the
    model is deterministic, so both give the same answer; ``shadow_scored`` says how many came from shadow).
    With ``data``: a JSON Lines file of labelled texts. The promoted model (when another one) is scored on
    the same examples, so promotion compares like with like."""
    ensure_permission(actor, "model:manage")
    with db.read() as conn:
        meta = store.get_model(conn, version)
        promoted = store.models_with_status(conn, ModelStatus.PROMOTED)
    model, art_meta = _load(db, version, meta.digest)
    trained_on = set(art_meta.get("training_hashes", []))
    shadow: dict[tuple[str, int], dict[str, float]] = {}
    if data is not None:
        pairs = read_labelled_file(data)
        keys: list[tuple[str, int]] = []
        source = f"file:{data}"
    else:
        with db.read() as conn:
            fresh = latest_per_text(store.training_examples(
                conn, after_decision_id=int(meta.training.get("last_decision_id", 0))))
            fresh = [e for e in fresh if e.content_hash not in trained_on]
            shadow = store.shadow_probabilities(conn, version, [(e.post_id, e.version) for e in fresh])
        pairs = [(e.text, e.label) for e in fresh]
        keys = [(e.post_id, e.version) for e in fresh]
        source = "decisions after training"
    if len(pairs) < min_examples:
        raise InputError(f"{len(pairs)} examples to evaluate model {version} on ({source}); at least "
                         f"{min_examples} are needed: let it run in shadow while reviewers decide, or pass a "
                         "labelled file", field="examples")
    truth = [label for _, label in pairs]
    rescore = [i for i, k in enumerate(keys) if k not in shadow] if keys else list(range(len(pairs)))
    scored = dict(zip(rescore, _probabilities(model, [pairs[i][0] for i in rescore]), strict=True))
    probabilities = [shadow[keys[i]] if keys and keys[i] in shadow else scored[i] for i in range(len(pairs))]
    metrics = _metrics(truth, probabilities, model.classes, benign_labels_of(meta))
    incumbent = next((p for p in promoted if p.version != version), None)
    incumbent_metrics = None
    if incumbent is not None:
        inc_model, _ = _load(db, incumbent.version, incumbent.digest)
        incumbent_metrics = _metrics(truth, _probabilities(inc_model, [t for t, _ in pairs]), inc_model.classes,
                                     benign_labels_of(incumbent))
    now = datetime.now(UTC)
    with db.transaction() as conn:
        ev = store.insert_evaluation(conn, model_version=version, source=source, examples=len(pairs),
                                     shadow_scored=len(shadow), metrics=metrics,
                                     incumbent_version=incumbent.version if incumbent else None,
                                     incumbent_metrics=incumbent_metrics, actor=actor.name, now=now)
        append_event(conn, name="model-evaluated", actor=actor.name, subject_type="model", subject_id=version,
                     payload={"evaluation": ev.id, "source": source, "examples": len(pairs),
                              "shadow_scored": len(shadow), "macro_f1": metrics["macro_f1"],
                              "incumbent": ev.incumbent_version,
                              "incumbent_macro_f1": incumbent_metrics["macro_f1"] if incumbent_metrics else None})
    return ev


@dataclass(frozen=True)
class Promotion:
    model: ModelVersion
    evaluation: Evaluation
    previous: str | None
    rescan_job: str | None


def promote_model(db: Database, version: str, *, actor: Actor, force: bool = False, reason: str = "",
                  rescan: bool = True) -> Promotion:
    """Make ``version`` the live ``classifier`` detector (audited); the previous one is retired.

    Refused (:class:`Conflict`) when the model is already promoted, has no evaluation, its latest evaluation
    compared it with another model than the one promoted now, or it did worse (macro-F1) than the promoted
    model in that evaluation; ``force`` overrides the last two checks only, and needs a ``reason`` that goes
    into the audit log."""
    ensure_permission(actor, "model:manage")
    if force and not reason.strip():
        raise InputError("a forced promotion needs a reason (it is written to the audit log)", field="reason")
    now = datetime.now(UTC)
    with db.transaction() as conn:
        screening_state.bump(conn)  # first: ingests after this commit screen with the promoted model
        m = store.get_model(conn, version, for_update=True)
        if m.status is ModelStatus.PROMOTED:
            raise Conflict(f"model {version} is already promoted")
        evaluations = store.evaluations_of(conn, version)
        if not evaluations:
            raise Conflict(f"model {version} has no evaluation; run `adwarden model evaluate {version}` first")
        ev = evaluations[0]
        current = store.models_with_status(conn, ModelStatus.PROMOTED)
        live = current[0].version if current else None
        if ev.incumbent_version != live and not force:
            raise Conflict(f"evaluation {ev.id} of {version} compared it with "
                           f"{ev.incumbent_version or 'no promoted model'}, but the promoted model is now "
                           f"{live or 'none'}; run `adwarden model evaluate {version}` again")
        worse = (ev.incumbent_metrics is not None
                 and float(ev.metrics["macro_f1"]) < float(ev.incumbent_metrics["macro_f1"]))
        if worse and not force:
            raise Conflict(f"model {version} scored macro-F1 {ev.metrics['macro_f1']} against "
                           f"{ev.incumbent_metrics['macro_f1'] if ev.incumbent_metrics else '?'} for the promoted "
                           f"model {ev.incumbent_version} in evaluation {ev.id}; pass --force with --reason "
                           "to promote it anyway")
        for old in current:
            store.set_status(conn, old.version, ModelStatus.RETIRED, actor=actor.name, now=now)
            append_event(conn, name="model-retired", actor=actor.name, subject_type="model",
                         subject_id=old.version, payload={"reason": f"replaced by {version}"})
        store.set_status(conn, version, ModelStatus.PROMOTED, actor=actor.name, now=now)
        job_id = None
        if rescan:
            from adwarden.retro.rescan import all_post_ids, enqueue_rescan

            ids = all_post_ids(conn)
            if ids:
                job_id = enqueue_rescan(conn, ids, trigger="model-promoted",
                                        reason=f"classifier model {version} promoted", actor=actor)
        previous = current[0].version if current else None
        append_event(conn, name="model-promoted", actor=actor.name, subject_type="model", subject_id=version,
                     payload={"evaluation": ev.id, "macro_f1": ev.metrics["macro_f1"], "previous": previous,
                              "forced": bool(force and (worse or ev.incumbent_version != live)),
                              "reason": reason, "rescan_job": job_id})
        return Promotion(store.get_model(conn, version), ev, previous, job_id)


def retire_model(db: Database, version: str, *, actor: Actor, reason: str) -> ModelVersion:
    """Stop using ``version`` (promoted: the classifier detector goes away; shadow: its scoring stops)."""
    ensure_permission(actor, "model:manage")
    if not reason.strip():
        raise InputError("retiring a model needs a reason (it is written to the audit log)", field="reason")
    now = datetime.now(UTC)
    with db.transaction() as conn:
        screening_state.bump(conn)
        m = store.get_model(conn, version, for_update=True)
        if m.status is ModelStatus.RETIRED:
            raise Conflict(f"model {version} is already retired")
        store.set_status(conn, version, ModelStatus.RETIRED, actor=actor.name, now=now)
        append_event(conn, name="model-retired", actor=actor.name, subject_type="model", subject_id=version,
                     payload={"reason": reason, "was": m.status.value})
        return store.get_model(conn, version)


def _load_with_status(db: Database, status: ModelStatus) -> tuple[TextModel, ModelVersion] | None:
    with db.read() as conn:
        found = store.models_with_status(conn, status)
    if not found:
        return None
    model, _ = _load(db, found[0].version, found[0].digest)
    return model, found[0]


def load_promoted_detector(db: Database, *, min_probability: float = DEFAULT_MIN_PROBABILITY
                           ) -> ClassifierDetector | None:
    """The ``classifier`` detector over the promoted model, or None when no model is promoted."""
    found = _load_with_status(db, ModelStatus.PROMOTED)
    if found is None:
        return None
    return ClassifierDetector(found[0], found[1].version, min_probability=min_probability,
                              benign_labels=benign_labels_of(found[1]))


def load_shadow_detector(db: Database, *, min_probability: float = DEFAULT_MIN_PROBABILITY
                         ) -> ShadowClassifierDetector | None:
    """The ``shadow_classifier`` detector over the model in shadow, or None."""
    found = _load_with_status(db, ModelStatus.SHADOW)
    if found is None:
        return None
    return ShadowClassifierDetector(found[0], found[1].version, min_probability=min_probability,
                                    benign_labels=benign_labels_of(found[1]))
