"""Scoring one post fast: the trained model's arithmetic without scikit-learn's per-call overhead.

Why: scikit-learn validates its input on every call of every estimator (vectorizer union, tf-idf, SVM,
calibrators); for one post that costs about 2 ms, twenty times the arithmetic. :class:`FastScorer` copies
the fitted numbers out of a trained model's scikit-learn objects once (idf, SVM weights and
intercepts, the sigmoid calibrators' ``a`` and ``b``) and applies the same steps with NumPy on the post's
n-grams: counts -> ``1 + log(tf)`` -> ``* idf`` -> L2 norm -> margins -> ``expit(-(a * margin + b))`` ->
normalised over labels (binary: ``p0 = 1 - p1``), exactly as scikit-learn does (a test checks equality with
``predict_proba``). Training and batch evaluation keep using scikit-learn itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import FeatureUnion
from sklearn.utils import murmurhash3_32

from adwarden.detect.classifier.features import CHAR_FEATURES, WORD_FEATURES, chunk_gram_counts, prepare


@dataclass(frozen=True)
class Row:
    """One post's feature vector as the model sees it (sorted column indices, tf-idf values), with the
    n-grams behind it (kept for explanations)."""

    indices: np.ndarray
    values: np.ndarray
    prepared: str
    word_grams: list[str]
    word_columns: np.ndarray
    char_grams: list[str]
    char_columns: np.ndarray


def _columns(grams: list[str], n_features: int, offset: int) -> np.ndarray:
    hashes = np.fromiter((murmurhash3_32(g, seed=0) for g in grams), dtype=np.int64, count=len(grams))
    return np.asarray(np.abs(hashes) % n_features + offset, dtype=np.int64)


class FastScorer:
    """The fitted numbers of a model, applied to one text at a time."""

    def __init__(self, vectorizer: FeatureUnion, tfidf: TfidfTransformer, calibrated: CalibratedClassifierCV,
                 classes: tuple[str, ...]) -> None:
        word, char = (t for _, t in vectorizer.transformer_list)
        self._word: Callable[[str], list[str]] = word.build_analyzer()
        self._char: Callable[[str], list[str]] = char.build_analyzer()
        self.idf = np.asarray(tfidf.idf_, dtype=np.float64)
        cal = calibrated.calibrated_classifiers_[0]
        linear = cal.estimator
        coef = linear.coef_
        self.coef = np.asarray(coef.toarray() if sparse.issparse(coef) else coef, dtype=np.float64)
        self.intercept = np.asarray(linear.intercept_, dtype=np.float64)
        self.a = np.asarray([c.a_ for c in cal.calibrators], dtype=np.float64)
        self.b = np.asarray([c.b_ for c in cal.calibrators], dtype=np.float64)
        self.classes = classes
        if list(linear.classes_) != list(classes):  # pragma: no cover - sklearn keeps them sorted
            raise ValueError("the SVM's classes differ from the calibrated model's")

    def row(self, text: str) -> Row:
        prepared = prepare(text)
        word_grams, char_grams = self._word(prepared), self._char(prepared)
        wcols = _columns(word_grams, WORD_FEATURES, 0)
        ccols = _columns(char_grams, CHAR_FEATURES, WORD_FEATURES)
        idx, tf = np.unique(np.concatenate([wcols, ccols]), return_counts=True)
        vals = (np.log(tf.astype(np.float64)) + 1.0) * self.idf[idx]
        norm = float(np.sqrt(np.dot(vals, vals)))
        if norm > 0:
            vals /= norm
        return Row(idx, vals, prepared, word_grams, wcols, char_grams, ccols)

    def contributions(self, row: Row, label: str) -> tuple[dict[str, float], list[float]]:
        """Towards ``label``: each word n-gram's contribution (tf-idf value x weight), and the summed
        contribution of the character n-grams of each whitespace chunk of the post (an n-gram seen in several
        chunks is shared between them), computed with array operations only."""
        weights = self.class_weights(label)
        contrib = row.values * weights[row.indices]
        word: dict[str, float] = {}
        if row.word_grams:
            at = np.searchsorted(row.indices, row.word_columns)
            word = dict(zip(row.word_grams, contrib[at].tolist(), strict=True))
        counts = chunk_gram_counts(row.prepared)
        if not row.char_grams or sum(counts) != len(row.char_grams):
            return word, [0.0] * len(counts)
        cols, inverse, occurrences = np.unique(row.char_columns, return_inverse=True, return_counts=True)
        per_gram = contrib[np.searchsorted(row.indices, cols)][inverse] / occurrences[inverse]
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        return word, np.add.reduceat(per_gram, starts).tolist()

    def probabilities(self, row: Row) -> np.ndarray:
        margins = self.coef[:, row.indices] @ row.values + self.intercept
        calibrated = expit(-(self.a * margins + self.b))
        if len(self.classes) == 2:
            return np.asarray([1.0 - calibrated[0], calibrated[0]])
        total = float(calibrated.sum())
        if total == 0.0:
            return np.full(len(self.classes), 1.0 / len(self.classes))
        return np.asarray(calibrated / total)

    def class_weights(self, label: str) -> np.ndarray:
        """The weight vector that pushes ``label`` up (binary: the one vector, negated for ``classes[0]``)."""
        k = self.classes.index(label)
        if self.coef.shape[0] == 1:
            return np.asarray(self.coef[0] if k == 1 else -self.coef[0])
        return np.asarray(self.coef[k])
