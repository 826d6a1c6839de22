"""``adwarden eval networks`` on a tiny synthetic corpus in the WA file's shape (the real file is never needed)."""

from __future__ import annotations

import json
from pathlib import Path

from adwarden.detect.network import LinkRecord
from adwarden.evaluation.networks_eval import evaluate, pair_scores, phone_groups, table
from tests.conftest import Cli

TEMPLATE = ("Sweet and friendly companion, new in {city} this week only, upscale incall near the airport or outcall "
            "to your hotel, {price} roses for the hour, no rush. Ask for {name}, call {phone}. No blocked numbers.")
OTHER = ["Massage by appointment, licensed therapist, deep tissue and swedish, call {phone} to book today",
         "Independent provider visiting downtown, real pictures only, discreet and clean, text {phone} for rates",
         "Classy dinner dates, travel friendly, serious gentlemen only, thank you, reach me at {phone}"]


def write_corpus(path: Path) -> None:
    rows = []
    # one ring: four ads on one phone, rewritten per city and name; two cities of each half
    for i, (city, name) in enumerate([("tacoma", "Kira"), ("seattle", "Jade"), ("olympia", "Rosa"),
                                      ("bellingham", "Mila")]):
        rows.append({"sid": f"r{i}", "sitekey": city, "source": "backpage", "created": f"2013-10-1{i}T10:00:00",
                     "title": f"New in town - {20 + i}", "image_urls": [],
                     "body": TEMPLATE.format(city=city.title(), price=150 + 10 * i, name=name,
                                             phone="(206) 555-0147")})
    for i, body in enumerate(OTHER):
        rows.append({"sid": f"o{i}", "sitekey": "seattle", "source": "backpage", "created": "2013-10-20T10:00:00",
                     "title": "Hello", "body": body.format(phone=f"(206) 555-01{60 + i}"), "image_urls": []})
    rows.append(dict(rows[0]))  # the same posting crawled twice: one ad
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_pair_scores_and_phone_groups() -> None:
    recs = [LinkRecord("a", identifiers=(("phone", "+1"),)), LinkRecord("b", identifiers=(("phone", "+1"),)),
            LinkRecord("c", identifiers=(("phone", "+2"), ("phone", "+1"))), LinkRecord("d")]
    gold = phone_groups(recs)
    assert gold["a"] == gold["b"] == gold["c"] != gold["d"]
    s = pair_scores({"a": 0, "b": 0, "c": 1, "d": 1}, gold)
    assert (s["gold_pairs"], s["predicted_pairs"], s["true_pairs"]) == (3, 2, 1)
    assert s["precision"] == 0.5 and s["recall"] == round(1 / 3, 4)


def test_evaluate_scores_phones_off_and_on(tmp_path: Path) -> None:
    write_corpus(tmp_path / "clustering" / "backpage_wa_2013_ads.jsonl")
    report = evaluate(tmp_path)
    wa = report["backpage_wa_2013"]
    assert (wa["rows"], wa["ads"], wa["repeated_rows_dropped"]) == (8, 7, 1)
    assert report["sms_spam"] == {"skipped": f"{Path('sms_spam') / 'SMSSpamCollection.tsv'} not found under {tmp_path}"}
    everything = wa["all"]
    assert everything["phone_groups"] == 1 and everything["ads_in_phone_groups"] == 4
    assert everything["phones_on"]["recall"] == 1.0 and everything["phones_on"]["precision"] == 1.0
    off = everything["phones_off"]
    assert off["gold_pairs"] == 6 and off["true_pairs"] == 6 and off["precision"] == 1.0
    assert everything["text_and_images"]["recall"] == 1.0
    assert wa["tune"]["ads"] == 2 and wa["held_out"]["ads"] == 5
    assert wa["tune"]["phones_off"]["gold_pairs"] == 1 and wa["held_out"]["phones_off"]["gold_pairs"] == 1
    text = table(report)
    assert "held_out" in text and "phones_off_verified" in text
    # persona rows: they only add links, so nothing linked without them is lost
    assert everything["phones_on_persona"]["recall"] == 1.0
    assert everything["phones_off_persona"]["true_pairs"] >= off["true_pairs"]
    assert "phones_off_persona" in text and "phones_off_persona_any_anchor" in text


def test_cli_prints_the_table_and_json(cli: Cli, tmp_path: Path) -> None:
    write_corpus(tmp_path / "clustering" / "backpage_wa_2013_ads.jsonl")
    r = cli("eval", "networks", "--data", str(tmp_path))
    assert r.exit_code == 0, r.output
    assert "phones_off" in r.stdout and "precision" in r.stdout
    r = cli("eval", "networks", "--data", str(tmp_path), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["backpage_wa_2013"]["ads"] == 7
    r = cli("eval", "networks", "--data", str(tmp_path / "missing"))
    assert r.exit_code != 0
