"""The limits in docs/ingest.md and docs/api.md are the ones the code enforces."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from annotated_types import MaxLen

from adwarden.ingest.schema import PostIn

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _max_length(field: str) -> int:
    for meta in PostIn.model_fields[field].metadata:
        if isinstance(meta, MaxLen):
            return int(meta.max_length)
    raise AssertionError(f"{field} has no max_length")


def _row(field: str) -> str:
    for line in reversed((DOCS / "ingest.md").read_text().splitlines()):  # the row of limits comes last
        if line.startswith("|") and f"`{field}`" in line.split("|")[1]:
            return line
    raise AssertionError(f"docs/ingest.md has no row for {field}")


@pytest.mark.parametrize("field", ["external_id", "site", "category"])
def test_fixed_field_limits_match(field: str) -> None:
    assert f"at most {_max_length(field):,} characters" in _row(field)


@pytest.mark.parametrize("field", ["title", "location", "url"])
def test_configurable_field_limits_match(field: str, settings: Any) -> None:
    assert _max_length(field) == settings.max_field_chars
    assert f"`ADWARDEN_MAX_FIELD_CHARS` characters ({settings.max_field_chars:,} by default)" in _row(field)


def test_413_limit_in_docs_is_the_enforced_one(client: Any, settings: Any) -> None:
    documented = {int(n.replace(",", "")) for n in re.findall(r"\((?:the default )?([\d,]+) (?:bytes|by default)",
                                                              (DOCS / "api.md").read_text() + (DOCS / "ingest.md").read_text())}
    limit = settings.max_body_bytes * 2 + 64 * 1024
    assert limit in documented
    over = client.post("/v1/posts", content=b"x" * (limit + 1), headers={"Content-Type": "application/json"})
    assert over.status_code == 413
    at = client.post("/v1/posts", content=b"x" * limit, headers={"Content-Type": "application/json"})
    assert at.status_code == 422  # within the limit: read, then refused as malformed JSON
