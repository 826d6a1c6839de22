"""Validation of single records: every error names the record and the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adwarden.domain import InputError
from adwarden.ingest import content_hash, post_id_for, validate_post


def test_minimal_post_is_valid_and_naive_time_is_utc() -> None:
    post = validate_post({"external_id": 42, "body": "hello", "posted_at": "2026-11-01T10:00:00"}, record="line 1")
    assert post.external_id == "42"
    assert post.site == "default"
    assert post.posted_at == datetime(2026, 11, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("record", "field", "fragment"),
    [
        ({"body": "x"}, "external_id", "required"),
        ({"external_id": "a"}, "(record)", "one of title or body"),
        ({"external_id": "a", "body": 5}, "body", "string"),
        ({"external_id": "a", "body": "x", "media": [{"sha256": "zz"}]}, "media[0].sha256", "hexadecimal"),
        ({"external_id": "a", "body": "x", "account": {"email": "e@example.com"}}, "account.id", "required"),
        ({"external_id": "a", "title": "t" * 3000}, "title", "2000"),
        ({"external_id": "a", "body": "bad \ud800 text"}, "body", "unicode"),
        ({"external_id": "a", "body": "x", "posted_at": "yesterday"}, "posted_at", "datetime"),
    ],
)
def test_errors_name_record_and_field(record: dict[str, object], field: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        validate_post(record, record="line 9")
    assert info.value.record == "line 9"
    assert info.value.field == field
    assert fragment.lower() in str(info.value).lower()


def test_body_size_limit() -> None:
    with pytest.raises(InputError, match="size limit") as info:
        validate_post({"external_id": "a", "body": "x" * 101}, record="line 1", max_body_chars=100)
    assert info.value.field == "body"


def test_not_an_object() -> None:
    with pytest.raises(InputError, match="JSON object"):
        validate_post(["external_id"], record="line 3")


def test_identity_is_stable_and_content_sensitive() -> None:
    a = validate_post({"external_id": "p1", "site": "s", "body": "one"}, record="r")
    b = validate_post({"external_id": "p1", "site": "s", "body": "one"}, record="r")
    c = validate_post({"external_id": "p1", "site": "s", "body": "two"}, record="r")
    assert post_id_for("s", "p1") == post_id_for("s", "p1") != post_id_for("t", "p1")
    assert content_hash(a) == content_hash(b) != content_hash(c)
