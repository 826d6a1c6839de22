"""Tables of the reviewer-trained classifier: versioned model artifacts and their evaluations.

A model row keeps everything needed to explain a verdict it made a year later: the artifact itself (joblib
bytes, checked against ``digest`` before loading), the feature version, the labels, what it was trained on
(``training``: counts per label, the last decision read, the time range) and its cross-validated metrics.
``status`` is ``shadow`` (scores recorded, verdicts unchanged), ``promoted`` (a detector; at most one) or
``retired``. Evaluations are append-only: promotion cites the one it relied on.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, String, Table, Text

from adwarden.storage.sql.columns import acted, belongs_to, created_by, serial_key
from adwarden.storage.sql.tables import metadata
from adwarden.storage.sql.types import UTCDateTime

classifier_models = Table(
    "classifier_models",
    metadata,
    Column("version", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("artifact", LargeBinary, nullable=False),
    Column("feature_version", String(16), nullable=False),
    Column("labels", JSON, nullable=False),
    Column("training", JSON, nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    *created_by(),
    Column("promoted_by", String(200)),
    Column("promoted_at", UTCDateTime()),
    Column("retired_by", String(200)),
    Column("retired_at", UTCDateTime()),
    Column("note", Text, nullable=False, default=""),
    Index("ix_classifier_models_status", "status"),
)

classifier_evaluations = Table(
    "classifier_evaluations",
    metadata,
    serial_key(),
    belongs_to("model_version", "classifier_models.version", String(64)),
    Column("source", String(2000), nullable=False),
    Column("examples", Integer, nullable=False),
    Column("shadow_scored", Integer, nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("incumbent_version", String(64)),
    Column("incumbent_metrics", JSON),
    *acted(),
    Index("ix_classifier_evaluations_model_version", "model_version", "id"),
)
