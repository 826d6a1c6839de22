"""Classification metrics in one JSON-ready shape, shared by training, evaluation and ``adwarden eval``.

Macro-F1 is the headline figure because the labels that matter most are the rare ones: a model that calls
everything "not violating" has a high accuracy and a macro-F1 near zero for the other labels.

>>> m = classification_metrics(["a", "a", "b"], ["a", "b", "b"])
>>> m["macro_f1"], m["per_label"]["b"]["recall"]
(0.6667, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support


def classification_metrics(truth: Sequence[str], predicted: Sequence[str],
                           labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Accuracy, macro-F1, per-label precision/recall/F1/support and the confusion matrix (rows = truth)."""
    names = list(labels) if labels is not None else sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=names, zero_division=0)
    cm = confusion_matrix(truth, predicted, labels=names)
    return {
        "examples": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=names, average="macro", zero_division=0)), 4),
        "per_label": {n: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                          "f1": round(float(f[i]), 4), "support": int(s[i])} for i, n in enumerate(names)},
        "confusion": {"labels": names, "rows": cm.tolist()},
    }
