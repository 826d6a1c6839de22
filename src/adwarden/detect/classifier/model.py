"""The reviewer-trained text model: hashed n-grams, tf-idf weighting, a linear SVM, calibrated probabilities.

Why this shape: a linear model over hashed n-grams is cheap to score (one sparse dot product per class), can
say which phrases drove a score (its weights are per feature), and trains in seconds on the few thousand
decisions a review team makes in a month. The SVM's margins are turned into probabilities by
:class:`~sklearn.calibration.CalibratedClassifierCV` (Platt scaling fitted on cross-validated margins), so a
policy can treat "0.9" as "right nine times in ten" on data like the training set, and one final SVM fitted on
all the data keeps the explanation exact.

>>> m = train_text_model(["call now sweet", "call now friendly", "sofa for sale", "desk for sale"] * 3,
...                      ["bad", "bad", "ok", "ok"] * 3, folds=3)
>>> m.classes
('bad', 'ok')
>>> max(m.probabilities(["sweet friendly call"])[0], key=lambda kv: kv[1])[0]
'bad'
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from adwarden.detect.classifier.features import (
    FEATURE_VERSION,
    Phrase,
    build_vectorizer,
    phrase_contributions,
    prepare,
)
from adwarden.detect.classifier.scoring import FastScorer, Row
from adwarden.domain import InputError

#: Bumped when the stored layout of :class:`TextModel` changes (see :func:`load_artifact`).
ARTIFACT_FORMAT = "adwarden-text-model/1"
DEFAULT_FOLDS = 5
MIN_PER_CLASS = 3


@dataclass
class TextModel:
    """A trained model: the stateless vectorizer, the fitted tf-idf weights, the calibrated classifier.

    ``linear`` is the single SVM the calibrator wraps (fitted on every example); its ``coef_`` explains scores.
    """

    vectorizer: FeatureUnion
    tfidf: TfidfTransformer
    calibrated: CalibratedClassifierCV
    linear: LinearSVC
    classes: tuple[str, ...]
    feature_version: str = FEATURE_VERSION

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = self.vectorizer.transform([prepare(t) for t in texts])
        return sparse.csr_matrix(self.tfidf.transform(counts))

    def probabilities(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Per text, ``(class, probability)`` for every class, in :attr:`classes` order."""
        proba = self.calibrated.predict_proba(self.features(texts))
        return [[(c, float(p)) for c, p in zip(self.classes, row, strict=True)] for row in proba]

    def predict(self, texts: Sequence[str]) -> list[str]:
        proba = self.calibrated.predict_proba(self.features(texts))
        return [self.classes[int(i)] for i in np.argmax(proba, axis=1)]

    @cached_property
    def scorer(self) -> FastScorer:
        """The same model as plain arrays, for scoring one post at a time (see :mod:`.scoring`)."""
        return FastScorer(self.vectorizer, self.tfidf, self.calibrated, self.classes)

    def explain(self, text: str, label: str, *, row: Row | None = None, top: int = 5) -> list[Phrase]:
        """The phrases of ``text`` that pushed the score of ``label`` up most (see
        :func:`~adwarden.detect.classifier.features.phrase_contributions`)."""
        if row is None:
            row = self.scorer.row(text)
        word, char = self.scorer.contributions(row, label)
        return phrase_contributions(text, word, char, top=top)


def _folds(labels: Sequence[str], folds: int, min_per_class: int = MIN_PER_CLASS) -> int:
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts), "none")
        raise InputError(f"training needs at least two labels; every example is {only!r}", field="label")
    small = {c: n for c, n in counts.items() if n < min_per_class}
    if small:
        listed = ", ".join(f"{c!r} ({n})" for c, n in sorted(small.items()))
        raise InputError(f"every label needs at least {min_per_class} examples; too few for {listed}",
                         field="label")
    return max(2, min(folds, min(counts.values())))


