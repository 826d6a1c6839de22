"""The extractor registry, the JSONL line helper, and the evaluation command on synthetic files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adwarden.extract import ExtractContext, Extractor, Fact, extract_all, register, registered, unregister
from adwarden.extract.cli_io import process_line


def test_builtins_are_registered_by_name() -> None:
    names = {e.name() for e in registered()}
    assert {
        "phone", "email", "url", "handle", "payment", "age", "price", "location", "service",
        "availability", "youth_language",
    } <= names


def test_registry_refuses_duplicates_and_accepts_plugins() -> None:
    with pytest.raises(ValueError, match="already registered"):

        @register
        class PhoneExtractor(Extractor):  # noqa: F811 - same name as the built-in on purpose
            kind = "phone"

            def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
                return iter(())

    @register
    class ShoutedPhoneWordExtractor(Extractor):
        kind = "availability"

        def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
            i = ctx.text.find("TONIGHT")
            if i >= 0:
                yield Fact("availability", "tonight", i, i + 7)

    try:
        assert ShoutedPhoneWordExtractor.name() == "shouted_phone_word"
        assert [f.value for f in extract_all("free TONIGHT").availability] == ["tonight"]
    finally:
        unregister("shouted_phone_word")
    assert extract_all("free TONIGHT").availability == ()


def test_registry_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):

        @register
        class OddExtractor(Extractor):
            kind = "shoe_size"

            def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
                return iter(())


def test_process_line_json_and_plain() -> None:
    out = process_line(b'{"id": "p1", "text": "call 206-555-0147", "location": "Seattle, WA"}', 1)
    assert out is not None and out["id"] == "p1"
    assert out["phones"] == [{"value": "+12065550147", "start": 5, "end": 17}]
    out = process_line("text with IG: jane_doe99\n", 7)
    assert out is not None and out["id"] == 7 and out["handles"][0]["value"] == "jane_doe99"
    assert process_line(b"\n", 3) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"id": 1, "text": ', "line 4: not valid JSON"),
        (b'{"id": 1}', "line 4: text: is missing"),
        (b'{"id": 1, "text": ["a"]}', "line 4: text: must be a string"),
        (b'{"id": {"a": 1}, "text": "x"}', "line 4: id: must be a string or a number"),
        (b'{"text": "x", "url": 5}', "line 4: url: must be a string"),
        (b'{"text": "x", "location": "' + b"a" * 3000 + b'"}', "line 4: location: longer than"),
    ],
)
def test_process_line_errors_name_the_line(raw: bytes, message: str) -> None:
    out = process_line(raw, 4)
    assert out is not None
    assert out["id"] == 4 and out["line"] == 4
    assert out["error"].startswith(message)


def test_process_line_invalid_utf8_is_replaced_not_fatal() -> None:
    out = process_line(b"\xff\xfe call 206 555 0147", 2)
    assert out is not None and [p["value"] for p in out["phones"]] == ["+12065550147"]


def test_evaluate_on_synthetic_files(tmp_path: Path) -> None:
    from adwarden.evaluation.extract_eval import evaluate

    (tmp_path / "phone").mkdir()
    (tmp_path / "phone" / "obfuscated_phone_lines.csv").write_text(
        "line_no,input_text,expected_phones,label_source\n"
        "1,call 2O6-555-O147,2065550147,synthetic\n"
        "2,$200 hh 34-24-36,,synthetic\n"
        "3,two oh six 555 0148,2065550148,synthetic\n",
        encoding="utf-8",
    )
    (tmp_path / "other_extractors").mkdir()
    (tmp_path / "other_extractors" / "social_media_handles.jl").write_text(
        json.dumps({"text": "IG: jane_doe99", "correct": {"instagram": ["jane_doe99"]}}) + "\n", encoding="utf-8"
    )
    (tmp_path / "price").mkdir()
    (tmp_path / "price" / "etk_price_groundtruth.jl").write_text(
        json.dumps(
            {
                "text": "qv 80 hh 120",
                "annotated_price": [
                    {"value": 80, "metadata": {"currency": "", "time_unit": "15"}},
                    {"value": 120, "metadata": {"currency": "", "time_unit": "30"}},
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "other_extractors" / "url_country.jl").write_text(
        json.dumps({"url": "http://london.example.co.uk/a", "expected": "United Kingdom"}) + "\n"
        + json.dumps({"url": "http://example.com.au/x", "expected": "Australia"}) + "\n",
        encoding="utf-8",
    )
    r = evaluate(tmp_path)
    assert r["phone_lines"]["f1"] == 1.0 and r["phone_lines"]["rows"] == 3
    assert r["handle"]["f1"] == 1.0
    assert r["price"]["exact_match"] == 1.0 and r["price"]["ads_exact"] == 1.0
    assert r["url_country"]["accuracy"] == 1.0
    assert "skipped" in r["phone_urls"] and "skipped" in r["email"]
