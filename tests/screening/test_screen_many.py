"""``Screener.screen_many`` is ``screen`` post by post: same extraction, identifiers, evidence order, verdict,
skips and versions, whatever detectors are registered (batch paths, plug-ins without one, skips)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from adwarden.detect.banks import Bank, BankDetector, BankIndex, parse_bank_file
from adwarden.detect.base import Detector, DetectorRegistry, ScreenContext
from adwarden.detect.facts import FactsDetector
from adwarden.detect.indicators import IndicatorDetector
from adwarden.domain import Account, DetectorSkipped, Evidence, MediaRef, PostInput
from adwarden.ingest.schema import validate_post
from adwarden.pipeline import Screener, Screening, batch_path
from adwarden.policy import load_policy
from tests.factories import post, risky_post

KEY = b"test-key"


def _varied_posts() -> list[PostInput]:
    """Posts of the synthetic marketplace (benign ads and planted networks) plus the cases a batch could get
    wrong: reposted texts with and without URLs, a phone only in the URL, foreign numbers read in the URL's
    region, youth cues with a language, other scripts, account phones that do and do not parse, media."""
    from adwarden.demo.generate import generate_posts

    posts = [validate_post(d, record=f"r{i}") for i, d in enumerate(generate_posts(160, seed=3))]
    posts += [
        risky_post("r-1"),
        risky_post("r-2"),  # the same text under another URL
        post("same-1", body="Blue sofa, good condition. Call 206-555-0111."),
        post("same-2", body="Blue sofa, good condition. Call 206-555-0111."),  # the same text, no URL
        post("url-phone", body="Call the number in the link", url="https://example.com/call-206-555-0122"),
        post("uk", body="Ring 020 7946 0018 tonight", url="https://london.example.co.uk/ads/1"),
        post("youth", title="Young and fresh", body="Sweet petite teen, new in town, 24/7. Text 206-555-0133."),
        post("es", title="Nueva en la ciudad", body="Jovencita disponible 24/7, llama al 206-555-0144."),
        post("ru", title="Новенькая", body="Молоденькая, только приехала. Звони 206-555-0155."),
        post("zh", title="新到", body="学生妹 24小时 206-555-0166"),
        post("acct", body="Oak desk", account=Account(id="u-1", email=" U1@Example.com ", phone="(206) 555-0177",
                                                      ip=" 203.0.113.9 ", device_id="dev-1")),
        post("acct-bad-phone", body="Oak desk", account=Account(id="u-2", phone="not a phone")),
        post("acct-same-phone", body="Pine desk", account=Account(id="u-3", phone="(206) 555-0177")),
        post("media", body="Chair", media=(MediaRef(url="https://example.com/i/1.jpg", sha256="a" * 64, md5="b" * 32,
                                                     pdq="c" * 64, pdq_quality=90),)),
        post("ages", body="Two friends, 19 and 24, also 17. $80 for 15 min. Seattle, Tacoma, Portland."),
        post("only-title", title="Call 206-555-0188", body=None),
    ]
    return posts


def _identical(got: Sequence[Screening], want: Sequence[Screening]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w
        # equal field by field, including what dataclass equality compares loosely
        assert g.evidence == w.evidence and [e.attrs for e in g.evidence] == [e.attrs for e in w.evidence]
        assert g.verdict.reasons == w.verdict.reasons and g.skipped == w.skipped


def test_screen_many_equals_screen_one_by_one(shared_screener: Screener) -> None:
    posts = _varied_posts()
    want = [shared_screener.screen(p) for p in posts]
    assert any(s.evidence for s in want) and any(not s.evidence for s in want)
    assert any(e.detector == "indicator" for s in want for e in s.evidence)
    assert any(e.detector == "facts" for s in want for e in s.evidence)
    _identical(shared_screener.screen_many(posts), want)
    # any batch size, one post or none
    _identical([s for i in range(0, len(posts), 7) for s in shared_screener.screen_many(posts[i:i + 7])], want)
    assert shared_screener.screen_many([]) == []


class IdentifierCountDetector(Detector):
    """A plug-in without a batch path that reads identifiers, the normalized text and the post."""

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        if not ctx.identifiers:
            return ()
        return [Evidence("identifier_count", f"ids:{len(ctx.identifiers)}", 1.0,
                         value=ctx.normalized.text[:12], attrs={"site": ctx.post.site})]


class SkipsSomeDetector(Detector):
    """A plug-in that cannot run on some posts."""

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        if ctx.post.media:
            raise DetectorSkipped(f"no pixels for {ctx.post.external_id}")
        return [Evidence("skips_some", "seen", 0.5)]


class BatchSkipsDetector(Detector):
    """A plug-in whose batch path gives up: each post is then tried on its own and records its own skip."""

    def evidence_many(self, texts: list[str]) -> list[list[Evidence]]:
        raise DetectorSkipped("the batch service is down")

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        if "desk" in ctx.text:
            raise DetectorSkipped("desks are not supported")
        return [Evidence("batch_skips", "alone", 0.25)]


class PickyIndicatorDetector(IndicatorDetector):
    """A subclass that changes ``detect`` but inherits ``evidence_many``: its batch path must not be used."""

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        return [replace(e, weight=e.weight + 1) for e in super().detect(ctx)]


def _bank() -> BankDetector:
    entries = parse_bank_file(b"kind,value,label\nphone,(206) 555-0177,trafficking\nemail,u1@example.com,trafficking\n"
                              + b"sha256," + b"a" * 64 + b",csam\n", key=KEY, source="bank.csv", added_by="tester")
    return BankDetector(BankIndex([(Bank("local", ("trafficking",)), entries)], key=KEY))


@pytest.mark.parametrize("plugins", ["plugins", "picky-indicators"])
def test_screen_many_equals_screen_with_plug_ins(shared_screener: Screener, plugins: str) -> None:
    builtin = list(shared_screener.registry)
    if plugins == "plugins":
        extra: list[Detector] = [IdentifierCountDetector(), SkipsSomeDetector(), BatchSkipsDetector(), _bank()]
        detectors = [extra[0], builtin[0], extra[1], *builtin[1:], *extra[2:]]  # a batch path in between
    else:
        detectors = [PickyIndicatorDetector(), *builtin[1:]]
    screener = Screener(DetectorRegistry(detectors), load_policy())
    posts = _varied_posts()
    want = [screener.screen(p) for p in posts]
    got = screener.screen_many(posts)
    _identical(got, want)
    if plugins == "plugins":
        assert any(e.detector == "bank" for s in got for e in s.evidence)
        assert any(s.skipped and "no pixels" in s.skipped[0] for s in got)
        assert any("batch_skips: desks are not supported" in s.skipped for s in got)
        assert any(e.detector == "identifier_count" for s in got for e in s.evidence)
    else:
        assert any(e.detector == "indicator" for s in got for e in s.evidence)


def test_batch_path_only_where_detect_is_the_batch_path_s_own(shared_screener: Screener) -> None:
    indicator = next(d for d in shared_screener.registry if isinstance(d, IndicatorDetector))
    assert batch_path(indicator) is not None
    assert batch_path(PickyIndicatorDetector(indicator.lexicon)) is None
    assert batch_path(IdentifierCountDetector()) is None
    assert batch_path(BatchSkipsDetector()) is not None
    facts = next(d for d in shared_screener.registry if isinstance(d, FactsDetector))
    assert batch_path(facts) is not None

    class Louder(FactsDetector):
        def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
            return [*super().detect(ctx), Evidence(detector="facts", label="louder")]

    assert batch_path(Louder()) is None


def test_a_policy_change_is_seen_by_the_verdict_of_posts_without_evidence(shared_screener: Screener) -> None:
    """The verdict on no evidence is computed once per policy: a screener given another policy uses it."""
    from adwarden.policy import evaluate

    screener = Screener(DetectorRegistry(list(shared_screener.registry)), load_policy())
    plain = post("plain", body="Blue sofa", title=None)
    assert screener.screen_many([plain])[0].verdict == evaluate(screener.policy, [])
    strict = replace(screener.policy, hold_threshold=-1.0)
    screener.policy = strict
    got = screener.screen_many([plain])[0].verdict
    assert got == evaluate(strict, []) and got.action.value == "hold"
    assert screener.screen(plain).verdict == got


def test_account_phones_read_as_phonenumbers_reads_them() -> None:
    """The account phone's fast path (E.164 or ten digits of a NANP number) and its memoised slow path give
    phonenumbers' answer: on every area code, random numbers, and forms that must take the slow path."""
    import random

    from adwarden.pipeline import _account_phone, _parsed_phone

    phonenumbers_e164 = _parsed_phone.__wrapped__  # phonenumbers' parse, validation and E.164, not memoised
    rng = random.Random(5)
    nsns = [f"{npa:03d}{rng.randrange(10**7):07d}" for npa in range(200, 1000)]
    nsns += [f"{npa:03d}555{rng.randrange(100, 200):04d}" for npa in range(200, 1000, 3)]
    raws = [form.format(n) for n in nsns for form in ("+1{}", "{}")]
    raws += ["(206) 555-0147", "206.555.0147", "1-206-555-0147", "+1 206 555 0147", "+12065550147 ext 9",
             "+1206555014", "+120655501477", "+10065550147", "0065550147", "+447700900123", "+442079460018",
             "020 7946 0018", "1-800-FLOWERS", "２０６５５５０１４７", "+1２０６５５５０１４７", "not a phone", "+", ""]
    for region in ("US", "GB", "CA"):
        disagreements = [r for r in raws if _account_phone(r, region) != phonenumbers_e164(r, region)]
        assert disagreements == [], region
    assert _account_phone("+12065550147") == "+12065550147"


