"""Macro-F1 of the reviewer-trained classifier against a plain TF-IDF + logistic-regression baseline.

``evaluate(data_dir)`` reads (never copies) ``ad_category/train.csv`` and ``ad_category/test.csv`` under
``data_dir`` (the shared data directory: columns ``label`` and ``extracted_text``; 2 = massage parlour,
3 = escort, 4 = job ad), trains both models on the train file exactly as given, and scores both on the test
file in the same run. The classifier is the one ``adwarden model train`` builds
(:func:`~adwarden.detect.classifier.model.train_text_model`, same features and settings); the baseline is
scikit-learn's ``TfidfVectorizer`` with default settings and ``LogisticRegression(max_iter=1000)``, no tuning.
Rows whose text is empty or whose label is unknown are counted and skipped, never guessed.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from adwarden.detect.classifier.metrics import classification_metrics
from adwarden.detect.classifier.model import train_text_model
from adwarden.domain import InputError
from adwarden.evaluation.csvlimit import wide_csv_fields

__all__ = ["CATEGORY_NAMES", "evaluate", "read_category_file"]

CATEGORY_NAMES = {"2": "massage", "3": "escort", "4": "job"}


def read_category_file(path: Path) -> tuple[list[str], list[str], int]:
    """``(texts, labels, skipped rows)`` of one ad_category CSV; a missing column is an error naming the file."""
    texts: list[str] = []
    labels: list[str] = []
    skipped = 0
    with wide_csv_fields(), path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"label", "extracted_text"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"missing column(s) {', '.join(sorted(missing))}", record=str(path),
                             field="header")
        for row in reader:
            label = CATEGORY_NAMES.get((row.get("label") or "").strip())
            text = (row.get("extracted_text") or "").strip()
            if label is None or not text:
                skipped += 1
                continue
            texts.append(text)
            labels.append(label)
    return texts, labels, skipped


def _baseline(train_x: list[str], train_y: list[str], test_x: list[str]) -> list[str]:
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    model.fit(train_x, train_y)
    return [str(p) for p in model.predict(test_x)]


def evaluate(data_dir: Path) -> dict[str, Any]:
    """Train on ``ad_category/train.csv``, test on ``ad_category/test.csv``; both models, same run."""
    base = data_dir / "ad_category"
    train_path, test_path = base / "train.csv", base / "test.csv"
    for p in (train_path, test_path):
        if not p.is_file():
            raise InputError("file not found (expected the shared data directory, e.g. ../shared/data)",
                             record=str(p), field="data")
    train_x, train_y, train_skipped = read_category_file(train_path)
    test_x, test_y, test_skipped = read_category_file(test_path)
    labels = sorted(set(train_y) | set(test_y))

    t0 = time.perf_counter()
    model = train_text_model(train_x, train_y)
    t1 = time.perf_counter()
    ours = model.predict(test_x)
    t2 = time.perf_counter()
    theirs = _baseline(train_x, train_y, test_x)
    t3 = time.perf_counter()

    mine = classification_metrics(test_y, ours, labels)
    base_m = classification_metrics(test_y, theirs, labels)
    return {
        "data": {"train": len(train_x), "test": len(test_x), "skipped": {"train": train_skipped,
                                                                           "test": test_skipped},
                 "labels": {lab: {"train": train_y.count(lab), "test": test_y.count(lab)} for lab in labels}},
        "classifier": {**mine, "train_seconds": round(t1 - t0, 2), "predict_seconds": round(t2 - t1, 2),
                       "model": "hashed word 1-2 + char_wb 3-5 grams, tf-idf, LinearSVC, sigmoid calibration"},
        "baseline": {**base_m, "seconds": round(t3 - t2, 2),
                     "model": "TfidfVectorizer() + LogisticRegression(max_iter=1000)"},
        "macro_f1_difference": round(mine["macro_f1"] - base_m["macro_f1"], 4),
    }
