"""Storage of the classifier: training examples read from decisions, model versions, evaluations, shadow scores.

:func:`training_examples` is the one place that knows how a reviewer's decision becomes a labelled example,
so when decisions gain labels and categories only this function changes. Every function takes a connection:
the caller's service function owns the transaction (and the audit event written in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from adwarden.detect.classifier.detector import ShadowClassifierDetector
from adwarden.detect.classifier.records import Evaluation, LabelledExample, ModelStatus, ModelVersion
from adwarden.domain import NotFound
from adwarden.storage.sql.tables import assessments, cases, decisions, post_versions
from adwarden.storage.sql.tables_models import classifier_evaluations, classifier_models

#: Decision outcomes that are not a label (the case stays open and moves queue): today's ``escalate`` and the
#: review area's ``escalate-child-safety`` action, recorded as the outcome when a decision has no label.
NOT_A_LABEL = frozenset({"escalate", "escalate-child-safety"})
SHADOW_DETECTOR = ShadowClassifierDetector.get_name()
_CHUNK = 500


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def training_examples(conn: Connection, *, after_decision_id: int = 0,
                      until_decision_id: int | None = None) -> list[LabelledExample]:
    """Every final decision (not ``escalate``) with id in ``(after, until]``, oldest first, as an example.

    The label is the decision's outcome (``violating-trafficking``, ``not-violating``...). The text is the post
    version the reviewer saw: the newest version assessed under that case before the decision, else the newest
    version stored before the decision (a case outlives edits, and the edit after a decision is not what was
    judged)."""
    q = (select(decisions.c.id, decisions.c.outcome, decisions.c.created_at, decisions.c.case_id, cases.c.post_id)
         .join(cases, cases.c.id == decisions.c.case_id)
         .where(decisions.c.id > after_decision_id, decisions.c.outcome.not_in(sorted(NOT_A_LABEL)))
         .order_by(decisions.c.id))
    if until_decision_id is not None:
        q = q.where(decisions.c.id <= until_decision_id)
    rows = conn.execute(q).all()
    if not rows:
        return []
    assessed: dict[str, list[tuple[datetime, int]]] = {}
    for chunk in _chunks(sorted({r.case_id for r in rows})):
        for a in conn.execute(select(assessments.c.case_id, assessments.c.created_at, assessments.c.version)
                              .where(assessments.c.case_id.in_(chunk))):
            assessed.setdefault(a.case_id, []).append((a.created_at, int(a.version)))
    versions: dict[str, list[tuple[int, datetime, str, str]]] = {}
    for chunk in _chunks(sorted({r.post_id for r in rows})):
        for v in conn.execute(select(post_versions.c.post_id, post_versions.c.version, post_versions.c.received_at,
                                     post_versions.c.content_hash, post_versions.c.title, post_versions.c.body)
                              .where(post_versions.c.post_id.in_(chunk))):
            text = "\n".join(p for p in (v.title, v.body) if p)
            versions.setdefault(v.post_id, []).append((int(v.version), v.received_at, v.content_hash, text))
    out: list[LabelledExample] = []
    for r in rows:
        seen = [ver for at, ver in assessed.get(r.case_id, []) if at <= r.created_at]
        stored = versions.get(r.post_id, [])
        if seen:
            chosen = max(seen)
        else:
            before = [ver for ver, at, _, _ in stored if at <= r.created_at]
            if not before:
                continue
            chosen = max(before)
        match = next((s for s in stored if s[0] == chosen), None)
        if match is None or not match[3].strip():
            continue
        out.append(LabelledExample(decision_id=int(r.id), post_id=r.post_id, version=chosen,
                                   content_hash=match[2], text=match[3], label=str(r.outcome),
                                   decided_at=r.created_at))
    return out


def last_decision_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(decisions.c.id), 0))).scalar_one())


_META_COLUMNS = [c for c in classifier_models.c if c.name != "artifact"]


def _model(r: Any) -> ModelVersion:
    return ModelVersion(version=r.version, status=ModelStatus(r.status), digest=r.digest,
                        artifact_bytes=int(r.artifact_bytes), feature_version=r.feature_version,
                        labels=tuple(r.labels), training=dict(r.training), metrics=dict(r.metrics),
                        params=dict(r.params), created_by=r.created_by, created_at=r.created_at,
                        promoted_by=r.promoted_by, promoted_at=r.promoted_at, retired_by=r.retired_by,
                        retired_at=r.retired_at, note=r.note or "")


def _select_models() -> Any:
    return select(*_META_COLUMNS, func.length(classifier_models.c.artifact).label("artifact_bytes"))


def insert_model(conn: Connection, *, version: str, artifact: bytes, digest: str, feature_version: str,
                 labels: Sequence[str], training: Mapping[str, Any], metrics: Mapping[str, Any],
                 params: Mapping[str, Any], actor: str, now: datetime, note: str = "") -> None:
    conn.execute(insert(classifier_models).values(
        version=version, status=ModelStatus.SHADOW.value, digest=digest, artifact=artifact,
        feature_version=feature_version, labels=list(labels), training=dict(training), metrics=dict(metrics),
        params=dict(params), created_by=actor, created_at=now, note=note))


def get_model(conn: Connection, version: str, *, for_update: bool = False) -> ModelVersion:
    q = _select_models().where(classifier_models.c.version == version)
    if for_update:
        q = q.with_for_update()
    row = conn.execute(q).first()
    if row is None:
        raise NotFound(f"model {version} not found (see adwarden model list)")
    return _model(row)


def list_models(conn: Connection) -> list[ModelVersion]:
    rows = conn.execute(_select_models().order_by(classifier_models.c.created_at.desc(),
                                                  classifier_models.c.version.desc())).all()
    return [_model(r) for r in rows]


def models_with_status(conn: Connection, status: ModelStatus) -> list[ModelVersion]:
    rows = conn.execute(_select_models().where(classifier_models.c.status == status.value)
                        .order_by(classifier_models.c.created_at.desc())).all()
    return [_model(r) for r in rows]


def artifact_of(conn: Connection, version: str) -> tuple[bytes, str]:
    row = conn.execute(select(classifier_models.c.artifact, classifier_models.c.digest)
                       .where(classifier_models.c.version == version)).first()
    if row is None:
        raise NotFound(f"model {version} not found (see adwarden model list)")
    return bytes(row.artifact), str(row.digest)


def set_status(conn: Connection, version: str, status: ModelStatus, *, actor: str, now: datetime) -> None:
    values: dict[str, Any] = {"status": status.value}
    if status is ModelStatus.PROMOTED:
        values.update(promoted_by=actor, promoted_at=now, retired_by=None, retired_at=None)
    elif status is ModelStatus.RETIRED:
        values.update(retired_by=actor, retired_at=now)
    conn.execute(update(classifier_models).where(classifier_models.c.version == version).values(**values))


def insert_evaluation(conn: Connection, *, model_version: str, source: str, examples: int, shadow_scored: int,
                      metrics: Mapping[str, Any], incumbent_version: str | None,
                      incumbent_metrics: Mapping[str, Any] | None, actor: str, now: datetime) -> Evaluation:
    result = conn.execute(insert(classifier_evaluations).values(
        model_version=model_version, source=source, examples=examples, shadow_scored=shadow_scored,
        metrics=dict(metrics), incumbent_version=incumbent_version,
        incumbent_metrics=dict(incumbent_metrics) if incumbent_metrics is not None else None,
        actor=actor, created_at=now))
    pk = result.inserted_primary_key
    assert pk is not None
    return Evaluation(id=int(pk[0]), model_version=model_version, source=source,
                      examples=examples, shadow_scored=shadow_scored, metrics=dict(metrics), actor=actor,
                      created_at=now, incumbent_version=incumbent_version,
                      incumbent_metrics=dict(incumbent_metrics) if incumbent_metrics is not None else None)


def _evaluation(r: Any) -> Evaluation:
    return Evaluation(id=int(r.id), model_version=r.model_version, source=r.source, examples=int(r.examples),
                      shadow_scored=int(r.shadow_scored), metrics=dict(r.metrics), actor=r.actor,
                      created_at=r.created_at, incumbent_version=r.incumbent_version,
                      incumbent_metrics=dict(r.incumbent_metrics) if r.incumbent_metrics is not None else None)


def evaluations_of(conn: Connection, version: str) -> list[Evaluation]:
    """Evaluations of ``version``, newest first."""
    rows = conn.execute(select(classifier_evaluations).where(classifier_evaluations.c.model_version == version)
                        .order_by(classifier_evaluations.c.id.desc())).all()
    return [_evaluation(r) for r in rows]


def shadow_probabilities(conn: Connection, model_version: str,
                         keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, float]]:
    """The probabilities ``model_version`` recorded in shadow on the assessments of these post versions (the
    newest assessment that carries them)."""
    wanted = set(keys)
    out: dict[tuple[str, int], dict[str, float]] = {}
    for chunk in _chunks(sorted({pid for pid, _ in wanted})):
        rows = conn.execute(select(assessments.c.post_id, assessments.c.version, assessments.c.reasons)
                            .where(assessments.c.post_id.in_(chunk)).order_by(assessments.c.created_at))
        for r in rows:
            key = (r.post_id, int(r.version))
            if key not in wanted:
                continue
            for reason in r.reasons or []:
                if reason.get("detector") == SHADOW_DETECTOR and reason.get("model") == model_version:
                    probs = reason.get("probabilities")
                    if isinstance(probs, dict):
                        out[key] = {str(k): float(v) for k, v in probs.items()}
    return out
