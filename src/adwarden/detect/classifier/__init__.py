"""A text classifier trained from reviewers' decisions (hashed n-grams, linear model, calibrated scores).

The pure part lives here: features (:mod:`.features`), training and artifacts (:mod:`.model`), metrics
(:mod:`.metrics`) and the detectors (:mod:`.detector`). Storage of versioned models and the train / evaluate /
promote life cycle are in :mod:`adwarden.models_service`; see ``docs/classifier.md``.

Why the names below load lazily: :mod:`.model` and :mod:`.features` import scikit-learn and SciPy (about a
second of CPU), which a process that screens without a trained model never needs, and every command, worker and
server would otherwise pay at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adwarden.detect.classifier.detector import ClassifierDetector, ShadowClassifierDetector
    from adwarden.detect.classifier.model import TextModel, dump_artifact, load_artifact, train_text_model

__all__ = ["ClassifierDetector", "ShadowClassifierDetector", "TextModel", "dump_artifact", "load_artifact",
           "train_text_model"]

_LAZY = {"ClassifierDetector": "detector", "ShadowClassifierDetector": "detector", "TextModel": "model",
         "dump_artifact": "model", "load_artifact": "model", "train_text_model": "model"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
