"""``adwarden eval extract`` runs the evaluator over a data directory (here: a tiny synthetic one)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli


def test_eval_extract_on_a_synthetic_directory(cli: Cli, tmp_path: Path) -> None:
    phone = tmp_path / "phone"
    phone.mkdir()
    (phone / "obfuscated_phone_lines.csv").write_text(
        "line_no,input_text,expected_phones,label_source\n"
        "1,call two oh six 555 01 47 today,2065550147,synthetic\n"
        "2,sofa for 120 dollars,,synthetic\n", encoding="utf-8")
    r = cli("eval", "extract", "--data", str(tmp_path))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    lines = next(v for k, v in out.items() if "line" in k)
    assert lines["rows"] == 2 and lines["tp"] == 1 and lines["fp"] == 0 and lines["fn"] == 0


def test_eval_extract_reports_stated_ages(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "age").mkdir()
    rows = [{"text": "Sweet and new - 23\nAge: 23", "ages": ["23"]}, {"text": "$220 for 1 hr, 5'2", "ages": []},
            {"text": "I am 19 yo", "ages": ["21"]}]
    (tmp_path / "age" / "age_dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    r = cli("eval", "extract", "--data", str(tmp_path))
    assert r.exit_code == 0, r.output
    ages = json.loads(r.stdout)["stated_age"]
    assert ages["ads"] == 3 and ages["exact_ads"] == 2 and ages["tp"] == 1 and ages["fp"] == 1 and ages["fn"] == 1


def test_eval_youth_counts_terms_and_child_safety(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "clustering").mkdir()
    ads = [
        {"title": "Sweet young lady - 24", "body": "ex high school cheerleader, now 24. Call 206-555-0142", "stated_age": 24},
        {"title": "New in town - 22", "body": "petite and fun, 206-555-0143", "stated_age": 22},
        {"title": "Hi - 19", "body": "I'm 16 years old, 206-555-0144", "stated_age": 19},
    ]
    (tmp_path / "clustering" / "backpage_wa_2013_ads.jsonl").write_text(
        "\n".join(json.dumps(a) for a in ads), encoding="utf-8")
    r = cli("eval", "youth", "--data", str(tmp_path), "--top", "50")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    terms = {t["term"]: t for t in out["terms"]}
    assert terms["youth.petite: petite"]["fired"] == 1
    assert terms["youth.schoolgirl_roleplay: cheerleader"]["suppressed"] == {"past": 1}
    cs = out["child_safety"]["wa_2013"]
    assert cs["ads"] == 1 and cs["adults"] == 0 and "stated_age_under_18" in cs["labels"]
    missing = cli("eval", "youth", "--data", str(tmp_path / "clustering"))
    assert missing.exit_code == 0 and "skipped" in json.loads(missing.stdout)
