"""Banks: every kind, keyed hashes, file formats with line-numbered errors, PDQ hashing and index."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from adwarden.detect.banks import (
    Bank,
    BankDetector,
    BankEntry,
    BankIndex,
    PdqIndex,
    entry_from_value,
    export_csv,
    export_hma,
    export_pytx,
    hash_image,
    identifier_digest,
    normalize_identifier,
    parse_bank_file,
)
from adwarden.detect.base import ScreenContext
from adwarden.detect.indicators.fastnorm import normalize_phrase
from adwarden.domain import Identifier, MediaRef, PolicyError, PostInput
from adwarden.extract import extract_all
from tests.detect.images import abstract_image, encode

KEY = b"test-key"
TEMPLATE = ("Sweet friendly companion visiting downtown this week only, call or text for an appointment, "
            "discreet upscale location with parking available")


def ctx_for(post: PostInput, extra: tuple[Identifier, ...] = ()) -> ScreenContext:
    from adwarden.pipeline import identifiers_for

    ex = extract_all(post.text, url=post.url)
    return ScreenContext(post=post, text=post.text, extraction=ex, identifiers=identifiers_for(post, ex) + extra)


def test_identifier_normalization_matches_extraction() -> None:
    for raw in ["(206) 555-0147", "+1 206 555 0147", "two oh six 555 0147"]:
        assert normalize_identifier("phone", raw) == "+12065550147"
    assert normalize_identifier("email", " Jane.Doe@Example.COM ") == "jane.doe@example.com"
    assert normalize_identifier("handle", "@Jane_Doe99") == "jane_doe99"
    assert normalize_identifier("payment", "$JaneD") == "$janed"
    assert normalize_identifier("url", "https://www.Example.com/ads/1/") == "example.com/ads/1"


def test_keyed_hash_depends_on_key_and_kind() -> None:
    a = identifier_digest("phone", "+12065550147", KEY)
    assert a == identifier_digest("phone", "206.555.0147", KEY)
    assert a != identifier_digest("phone", "+12065550147", b"other-key")
    assert a != identifier_digest("handle", "12065550147", KEY)
    assert "2065550147" not in a


def test_csv_all_kinds_and_detector_evidence() -> None:
    img = encode(abstract_image(1))
    h = hash_image(img)
    csv_text = (
        "kind,value,label\n"
        "phone,(206) 555-0147,trafficking\n"
        "email,bad.actor@example.com,trafficking\n"
        "handle,@bad_handle1,trafficking\n"
        "payment,$BadPay,trafficking\n"
        "url,http://example.com/agency,trafficking\n"
        f"text,\"{TEMPLATE}\",template\n"
        f"md5,{h.md5},csam\n"
        f"sha256,{h.sha256.upper()},csam\n"
        f"pdq,{h.pdq},csam-pdq\n"
    )
    entries = parse_bank_file(csv_text.encode(), key=KEY, source="bank.csv", added_by="tester")
    assert [e.kind for e in entries] == ["phone", "email", "handle", "payment", "url", "text", "md5", "sha256", "pdq"]
    assert all(e.added_by == "tester" and e.source == "bank.csv" for e in entries)
    assert entries[0].value != "+12065550147" and len(entries[0].value) == 64  # stored as a keyed hash
    index = BankIndex([(Bank("local", ("trafficking",)), entries)], key=KEY)
    det = BankDetector(index)

    # Obfuscated contact details in the ad text; the near-duplicate template; media by hash.
    body = ("Call two-oh-six 555 0147 or BAD.ACTOR@example.com, IG @bad_handle1, cashapp $badpay, "
            "see www.example.com/agency. " + TEMPLATE.replace("this week only", "this weekend only"))
    jpeg = encode(abstract_image(1).resize((300, 225)), "JPEG", quality=85)
    jh = hash_image(jpeg)
    post = PostInput("p1", body=body, media=(MediaRef(md5=h.md5, sha256=h.sha256), MediaRef(pdq=jh.pdq, pdq_quality=jh.pdq_quality)))
    ev = det.detect(ctx_for(post))
    by_kind = {e.attrs["kind"]: e for e in ev}
    assert set(by_kind) == {"phone", "email", "handle", "payment", "url", "text", "md5", "sha256", "pdq"}
    for e in ev:
        assert e.detector == "bank" and e.attrs["bank"] == "local"
    assert by_kind["phone"].label == "trafficking"
    assert body[by_kind["phone"].start : by_kind["phone"].end].startswith("two-oh-six")
    assert by_kind["pdq"].label == "csam-pdq" and 0 < by_kind["pdq"].attrs["distance"] <= 31
    assert 0.7 <= by_kind["text"].attrs["similarity"] < 1.0
    assert by_kind["md5"].attrs["added_by"] == "tester"


def test_account_identifiers_match_too() -> None:
    entries = parse_bank_file(b"kind,value,label\nemail,owner@example.com,spam-ring\n", key=KEY)
    det = BankDetector(BankIndex([(Bank("b"), entries)], key=KEY))
    from adwarden.domain import Account

    post = PostInput("p2", body="nothing here", account=Account("u1", email="Owner@Example.com"))
    assert [e.label for e in det.detect(ctx_for(post))] == ["spam-ring"]


def test_disabled_bank_and_other_key_never_match() -> None:
    entries = parse_bank_file(b"kind,value,label\nphone,2065550147,x\n", key=KEY)
    assert BankIndex([(Bank("off", enabled=False), entries)], key=KEY).match_identifier("phone", "+12065550147") == []
    assert BankIndex([(Bank("on"), entries)], key=b"another").match_identifier("phone", "+12065550147") == []
    assert len(BankIndex([(Bank("on"), entries)], key=KEY).match_identifier("phone", "+12065550147")) == 1


def test_entry_label_defaults_to_bank_label() -> None:
    entries = parse_bank_file(b"kind,value,label\nphone,2065550147,\n", key=KEY)
    m = BankIndex([(Bank("b", ("exploitation",)), entries)], key=KEY).match_identifier("phone", "2065550147")
    from adwarden.detect.banks import match_evidence

    assert match_evidence(m[0]).label == "exploitation"


def test_malformed_csv_reports_every_line_and_imports_nothing() -> None:
    bad = ("kind,value,label\n"
           "phone,not a phone,x\n"
           "md5,xyz,x\n"
           "colour,red,x\n"
           "email,ok@example.com,x\n"
           "pdq,abc\n"
           "text,too short,x\n")
    with pytest.raises(PolicyError) as info:
        parse_bank_file(bad.encode(), key=KEY, source="b.csv")
    p = info.value.problems
    assert [x.split(": ")[0] for x in p] == ["b.csv:2", "b.csv:3", "b.csv:4", "b.csv:6", "b.csv:7"]
    assert "not a phone number" in p[0] and "md5 must be 32 hex digits" in p[1] and "unknown kind 'colour'" in p[2]
    assert "expected 3 columns, got 2" in p[3] and "at least 3 words" in p[4]
    with pytest.raises(PolicyError, match="b.csv:1: header must start with kind,value,label"):
        parse_bank_file(b"type,value\nphone,1\n", key=KEY, source="b.csv", fmt="csv")
    with pytest.raises(PolicyError, match="no entries"):
        parse_bank_file(b"kind,value,label\n", key=KEY, source="b.csv")


def test_pytx_and_hma_round_trip() -> None:
    h = hash_image(encode(abstract_image(3)))
    pytx = f"pdq {h.pdq}\nvideo_md5 {h.md5}\nraw_text {TEMPLATE}\n\n# comment\n".encode()
    entries = parse_bank_file(pytx, key=KEY, default_label="shared", source="pytx.txt")
    assert [(e.kind, e.label) for e in entries] == [("pdq", "shared"), ("md5", "shared"), ("text", "shared")]
    text, skipped = export_pytx(entries)
    assert skipped == 0 and parse_bank_file(text.encode(), key=KEY) == [
        BankEntry(e.kind, e.value, "", source="<bank file>") for e in entries]
    hma, skipped = export_hma(Bank("shared-bank"), entries)
    doc = json.loads(hma)
    assert doc["bank"]["name"] == "SHARED_BANK" and doc["content"][0]["signals"] == {"pdq": h.pdq}
    again = parse_bank_file(hma.encode(), key=KEY)
    assert [(e.kind, e.value) for e in again] == [(e.kind, e.value) for e in entries]
    lines = "\n".join(json.dumps(c) for c in doc["content"]).encode()
    assert len(parse_bank_file(lines, key=KEY, fmt="hma")) == 3
    with pytest.raises(PolicyError, match="x.txt:2: expected 'SIGNAL_TYPE SIGNAL'"):
        parse_bank_file(b"pdq " + h.pdq.encode() + b"\nphotodna abc\n", key=KEY, source="x.txt", fmt="pytx")


def test_csv_export_keeps_identifiers_hashed_and_reimports() -> None:
    entries = parse_bank_file(b"kind,value,label\nphone,2065550147,x\nemail,a@example.com,y\n", key=KEY)
    out = export_csv(entries)
    assert "2065550147" not in out and "phone_hmac" in out
    again = parse_bank_file(out.encode(), key=KEY)
    assert [(e.kind, e.value, e.label) for e in again] == [(e.kind, e.value, e.label) for e in entries]


def test_text_bank_exact_and_near_duplicate() -> None:
    e = entry_from_value("text", TEMPLATE, key=KEY, label="template")
    idx = BankIndex([(Bank("t"), [e])], key=KEY)
    assert idx.match_text(TEMPLATE.upper())[0].similarity == 1.0
    near = idx.match_text(TEMPLATE.replace("discreet", "very discreet"))
    assert near and near[0].similarity is not None and near[0].similarity >= 0.7
    assert idx.match_text("Completely different text about selling a used bicycle in good condition") == []
    assert e.value == normalize_phrase(TEMPLATE)


def test_pdq_hashing_generated_images() -> None:
    a = hash_image(encode(abstract_image(10)))
    resized = hash_image(encode(abstract_image(10).resize((200, 150))))
    other = hash_image(encode(abstract_image(11)))
    assert a.pdq and resized.pdq and other.pdq and len(a.pdq) == 64
    dist = lambda x, y: bin(int(x, 16) ^ int(y, 16)).count("1")  # noqa: E731
    assert dist(a.pdq, resized.pdq) <= 31
    assert dist(a.pdq, other.pdq) > 31
    assert a.pdq_quality is not None and a.pdq_quality >= 50
    flat = hash_image(encode(abstract_image(10).resize((1, 1)).resize((64, 64))))
    assert flat.pdq_quality is not None and flat.pdq_quality < 50


def test_low_quality_pdq_is_not_matched() -> None:
    h = hash_image(encode(abstract_image(12)))
    idx = BankIndex([(Bank("img"), [BankEntry("pdq", h.pdq or "", "x")])], key=KEY)
    assert len(idx.match_pdq(h.pdq or "", h.pdq_quality)) == 1
    assert idx.match_pdq(h.pdq or "", 20) == []
    assert idx.match_pdq("zz", None) == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "not a decodable image"),
        (b"%PDF-1.4 not an image", "not a decodable image"),
        (encode(abstract_image(5), "JPEG")[:300], "truncated or corrupt"),
    ],
)
def test_bad_images_are_errors_not_crashes(data: bytes, error: str) -> None:
    h = hash_image(data)
    assert h.pdq is None and h.error is not None and error in h.error
    assert len(h.sha256) == 64 and len(h.md5) == 32


def test_media_ref_records_errors_on_the_item() -> None:
    from adwarden.detect.banks import media_ref_for

    good = media_ref_for(encode(abstract_image(4)), url="https://example.com/a.png")
    assert good.pdq and good.error is None and good.url == "https://example.com/a.png"
    bad = media_ref_for(b"<html>not an image</html>")
    assert bad.pdq is None and bad.error == "not a decodable image" and bad.sha256


def test_decompression_bomb_refused() -> None:
    from PIL import Image

    bomb = encode(Image.new("L", (12000, 12000)), "PNG")
    assert len(bomb) < 1_000_000
    h = hash_image(bomb, max_pixels=50_000_000)
    assert h.error is not None and "decompression bomb" in h.error
    h = hash_image(encode(Image.new("L", (3000, 3000)), "PNG"), max_pixels=1_000_000)
    assert h.error is not None and "too large" in h.error


def test_pdq_index_equals_brute_force_on_random_hashes() -> None:
    rng = np.random.default_rng(7)
    db = rng.integers(0, 256, size=(20_000, 32), dtype=np.uint8)
    idx = PdqIndex(db)
    picks = rng.integers(0, len(db), 200)
    bits = np.unpackbits(db[picks], axis=1)
    for r in range(len(picks)):
        flip = rng.choice(256, int(rng.integers(0, 45)), replace=False)
        bits[r, flip] ^= 1
    queries = np.concatenate([np.packbits(bits, axis=1), rng.integers(0, 256, size=(50, 32), dtype=np.uint8)])
    many = idx.query_many(queries)
    hits = 0
    for q, got in zip(queries, many, strict=True):
        expect = idx.brute_force(q)
        assert got == expect == idx.query(q)
        hits += bool(expect)
    assert hits > 50  # the test exercises real matches, not only empty answers
    for radius in (0, 10, 40):
        for q in queries[:20]:
            assert idx.query(q, radius) == idx.brute_force(q, radius)


def test_index_digest_changes_with_content() -> None:
    e1 = parse_bank_file(b"kind,value,label\nphone,2065550147,x\n", key=KEY)
    e2 = parse_bank_file(b"kind,value,label\nphone,2065550148,x\n", key=KEY)
    d1 = BankIndex([(Bank("b"), e1)], key=KEY).digest()
    assert d1 == BankIndex([(Bank("b"), e1)], key=KEY).digest()
    assert d1 != BankIndex([(Bank("b"), e2)], key=KEY).digest()


def test_provenance_in_evidence() -> None:
    when = datetime(2026, 10, 1, tzinfo=UTC)
    entry = BankEntry("md5", "0" * 32, "csam", added_by="analyst", added_at=when, source="ncmec-2026-10")
    det = BankDetector(BankIndex([(Bank("ncmec"), [entry])], key=KEY))
    ev = det.detect(ctx_for(PostInput("p", body="x", media=(MediaRef(md5="0" * 32),))))
    assert ev[0].attrs == {"bank": "ncmec", "kind": "md5", "entry_source": "ncmec-2026-10", "added_by": "analyst",
                           "added_at": when.isoformat()}
