"""A text classifier trained from reviewers' decisions (hashed n-grams, linear model, calibrated scores).

The pure part lives here: features (:mod:`.features`), training and artifacts (:mod:`.model`), metrics
(:mod:`.metrics`) and the detectors (:mod:`.detector`). Storage of versioned models and the train / evaluate /
promote life cycle are in :mod:`adwarden.models_service`; see ``docs/classifier.md``.
"""

from adwarden.detect.classifier.detector import ClassifierDetector, ShadowClassifierDetector
from adwarden.detect.classifier.model import TextModel, dump_artifact, load_artifact, train_text_model

__all__ = ["ClassifierDetector", "ShadowClassifierDetector", "TextModel", "dump_artifact", "load_artifact",
           "train_text_model"]
