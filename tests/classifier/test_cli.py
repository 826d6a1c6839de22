"""``adwarden model ...`` and ``adwarden eval classifier`` through the real CLI."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from adwarden.runtime import Runtime
from tests.classifier.synth import BENIGN, VIOLATING, synthetic_ad, synthetic_ads
from tests.classifier.test_lifecycle import _decide
from tests.conftest import Cli


def test_model_commands_end_to_end(cli: Cli, runtime: Runtime, tmp_path: Path) -> None:
    r = cli("model", "list")
    assert r.exit_code == 0 and "no models yet" in r.output
    r = cli("model", "train")
    assert r.exit_code == 1 and "0 distinct decided posts, at least 20 are needed" in r.output

    _decide(runtime, synthetic_ads(30, seed=61, prefix="cli"))
    r = cli("model", "train", "--folds", "3", "--note", "first", "--json")
    assert r.exit_code == 0, r.output
    trained = json.loads(r.stdout)
    version = trained["version"]
    assert trained["status"] == "shadow" and trained["note"] == "first" and trained["artifact_bytes"] > 0

    r = cli("model", "promote", version)
    assert r.exit_code == 1 and "no evaluation" in r.output

    labelled = tmp_path / "labelled.jsonl"
    rng = random.Random(3)
    with labelled.open("w", encoding="utf-8") as fh:
        for i in range(12):
            label = VIOLATING if i % 2 else BENIGN
            fh.write(json.dumps({"text": synthetic_ad(i, label, rng=rng, prefix="f").text, "label": label}) + "\n")
    r = cli("model", "evaluate", version, "--data", str(labelled), "--json")
    assert r.exit_code == 0, r.output
    ev = json.loads(r.stdout)
    assert ev["examples"] == 12 and ev["source"] == f"file:{labelled}" and ev["metrics"]["macro_f1"] >= 0.9

    r = cli("model", "promote", version, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["model"]["status"] == "promoted" and out["evaluation"] == ev["id"]
    assert out["rescan"]["status"] == "done" and out["rescan"]["done"] == 30

    r = cli("model", "show", version)
    shown = json.loads(r.stdout)
    assert shown["promoted_by"] and [e["id"] for e in shown["evaluations"]] == [ev["id"]]
    r = cli("model", "list")
    assert version in r.output and "promoted" in r.output
    r = cli("model", "retire", version, "--reason", "drill")
    assert r.exit_code == 0 and "retired" in r.output
    r = cli("model", "show", "nope")
    assert r.exit_code == 1 and "model nope not found" in r.output


def test_bad_labelled_file_names_the_line_and_field(cli: Cli, runtime: Runtime, tmp_path: Path) -> None:
    ads = synthetic_ads(24, seed=62, prefix="bad")
    ads[0] = (ads[0][0], "violating-other")
    _decide(runtime, ads)
    r = cli("model", "train")
    assert r.exit_code == 0 and "left out (fewer than 3 examples each): {'violating-other': 1}" in r.output
    version = json.loads(cli("model", "train", "--json").stdout)["version"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a sofa", "label": "not-violating"}\n{"text": "a desk"}\n', encoding="utf-8")
    r = cli("model", "evaluate", version, "--data", str(bad))
    assert r.exit_code == 1 and f"{bad}:2: label: missing label" in r.output


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["label", "extracted_text"])
        w.writerows(rows)


def test_eval_classifier_reports_both_models_on_a_synthetic_directory(cli: Cli, tmp_path: Path) -> None:
    rng = random.Random(4)
    kinds = {"2": ["table shower", "hot stone", "spa open daily"], "3": ["outcall only", "upscale companion",
             "generous gentlemen"], "4": ["now hiring", "earn daily pay", "apply today"]}

    def rows(n: int) -> list[tuple[str, str]]:
        out = []
        for i in range(n):
            label = "234"[i % 3]
            words = rng.sample(kinds[label], 2)
            out.append((label, f"{words[0]}, {words[1]} in Springfield. Call 555-01{i % 100:02d}."))
        return out

    (tmp_path / "ad_category").mkdir()
    _write(tmp_path / "ad_category" / "train.csv", rows(30) + [("9", "unknown label row"), ("3", "")])
    _write(tmp_path / "ad_category" / "test.csv", rows(15))
    r = cli("eval", "classifier", "--data", str(tmp_path))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["data"]["train"] == 30 and out["data"]["skipped"]["train"] == 2 and out["data"]["test"] == 15
    assert set(out["classifier"]["per_label"]) == {"massage", "escort", "job"}
    assert out["classifier"]["macro_f1"] >= 0.9 and 0.0 <= out["baseline"]["macro_f1"] <= 1.0
    assert out["macro_f1_difference"] == round(out["classifier"]["macro_f1"] - out["baseline"]["macro_f1"], 4)


def test_eval_classifier_names_a_missing_file(cli: Cli, tmp_path: Path) -> None:
    r = cli("eval", "classifier", "--data", str(tmp_path))
    assert r.exit_code == 1 and "ad_category/train.csv: data: file not found" in r.output


def test_two_trainings_in_the_same_second_get_their_own_versions(runtime: Runtime,
                                                                  monkeypatch: object) -> None:
    """The same decisions give the same artifact digest; a version named by the second and the digest alone
    collided on the primary key when two trainings ran within one second (seen in CI)."""
    from datetime import UTC, datetime

    import pytest

    from adwarden import models_service
    from adwarden.domain import Actor

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    _decide(runtime, synthetic_ads(24, seed=63, prefix="same"))
    ticks = iter(range(1, 1000))

    class _Clock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return datetime(2026, 12, 1, 9, 0, 0, next(ticks), tzinfo=UTC)

    monkeypatch.setattr(models_service, "datetime", _Clock)
    admin = Actor("ana", frozenset({"admin"}))
    first = models_service.train_model(runtime.db, actor=admin)
    second = models_service.train_model(runtime.db, actor=admin)
    assert first.version != second.version
    assert first.version[:15] == second.version[:15]  # the same second, told apart
