"""The pure model: features that match scikit-learn's hashing, training refusals, calibrated probabilities,
artifacts that refuse to load when tampered with, and explanations that cite the phrases that matter."""

from __future__ import annotations

import hashlib
import io

import joblib
import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from adwarden.detect.classifier import features
from adwarden.detect.classifier.features import prepare
from adwarden.detect.classifier.metrics import classification_metrics
from adwarden.detect.classifier.model import (
    cross_validated_predictions,
    dump_artifact,
    load_artifact,
    train_text_model,
)
from adwarden.domain import InputError
from tests.classifier.synth import BENIGN, CONTROL, LICENSED, VIOLATING, synthetic_ads


def _data(n: int = 40, seed: int = 1) -> tuple[list[str], list[str]]:
    ads = synthetic_ads(n, seed=seed)
    return [a.text for a, _ in ads], [lab for _, lab in ads]


def test_prepare_keeps_every_offset() -> None:
    text = "Call 206-555-0147 İstanbul ÅSA"
    out = prepare(text)
    assert len(out) == len(text)
    assert out.startswith("call 000-000-0000 ")
    assert "0" not in prepare("no digits here")


def test_feature_indices_are_the_hashing_vectorizers() -> None:
    word = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=features.WORD_FEATURES,
                             alternate_sign=False, lowercase=False, norm=None)
    row = word.transform(["manager keeps"])
    expected = {features.word_index(g) for g in ("manager", "keeps", "manager keeps")}
    assert set(row.indices.tolist()) == expected
    char = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=features.CHAR_FEATURES,
                             alternate_sign=False, lowercase=False, norm=None)
    crow = char.transform(["boss"])
    assert {features.WORD_FEATURES + int(i) for i in crow.indices} == {features.char_index(g) for g in
                                                                        (" bo", "bos", "oss", "ss ", " bos",
                                                                         "boss", "oss ", " boss", "boss ")}


def test_chunk_gram_counts_follow_the_char_wb_analyzer() -> None:
    char = features.build_vectorizer().transformer_list[1][1].build_analyzer()
    for text in ("a", "ab cd", "manager keeps the money", "x  y\tzz\n0000 ask/her", "", "  "):
        counts = features.chunk_gram_counts(text)
        assert len(counts) == len(text.split()) and sum(counts) == len(char(text))


def test_training_refuses_one_label_and_too_few_examples() -> None:
    with pytest.raises(InputError, match="at least two labels"):
        train_text_model(["a b", "c d", "e f"], ["x", "x", "x"])
    with pytest.raises(InputError, match="'y' \\(2\\)"):
        train_text_model(["a b", "c d", "e f", "g h", "i j"], ["x", "x", "x", "y", "y"])
    with pytest.raises(InputError, match="2 texts but 1 labels"):
        train_text_model(["a", "b"], ["x"])


def test_model_separates_held_out_ads_with_calibrated_probabilities() -> None:
    texts, labels = _data(40, seed=1)
    model = train_text_model(texts, labels)
    assert model.classes == (BENIGN, VIOLATING)
    held_texts, held_labels = _data(20, seed=99)
    proba = model.probabilities(held_texts)
    for row in proba:
        assert abs(sum(p for _, p in row) - 1.0) < 1e-6
    m = classification_metrics(held_labels, model.predict(held_texts))
    assert m["macro_f1"] >= 0.9
    # Calibrated, not saturated: the typical held-out violating ad is confidently but not absurdly scored.
    viol = [dict(r)[VIOLATING] for r, lab in zip(proba, held_labels, strict=True) if lab == VIOLATING]
    assert 0.6 < float(np.median(viol)) < 1.0


def test_cross_validated_predictions_cover_every_example() -> None:
    texts, labels = _data(30, seed=3)
    preds = cross_validated_predictions(texts, labels, folds=3)
    assert len(preds) == 30 and set(preds) <= {BENIGN, VIOLATING}
    assert classification_metrics(labels, preds)["macro_f1"] >= 0.8


