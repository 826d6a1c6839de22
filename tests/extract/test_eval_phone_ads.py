"""The full-ad phone evaluation (``phone/full_ads.jsonl``) scores full E.164 numbers per ad."""

from __future__ import annotations

import json
from pathlib import Path

from adwarden.evaluation.extract_eval import evaluate


def _write(tmp_path: Path, records: list[dict[str, object]]) -> None:
    (tmp_path / "phone").mkdir()
    with (tmp_path / "phone" / "full_ads.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")


def test_full_ads_scored_on_e164_with_the_foreign_share(tmp_path: Path) -> None:
    _write(tmp_path, [
        {"title": "Sofa", "body": "call 206-555-0147", "phones": ["+12065550147"]},
        {"text": "Text me 07700 900123", "url": "https://london.example.com/a/1", "phones": ["+447700900123"]},
        {"text": "chiamami 333 123 4567", "url": "https://milano.example.com/a/2", "phones": ["+393331234567"]},
        {"text": "annuncio id 3331234568", "url": "https://milano.example.com/a/3", "phones": []},
    ])
    r = evaluate(tmp_path)["phone_ads"]
    assert (r["tp"], r["fp"], r["fn"], r["ads"]) == (3, 0, 0, 4)
    assert r["foreign_share"] == round(2 / 3, 4)
    assert r["foreign"]["tp"] == 2


def test_a_foreign_number_read_in_the_wrong_country_is_a_miss(tmp_path: Path) -> None:
    # No URL, location, country or language says Italy: the number is read (and rejected) as American.
    _write(tmp_path, [{"text": "ok 333 123 4567", "phones": ["+393331234567"]}])
    r = evaluate(tmp_path)["phone_ads"]
    assert r["tp"] == 0 and r["fn"] == 1


def test_missing_file_is_skipped(tmp_path: Path) -> None:
    assert "skipped" in evaluate(tmp_path)["phone_ads"]