def train_text_model(texts: Sequence[str], labels: Sequence[str], *, folds: int = DEFAULT_FOLDS,
                     c: float = 0.5, seed: int = 13, min_per_class: int = MIN_PER_CLASS) -> TextModel:
    """Fit a model on ``texts`` with ``labels`` (any strings; at least two labels, three examples each).

    Classes are weighted by inverse frequency so a rare label (a possible minor) is not drowned by the common
    one; ``folds`` cross-validation folds fit the probability calibration (fewer when a label is rare)."""
    if len(texts) != len(labels):
        raise InputError(f"{len(texts)} texts but {len(labels)} labels", field="label")
    k = _folds(labels, folds, min_per_class)
    vectorizer = build_vectorizer()
    tfidf = TfidfTransformer(sublinear_tf=True)
    x = sparse.csr_matrix(tfidf.fit_transform(vectorizer.transform([prepare(t) for t in texts])))
    y = np.asarray(labels, dtype=object)
    svm = LinearSVC(C=c, class_weight="balanced", random_state=seed)
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", ensemble=False,
                                        cv=StratifiedKFold(n_splits=k, shuffle=True, random_state=seed))
    calibrated.fit(x, y)
    linear = calibrated.calibrated_classifiers_[0].estimator
    classes = tuple(str(cl) for cl in calibrated.classes_)
    return TextModel(vectorizer, tfidf, calibrated, linear, classes)


def cross_validated_predictions(texts: Sequence[str], labels: Sequence[str], *, folds: int = DEFAULT_FOLDS,
                                seed: int = 13, **kw: Any) -> list[str]:
    """Out-of-fold predictions: every example is predicted by a model trained without it (``folds`` folds,
    fewer when a label is rare). What a model trained on these decisions would have said on unseen ones."""
    k = _folds(labels, folds)
    out: list[str] = [""] * len(texts)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), np.asarray(labels, dtype=object)):
        tr_labels = [labels[i] for i in train_idx]
        m = train_text_model([texts[i] for i in train_idx], tr_labels, folds=folds, seed=seed, min_per_class=2, **kw)
        for i, p in zip(test_idx, m.predict([texts[i] for i in test_idx]), strict=True):
            out[int(i)] = p
    return out


def dump_artifact(model: TextModel, meta: Mapping[str, Any] | None = None) -> tuple[bytes, str]:
    """Serialize ``model`` (joblib, compressed) and return ``(bytes, sha256 hex)``."""
    buf = io.BytesIO()
    # Only scikit-learn objects and plain data are pickled (never AdWarden classes), so renaming a module here
    # never makes a stored model unloadable.
    joblib.dump({"format": ARTIFACT_FORMAT, "feature_version": model.feature_version,
                 "vectorizer": model.vectorizer, "tfidf": model.tfidf, "calibrated": model.calibrated,
                 "classes": list(model.classes), "meta": dict(meta or {})}, buf, compress=3)
    data = buf.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def load_artifact(data: bytes, *, digest: str, name: str = "model") -> tuple[TextModel, dict[str, Any]]:
    """Load a stored artifact (the model and the metadata stored with it) after checking its SHA-256 against ``digest`` and its format and feature version.

    Artifacts are pickles, which run code when loaded: only artifacts this deployment trained and stored are
    ever loaded, and a digest mismatch (a corrupted or swapped blob) is refused before unpickling."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise InputError(f"artifact digest is {actual[:12]}..., expected {digest[:12]}...; refusing to load",
                         record=name, field="artifact")
    obj = joblib.load(io.BytesIO(data))
    if not isinstance(obj, dict) or obj.get("format") != ARTIFACT_FORMAT:
        raise InputError(f"not an {ARTIFACT_FORMAT} artifact", record=name, field="artifact")
    if obj.get("feature_version") != FEATURE_VERSION:
        raise InputError(f"trained with feature version {obj.get('feature_version')!r}, this AdWarden uses "
                         f"{FEATURE_VERSION!r}; retrain the model", record=name, field="feature_version")
    calibrated = obj["calibrated"]
    if not isinstance(calibrated, CalibratedClassifierCV):
        raise InputError("artifact holds no calibrated classifier", record=name, field="artifact")
    model = TextModel(obj["vectorizer"], obj["tfidf"], calibrated, calibrated.calibrated_classifiers_[0].estimator,
                      tuple(obj["classes"]))
    return model, dict(obj.get("meta") or {})