def test_explanation_cites_control_phrases_with_spans() -> None:
    texts, labels = _data(40, seed=5)
    model = train_text_model(texts, labels)
    text = "New in town and available 24/7. The manager keeps the money, ask the boss. 206-555-0100."
    phrases = model.explain(text, VIOLATING, top=3)
    assert phrases, "a violating ad must be explained by at least one phrase"
    for ph in phrases:
        assert text[ph.start : ph.end] == ph.text and ph.weight > 0
    control_words = {w for m in CONTROL for w in m.split()} - {w for m in LICENSED for w in m.split()}
    assert any(w in ph.text.lower().split() for ph in phrases for w in control_words)
    # The benign label is not explained by control language.
    assert not any("manager" in ph.text.lower() for ph in model.explain(text, BENIGN, top=3))


def test_artifact_round_trip_and_refusals() -> None:
    texts, labels = _data(30, seed=7)
    model = train_text_model(texts, labels, folds=3)
    data, digest = dump_artifact(model, {"note": "x"})
    loaded, meta = load_artifact(data, digest=digest)
    assert meta == {"note": "x"}
    probe = ["the boss sets every rate", "licensed clinic downtown"]
    assert loaded.probabilities(probe) == model.probabilities(probe)
    with pytest.raises(InputError, match="digest"):
        load_artifact(data + b"x", digest=digest)
    buf = io.BytesIO()
    joblib.dump({"format": "something-else"}, buf)
    other = buf.getvalue()
    with pytest.raises(InputError, match="not an adwarden-text-model"):
        load_artifact(other, digest=hashlib.sha256(other).hexdigest())


def test_artifact_of_another_feature_version_is_refused() -> None:
    texts, labels = _data(30, seed=8)
    model = train_text_model(texts, labels, folds=3)
    model.feature_version = "0"
    data, digest = dump_artifact(model)
    with pytest.raises(InputError, match="feature version '0'.*retrain"):
        load_artifact(data, digest=digest)


def test_fast_scorer_equals_scikit_learn() -> None:
    """The one-post fast path must give exactly what scikit-learn's estimators give (binary and 3 labels)."""
    texts, labels = _data(40, seed=9)
    three = [lab if i % 5 else "other" for i, lab in enumerate(labels)]
    probes = [*_data(12, seed=10)[0], "", "!!!", "Licensed clinic, the boss sets every rate"]
    for ys in (labels, three):
        model = train_text_model(texts, ys)
        expected = model.calibrated.predict_proba(model.features(probes))
        reference = model.features(probes)
        for i, text in enumerate(probes):
            row = model.scorer.row(text)
            ref = reference.getrow(i)
            assert row.indices.tolist() == sorted(ref.indices.tolist())
            assert np.allclose(row.values, ref.toarray()[0, row.indices])
            assert np.allclose(model.scorer.probabilities(row), expected[i], atol=1e-9)


def test_phrases_split_a_chunk_between_its_words_and_fall_back_on_odd_whitespace() -> None:
    text = "ask/her now"
    word = {"ask": 0.5, "her": -0.1, "now": 0.0, "ask her": 0.2}
    phrases = features.phrase_contributions(text, word, [1.0, 0.0], top=3)
    # "ask/her" is one chunk: its character contribution (1.0) is shared by "ask" and "her".
    assert [(p.text, round(p.weight, 3)) for p in phrases] == [("ask/her", round(0.5 + 0.5 + 0.2 - 0.1 + 0.5, 3))]
    assert phrases[0].start == 0 and phrases[0].end == 7
    # A chunk count that does not match the text (a caller's mistake) explains by word features only.
    only_words = features.phrase_contributions(text, word, [1.0], top=3)
    assert [p.text for p in only_words] == ["ask/her"] and only_words[0].weight == pytest.approx(0.6)
    assert features.phrase_contributions("!!! ...", {}, [0.0, 0.0]) == []