def _reference_identifiers(p: PostInput, extraction: object) -> tuple[object, ...]:
    """identifiers_for as first written: every identifier built, then deduplicated on (kind, value, source)."""
    from adwarden.domain import Identifier

    out: list[Identifier] = []
    seen: set[tuple[str, str, str]] = set()

    def add(ident: Identifier) -> None:
        if (ident.kind, ident.value, ident.source) not in seen:
            seen.add((ident.kind, ident.value, ident.source))
            out.append(ident)

    for fact in extraction.identifiers():  # type: ignore[attr-defined]
        platform = fact.attrs.get("platform") if fact.attrs else None
        if fact.attrs and fact.attrs.get("source") == "url":
            add(Identifier(fact.kind, fact.value, None, None, platform=platform, source="url"))
        else:
            add(Identifier(fact.kind, fact.value, fact.start, fact.end, platform=platform, source="text"))
    if p.account is not None:
        a = p.account
        add(Identifier("account", f"{p.site}:{a.id}", source="account"))
        if a.email:
            add(Identifier("email", a.email.strip().lower(), source="account"))
        if a.phone:
            from adwarden.pipeline import _parsed_phone

            phone = _parsed_phone.__wrapped__(a.phone, "US")
            if phone:
                add(Identifier("phone", phone, source="account"))
        if a.ip:
            add(Identifier("ip", a.ip.strip(), source="account"))
        if a.device_id:
            add(Identifier("device", a.device_id.strip(), source="account"))
    for m in p.media:
        for kind, value in (("sha256", m.sha256), ("md5", m.md5), ("pdq", m.pdq)):
            if value:
                add(Identifier(kind, value, source="media"))
    return tuple(out)


def test_identifiers_are_those_of_the_reference(shared_screener: Screener) -> None:
    """Identifiers from the text (the first of repeats), the URL, the account (memoised per account) and the
    media (memoised per media list; a hash repeated in a post is kept once)."""
    from adwarden.extract import extract_all
    from adwarden.pipeline import identifiers_for

    same = MediaRef(url="https://example.com/i/2.jpg", sha256="d" * 64, pdq="e" * 64)
    posts = _varied_posts() + [
        post("repeats", body="Call 206-555-0111 or 206-555-0111, ig: @kira_example, ig @kira_example",
             url="https://example.com/206-555-0111", account=Account(id="u-1", email="u1@example.com")),
        post("same-media", body="Lamp", media=(same, same, MediaRef(sha256="d" * 64, md5="f" * 32))),
        post("same-account-other-site", site="other-site", body="Lamp", account=Account(id="u-1", phone="2065550177")),
    ]
    for _ in range(2):  # the second time from the memos
        for p in posts:
            ex = extract_all(p.text, url=p.url, location=p.location)
            assert identifiers_for(p, ex) == _reference_identifiers(p, ex), p.external_id
