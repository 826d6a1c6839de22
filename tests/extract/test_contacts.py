"""E-mails, URLs, handles and payment handles (synthetic examples, example.com domains)."""

from __future__ import annotations

import pytest

from adwarden.extract import extract_all


def values(text: str, kind: str) -> list[str]:
    return [f.value for f in getattr(extract_all(text), kind)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail Jane.Doe@Example.com today", ["jane.doe@example.com"]),
        ("jane.doe at example dot com", ["jane.doe@example.com"]),
        ("jane (at) example (dot) com", ["jane@example.com"]),
        ("jane[at]example[dot]org", ["jane@example.org"]),
        ("jane @ example . com", ["jane@example.com"]),
        ("jane at gmail.com", ["jane@gmail.com"]),
        ("ＪＡＮＥ＠ＥＸＡＭＰＬＥ．ＣＯＭ", ["jane@example.com"]),
        ("meet me at the hotel.com lobby", []),
        ("i am at home", []),
    ],
)
def test_emails(text: str, expected: list[str]) -> None:
    assert values(text, "emails") == expected


def test_email_span() -> None:
    text = "write jane at example dot com now"
    f = extract_all(text).emails[0]
    assert text[f.start : f.end] == "jane at example dot com"


def test_urls() -> None:
    ex = extract_all("see https://WWW.Example.com/Jane/ or www.example.org/a?b=1, also example.net. Mail jo@example.info")
    assert [f.value for f in ex.urls] == [
        "https://example.com/Jane",
        "http://example.org/a?b=1",
        "http://example.net",
    ]
    assert ex.urls[0].attrs["domain"] == "example.com"
    assert values("no links here, i.e. none", "urls") == []


@pytest.mark.parametrize(
    ("text", "platform", "handle"),
    [
        ("IG: jane_doe99", "instagram", "jane_doe99"),
        ("ig - janedoe", "instagram", "janedoe"),
        ("insta @jane.doe", "instagram", "jane.doe"),
        ("follow me on twitter @JaneExample", "twitter", "janeexample"),
        ("Twitter @ JaneExample", "twitter", "janeexample"),
        ("sc - janey.x", "snapchat", "janey.x"),
        ("add my snapchat: janey206", "snapchat", "janey206"),
        ("kik me: jane_k", "kik", "jane_k"),
        ("telegram @janetg", "telegram", "janetg"),
        ("wechat id: jane0147", "wechat", "jane0147"),
        ("https://instagram.com/jane.doe", "instagram", "jane.doe"),
        ("t.me/janetg", "telegram", "janetg"),
        ("onlyfans.com/janeexample", "onlyfans", "janeexample"),
        ("x.com/janeexample", "twitter", "janeexample"),
    ],
)
def test_handles(text: str, platform: str, handle: str) -> None:
    hs = extract_all(text).handles
    assert [(h.attrs["platform"], h.value) for h in hs] == [(platform, handle)]


@pytest.mark.parametrize(
    "text",
    ["snap me for more", "i love two things", "disc golf", "ig below", "whatsapp: 206-555-0147"],
)
def test_not_handles(text: str) -> None:
    assert extract_all(text).handles == ()


def test_bare_at_handle_is_kept_with_unknown_platform() -> None:
    hs = extract_all("dm @jane_example").handles
    assert [(h.attrs["platform"], h.value) for h in hs] == [("unknown", "jane_example")]
    assert extract_all("jane@example.com").handles == ()


@pytest.mark.parametrize(
    ("text", "platform", "value"),
    [
        ("cash app $JaneDoe206", "cashapp", "$janedoe206"),
        ("cashapp: $janedoe", "cashapp", "$janedoe"),
        ("send to $jane_doe", "cashapp", "$jane_doe"),
        ("venmo @jane-pay", "venmo", "jane-pay"),
        ("paypal.me/janeexample", "paypal", "janeexample"),
        ("cash.app/$janeexample", "cashapp", "$janeexample"),
    ],
)
def test_payments(text: str, platform: str, value: str) -> None:
    ps = extract_all(text).payments
    assert [(p.attrs["platform"], p.value) for p in ps] == [(platform, value)]


def test_cash_words_that_are_not_tags() -> None:
    assert extract_all("$200 $exy $pecials $$$").payments == ()


def test_gift_cards_are_evidence_not_identifiers() -> None:
    ex = extract_all("amazon gift card only")
    assert [p.value for p in ex.payments] == ["gift_card:amazon"]
    assert ex.identifiers() == ()
