"""The scan worker's shortcuts give what the plain per-post path gives.

``screen_rows`` passes the linker record builder what it already knows (the text, whether slot masking found
anything, whether the text has a two-digit run), runs the facts detector over the chunk without a screening
context, skips the policy key for posts without evidence and compresses the chunk's texts with LZ4. Each
test below compares one of those with the straightforward call on varied synthetic posts (names, ages,
contacts, non-ASCII text, accounts and media), so a shortcut that changes a record, an evidence or a text
fails here.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from adwarden.demo.generate import generate_posts
from adwarden.detect.base import ScreenContext
from adwarden.detect.facts import FactsDetector
from adwarden.detect.network.minhash import RING_TEXT
from adwarden.detect.network.records import record_from_input
from adwarden.extract import extract_all
from adwarden.ingest.schema import MAX_BODY_CHARS, MAX_FIELD_CHARS, validate_post
from adwarden.pipeline import Screener
from adwarden.scan.sources import Source, plan_chunks
from adwarden.scan.worker import ChunkResult, ScanJob, chunk_texts, pack_texts, scan_chunk

BITS = ["my name is {n}", "ask for {n}", "I am {a}", "{a}yo", "call me {n}", "this is {n}", "i'm {a} years young",
        "text 206-555-01{p:02d}", "two oh six five five five oh one {p}", "{n}{p}@example.com", "www.example.com/{n}",
        "@{n}_xo", "\U0001f48b\U0001f48b", "\u2665 new in town", "24/7", "$150 for 15 min", "ladies 18-35",
        "I am 16", "Seattle, Tacoma, Olympia and Everett", "\u03a3 \u039f\u0394\u039f\u03a3", "\u017ftreet",
        "\u65e5\u672c\u8a9e", "kira (at) example (dot) com", "aged 19", "1 2 3 45 678", "\u0130rem"]
NAMES = ["Kira", "Jade", "KIRA", "Mila", "\u00dcnal"]


def _varied_posts(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i, post in enumerate(generate_posts(n, seed=seed, network_share=0.2)):
        body = str(post.get("body") or "")
        for _ in range(rng.randint(0, 4)):
            bit = rng.choice(BITS).format(n=rng.choice(NAMES), a=rng.choice([16, 19, 22, 45]), p=rng.randint(0, 99))
            at = rng.randint(0, len(body))
            body = f"{body[:at]} {bit} {body[at:]}"
        post["body"] = body
        post["external_id"] = f"v{i}"
        if rng.random() < 0.2:
            post["account"] = {"id": f"u{rng.randint(0, 9)}", "email": f"u{rng.randint(0, 9)}@example.com",
                               "phone": f"(206) 555-01{rng.randint(0, 99):02d}"}
        if rng.random() < 0.1:
            post["media"] = [{"sha256": f"{rng.getrandbits(256):064x}", "pdq": f"{rng.getrandbits(256):064x}"}]
        out.append(post)
    return out


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory,
            shared_screener: Screener) -> tuple[list[dict[str, Any]], ChunkResult]:
    rows = _varied_posts(600, seed=3)
    path = tmp_path_factory.mktemp("fast") / "ads.jsonl"
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    job = ScanJob(screener=shared_screener, mapping={}, minhash=RING_TEXT, max_body_chars=MAX_BODY_CHARS,
                  max_field_chars=MAX_FIELD_CHARS)
    (chunk,) = plan_chunks([Source(0, str(path), "jsonl", path.stat().st_size)], 1 << 30)
    return rows, scan_chunk(job, chunk)


def test_records_equal_the_plain_record_of_each_post(scanned: tuple[list[dict[str, Any]], ChunkResult]) -> None:
    rows, res = scanned
    assert len(res.records) == len(rows)
    named = aged = 0
    for raw, got in zip(rows, res.records, strict=True):
        p = validate_post(raw, record="t")
        want = record_from_input(p, post_id=f"{p.site}:{p.external_id}",
                                 extraction=extract_all(p.text, url=p.url, location=p.location), keep_text=False)
        assert got == want, raw["external_id"]
        named += bool(want.names)
        aged += bool(want.ages)
    assert named > 50 and aged > 50  # the shortcuts were exercised on posts that do have names and ages


def test_evidence_labels_and_minors_equal_the_screener(scanned: tuple[list[dict[str, Any]], ChunkResult],
                                                       shared_screener: Screener) -> None:
    rows, res = scanned
    minors = {(m.index, m.label, m.value, m.start, m.end) for m in res.minors}
    want_minors = set()
    for i, raw in enumerate(rows):
        evidence = [e for e in shared_screener.screen(validate_post(raw, record="t")).evidence
                    if e.detector != "network"]
        assert res.labels[i] == tuple(dict.fromkeys(e.label for e in evidence)), raw["external_id"]
        want_minors |= {(i, e.label, e.value or "", e.start, e.end) for e in evidence
                        if e.label in ("stated_age_under_18", "youth_language_underage")}
    assert minors == want_minors and minors
    assert any(res.labels) and not all(res.labels)


def test_facts_over_a_chunk_equal_detect_post_by_post() -> None:
    det = FactsDetector()
    posts = [validate_post(r, record="t") for r in _varied_posts(400, seed=8)]
    texts = [p.text for p in posts]
    exs = [extract_all(t, url=p.url, location=p.location) for p, t in zip(posts, texts, strict=True)]
    got = det.evidence_extracted(texts, exs)
    want = [det.detect(ScreenContext(post=p, text=t, extraction=ex)) for p, t, ex in zip(posts, texts, exs, strict=True)]
    assert [list(g) for g in got] == [list(w) for w in want]
    assert sum(bool(w) for w in want) > 40 and sum(not w for w in want) > 40


@pytest.mark.parametrize(("text", "label"), [
    ("available 24/7", "always_available"), ("I am 16", "stated_age_under_18"), ("so young and petite", "youth_language"),
    ("new in town, $100 for 15 min", "short_session_price"),
    ("call 206-555-0101 or 206-555-0102 or 206-555-0103", "several_phones"),
    ("in Seattle, WA then Tacoma, WA then Olympia, WA and Spokane, WA", "many_locations")])
def test_each_kind_of_fact_alone_still_makes_its_evidence(text: str, label: str) -> None:
    """One fact kind per text: the check that skips quiet extractions must not skip any of them."""
    det = FactsDetector()
    p = validate_post({"external_id": "x", "body": text}, record="t")
    ex = extract_all(text)
    (got,) = det.evidence_extracted([text], [ex])
    assert list(got) == list(det.detect(ScreenContext(post=p, text=text, extraction=ex)))
    assert [e.label for e in got] == [label]


@pytest.mark.parametrize("texts", [[], [""], ["", ""], ["a"], ["\u65e5\u672c \U0001f48b", "x" * 100_000, "", "\n\t"]])
def test_texts_blob_gives_the_texts_back(texts: list[str]) -> None:
    assert chunk_texts(pack_texts(texts)) == texts


def test_chunk_texts_are_the_posts_texts(scanned: tuple[list[dict[str, Any]], ChunkResult]) -> None:
    rows, res = scanned
    assert chunk_texts(res.texts) == [validate_post(r, record="t").text for r in rows]
