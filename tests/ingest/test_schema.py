"""Validation of single records: every error names the record and the field."""

from __future__ import annotations

import random
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


def test_content_hash_is_the_sha256_of_the_canonical_json() -> None:
    """The hash every stored version carries: it must not move, or every re-ingested post becomes a new
    version. Written out here as it was defined, on posts with and without every field."""
    import hashlib
    import json

    from adwarden.domain import Account, MediaRef, PostInput

    def reference(p: PostInput) -> str:
        a = p.account
        doc = {"category": p.category, "title": p.title, "body": p.body, "location": p.location,
               "posted_at": p.posted_at.isoformat() if p.posted_at else None, "url": p.url,
               "account": None if a is None else {"id": a.id, "email": a.email, "phone": a.phone, "ip": a.ip,
                                                  "device_id": a.device_id},
               "media": [[m.url, m.sha256, m.md5, m.pdq, m.pdq_quality] for m in p.media]}
        blob = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    posts = [
        PostInput(external_id="a", body="one"),
        PostInput(external_id="b", site="s", category="c", title='Caf\u00e9 "quoted" \\ \u65b0', body="line\nnext\t\u2028",
                  location="Seattle, WA", posted_at=datetime(2026, 11, 1, 10, tzinfo=UTC), url="https://example.com/b",
                  account=Account(id="u", email="u@example.com", phone="+12065550147", ip="203.0.113.1",
                                  device_id="d"),
                  media=(MediaRef(url="https://example.com/i.jpg", sha256="a" * 64, pdq="b" * 64, pdq_quality=90),
                         MediaRef(md5="c" * 32))),
        PostInput(external_id="c", title="t", account=Account(id="u")),
    ]
    assert [content_hash(p) for p in posts] == [reference(p) for p in posts]


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_posted_at_that_overflows_utc_is_an_input_error(when: str) -> None:
    # Converting these to UTC leaves datetime's year range: an error on the field, not an OverflowError.
    with pytest.raises(InputError, match="out of range") as info:
        validate_post({"external_id": "a", "body": "x", "posted_at": when}, record="line 2")
    assert info.value.field == "posted_at"


