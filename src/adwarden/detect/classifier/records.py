"""Plain records of the classifier's life cycle: labelled examples, stored model versions, evaluations.

Storage returns these (never rows), so the service and the CLI work on the same typed objects on every backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ModelStatus(StrEnum):
    """``shadow``: scores recorded, verdicts unchanged; ``promoted``: a live detector (at most one);
    ``retired``: kept for the record, never loaded."""

    SHADOW = "shadow"
    PROMOTED = "promoted"
    RETIRED = "retired"


@dataclass(frozen=True)
class LabelledExample:
    """One reviewer decision as training data: the decided post version's text and the decision's label."""

    decision_id: int
    post_id: str
    version: int
    content_hash: str
    text: str
    label: str
    decided_at: datetime


@dataclass(frozen=True)
class ModelVersion:
    """A stored model (without its artifact bytes; :func:`load` those only when the model is used)."""

    version: str
    status: ModelStatus
    digest: str
    artifact_bytes: int
    feature_version: str
    labels: tuple[str, ...]
    training: Mapping[str, Any]
    metrics: Mapping[str, Any]
    params: Mapping[str, Any]
    created_by: str
    created_at: datetime
    promoted_by: str | None = None
    promoted_at: datetime | None = None
    retired_by: str | None = None
    retired_at: datetime | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "status": self.status.value, "digest": self.digest,
                "artifact_bytes": self.artifact_bytes, "feature_version": self.feature_version,
                "labels": list(self.labels), "training": dict(self.training), "metrics": dict(self.metrics),
                "params": dict(self.params), "created_by": self.created_by,
                "created_at": self.created_at.isoformat(), "promoted_by": self.promoted_by,
                "promoted_at": self.promoted_at.isoformat() if self.promoted_at else None,
                "retired_by": self.retired_by,
                "retired_at": self.retired_at.isoformat() if self.retired_at else None, "note": self.note}


@dataclass(frozen=True)
class Evaluation:
    """An evaluation of one model on examples it was not trained on, beside the promoted model's figures on
    the same examples (``incumbent_*``; None when nothing was promoted)."""

    id: int
    model_version: str
    source: str
    examples: int
    shadow_scored: int
    metrics: Mapping[str, Any]
    actor: str
    created_at: datetime
    incumbent_version: str | None = None
    incumbent_metrics: Mapping[str, Any] | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "model_version": self.model_version, "source": self.source,
                "examples": self.examples, "shadow_scored": self.shadow_scored, "metrics": dict(self.metrics),
                "incumbent_version": self.incumbent_version,
                "incumbent_metrics": dict(self.incumbent_metrics) if self.incumbent_metrics else None,
                "actor": self.actor, "created_at": self.created_at.isoformat()}