def test_posted_at_at_the_edge_of_the_range_is_kept() -> None:
    post = validate_post({"external_id": "a", "body": "x", "posted_at": "9999-12-31T23:00:00+05:00"}, record="r")
    assert post.posted_at == datetime(9999, 12, 31, 18, tzinfo=UTC)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"external_id": "a", "body": "nul \x00 inside"}, "body"),
        ({"external_id": "a", "title": "bell \x07"}, "title"),
        ({"external_id": "a\x00b", "body": "x"}, "external_id"),
        ({"external_id": "a", "site": "s\x1b[31m", "body": "x"}, "site"),
        ({"external_id": "a", "body": "x", "location": "Sea\x0bttle"}, "location"),
        ({"external_id": "a", "body": "x", "category": "c\x00"}, "category"),
        ({"external_id": "a", "body": "x", "url": "https://example.com/\x00"}, "url"),
        ({"external_id": "a", "body": "x", "account": {"id": "u\x00"}}, "account.id"),
        ({"external_id": "a", "body": "x", "account": {"id": "u", "email": "e\x01@example.com"}}, "account.email"),
        ({"external_id": "a", "body": "x", "account": {"id": "u", "phone": "206\x00555"}}, "account.phone"),
        ({"external_id": "a", "body": "x", "account": {"id": "u", "ip": "10.0.0.\x001"}}, "account.ip"),
        ({"external_id": "a", "body": "x", "account": {"id": "u", "device_id": "d\x7f\x00"}}, "account.device_id"),
        ({"external_id": "a", "body": "x", "media": [{"url": "https://example.com/\x00.jpg"}]}, "media[0].url"),
        ({"external_id": "a", "body": "x", "account": {"id": "u", "email": "bad \ud800"}}, "account.email"),
    ],
)
def test_control_characters_are_refused_in_every_text_field(record: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        validate_post(record, record="line 4")
    assert info.value.field == field
    message = str(info.value)
    assert field in message
    assert "control character" in message or "unicode" in message.lower()


def test_tabs_and_newlines_are_allowed() -> None:
    post = validate_post({"external_id": "a", "title": "one\ttwo", "body": "line one\r\nline two\n"}, record="r")
    assert post.body == "line one\r\nline two" and post.title == "one\ttwo"


def test_numeric_ids_stay_text() -> None:
    post = validate_post({"external_id": 12345678901234567890, "site": 7, "body": "x",
                          "account": {"id": 99}}, record="r")
    assert post.external_id == "12345678901234567890" and post.site == "7"
    assert post.account is not None and post.account.id == "99"


# Values that pass, and values at or over every edge pydantic checks: whitespace to strip (including U+001C,
# which Python strips and pydantic does not, and U+00A0, U+3000), control characters, a lone surrogate, lengths,
# non-strings, and timestamps in and around the one form the plain path reads itself.
_TEXTS: list[object] = ["Kira", "a b", "", " lead", "trail ", "x\x1c", "\xa0x", "x\u3000", "tab\there", "bad\x00",
                        "bad\x7f", "bad\x1b", "\ud800", "\u00e9t\u00e9", "t" * 200, "t" * 201, "t" * 2001, 7, True,
                        1.5, ["x"], None]
_TIMES: list[object] = [
    "2026-11-01T10:00:00Z", "2026-11-01T10:00:00", "2026-11-01T10:00:00.5Z", "2026-11-01T10:00:00.123456+05:30",
    "2026-11-01T10:00:00.1234567Z", "2026-11-01T10:00:00-23:59", "2026-11-01T10:00:00+24:00",
    "2026-11-01T10:00:00+05:60", "2026-11-01T10:00:00-00:00", "2026-11-01T24:00:00Z", "2026-11-01T23:59:60Z",
    "2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:00:00-05:00", "9999-12-31T23:00:00+05:00", "2026-11-01t10:00:00z", "2026-11-01 10:00:00Z",
    "2026-11-01", "1700000000", " 2026-11-01T10:00:00Z", 1700000000, None, "yesterday",
]


def test_plain_records_validate_exactly_as_pydantic_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from adwarden.ingest import schema

    rng = random.Random(15)
    records: list[dict[str, object]] = []
    for _ in range(10000):
        rec: dict[str, object] = {}
        for name in ("external_id", "site", "category", "title", "body", "location", "url"):
            if rng.random() < 0.6:
                rec[name] = rng.choice(_TEXTS) if rng.random() < 0.3 else f"{name} {rng.randint(0, 9)}"
        if rng.random() < 0.7:
            rec["posted_at"] = rng.choice(_TIMES)
        if rng.random() < 0.4:
            rec["account"] = _random_account(rng)
        if rng.random() < 0.4:
            rec["media"] = _random_media(rng)
        if rng.random() < 0.05:
            rec["extra"] = "ignored"
        records.append(rec)

    def outcome(rec: dict[str, object]) -> object:
        try:
            return validate_post(rec, record="line 1", max_body_chars=150, max_field_chars=100)
        except InputError as exc:
            return (exc.field, exc.message)

    fast = [outcome(r) for r in records]
    taken = [r for r in records if schema._plain_post(r) is not None]
    monkeypatch.setattr(schema, "_plain_post", lambda data: None)
    for rec, got in zip(records, fast, strict=True):
        assert got == outcome(rec), rec
    # the plain path is exercised, on records with timestamps and without
    assert len(taken) > 400 and sum(r.get("posted_at") is not None for r in taken) > 200
    assert sum(isinstance(r.get("account"), dict) for r in taken) > 50
    assert sum(bool(r.get("media")) for r in taken) > 50
    assert sum(isinstance(o, tuple) for o in fast) > 1000  # and so are refusals
    refused = {o[0] for o in fast if isinstance(o, tuple)}
    assert {"account.id", "account.email", "media[0].sha256", "media[0].pdq_quality", "media"} <= refused


_HASHES: list[object] = ["ab" * 32, "AB" * 32, "ab" * 16, "AB" * 16, " " + "ab" * 32, "ab" * 32 + " ", "ab" * 31,
                         "gh" * 32, "ab" * 33, "\u0130" * 64, "\uff41" * 64, 7, None, ""]
_QUALITIES: list[object] = [0, 50, 100, 101, -1, True, 50.0, "50", None, [1]]


def _random_account(rng: random.Random) -> object:
    if rng.random() < 0.05:
        return rng.choice([None, "u1", ["u1"], {}])
    account: dict[str, object] = {}
    for name in ("id", "email", "phone", "ip", "device_id"):
        if rng.random() < 0.7:
            account[name] = rng.choice(_TEXTS + [99, "u" * 256, "e" * 321, "p" * 65]) if rng.random() < 0.2 else (
                f"{name}-{rng.randint(0, 9)}")
    if rng.random() < 0.1:
        account["other"] = "ignored"
    return account


def _random_media(rng: random.Random) -> object:
    if rng.random() < 0.05:
        return rng.choice([None, "x.jpg", {"url": "x"}, [{"url": "x"}] * 101, [{"url": "x"}] * 100, []])
    items: list[object] = []
    for _ in range(rng.randint(0, 3)):
        if rng.random() < 0.03:
            items.append(rng.choice(["x.jpg", None, ["x"]]))
            continue
        item: dict[str, object] = {}
        if rng.random() < 0.7:
            item["url"] = rng.choice(_TEXTS) if rng.random() < 0.2 else f"https://example.com/{rng.randint(0, 9)}.jpg"
        for name, size in (("sha256", 32), ("md5", 16), ("pdq", 32)):
            if rng.random() < 0.5:
                item[name] = rng.choice(_HASHES) if rng.random() < 0.3 else rng.choice(["ab", "Cd", "09"]) * size
        if rng.random() < 0.4:
            item["pdq_quality"] = rng.choice(_QUALITIES)
        items.append(item)
    return items
