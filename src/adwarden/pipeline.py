"""Compose extract -> detect -> policy for one post. Pure: no I/O of its own.

The same :class:`Screener` runs behind the HTTP API, file ingest, rescans and batch jobs, so a post gets the
same verdict whichever way it came in. Detectors that cannot run on a post (an undecodable image, a missing
extra) raise :class:`~adwarden.domain.DetectorSkipped`; the post is still screened by the others and the
skip is recorded in the screening.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import phonenumbers

from adwarden.detect.base import Detector, DetectorRegistry, ScreenContext
from adwarden.domain import Account, DetectorSkipped, Evidence, Identifier, MediaRef, PostInput, Verdict
from adwarden.extract import extract_all, extract_many
from adwarden.extract.phone_validate import nanp_e164

if TYPE_CHECKING:  # pragma: no cover
    from adwarden.extract.facts import Extraction
    from adwarden.policy import Policy


#: A synthetic, non-explicit post that exercises every extractor once (servers and forked workers screen it
#: before their first real post, so no request pays for building tables).
WARM_UP_POST = PostInput(external_id="warm-up", title="Warm-up in Seattle, WA",
                         body="New in town, 24/7, 100 roses per hour, call 206-555-0100, ig: example")


@dataclass(frozen=True)
class Screening:
    """What screening one post version produced: facts, evidence, the verdict, and the versions that made it.

    ``extraction`` is None on a screening made for a storing process (:meth:`for_storing`), and so is
    ``identifiers`` when the post's rows were prepared from it already."""

    extraction: Extraction | None
    identifiers: tuple[Identifier, ...] | None
    evidence: tuple[Evidence, ...]
    verdict: Verdict
    versions: Mapping[str, str]
    skipped: tuple[str, ...] = field(default_factory=tuple)

    def for_storing(self, *, rows_prepared: bool = False) -> Screening:
        """This screening without its extraction, for shipping to the process that stores it; with
        ``rows_prepared`` (its identifier rows and network record were built from it already, by
        :func:`~adwarden.screening.service.prepare_batch`) without its identifiers too.

        Why: a file ingest screens in a forked worker and pickles every screening across to the storing
        process. Unpickling the extraction's facts was about 22 of 53 µs per post there and the identifiers
        about 16 (a second copy of the prepared identifier rows); storing reads neither
        (:meth:`Screener.with_network` runs only :data:`NETWORK_DETECTORS`, which read the network facts)."""
        # built directly rather than with dataclasses.replace (about 4 µs a post in the screening worker)
        return Screening(None, None if rows_prepared else self.identifiers, self.evidence, self.verdict,
                         self.versions, self.skipped)


def identifiers_for(post: PostInput, extraction: Extraction) -> tuple[Identifier, ...]:
    """Linkable identifiers: extracted from the text, sent with the account, and media hashes (deduplicated on
    kind, value and source, the first kept)."""
    out: list[Identifier] = []
    seen: set[tuple[str, str, str]] = set()
    for fact in extraction.identifiers():
        attrs = fact.attrs
        # Found in the post's URL, not its text: there is no span in the text to highlight.
        source = "url" if attrs and attrs.get("source") == "url" else "text"
        key = (fact.kind, fact.value, source)
        if key in seen:
            continue
        seen.add(key)
        platform = attrs.get("platform") if attrs else None
        if source == "url":
            out.append(Identifier(fact.kind, fact.value, None, None, platform=platform, source="url"))
        else:
            out.append(Identifier(fact.kind, fact.value, fact.start, fact.end, platform=platform, source="text"))
    # The account's and the media's identifiers have sources of their own, so they never repeat the text's.
    if post.account is not None:
        out.extend(_account_identifiers(post.site, post.account))
    if post.media:
        out.extend(_media_identifiers(post.media))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def _account_identifiers(site: str, a: Account) -> tuple[Identifier, ...]:
    """The identifiers an account sends (each of its own kind, so none repeats another), memoised: an account
    posts many ads, and the identifiers (frozen, so shared safely) cost about 1 µs each to build."""
    out = [Identifier("account", f"{site}:{a.id}", source="account")]
    if a.email:
        out.append(Identifier("email", a.email.strip().lower(), source="account"))
    if a.phone:
        phone = _account_phone(a.phone)
        if phone:
            out.append(Identifier("phone", phone, source="account"))
    if a.ip:
        out.append(Identifier("ip", a.ip.strip(), source="account"))
    if a.device_id:
        out.append(Identifier("device", a.device_id.strip(), source="account"))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def _media_identifiers(media: tuple[MediaRef, ...]) -> tuple[Identifier, ...]:
    """The media hashes of a post, deduplicated, memoised as :func:`_account_identifiers` is (networks and
    stock photos reuse images)."""
    out: list[Identifier] = []
    seen: set[tuple[str, str]] = set()
    for m in media:
        for kind, value in (("sha256", m.sha256), ("md5", m.md5), ("pdq", m.pdq)):
            if value and (kind, value) not in seen:
                seen.add((kind, value))
                out.append(Identifier(kind, value, source="media"))
    return tuple(out)


#: An account phone in the two forms platforms send most, E.164 and ten national digits, of a NANP number
#: (ASCII digits only: ``phonenumbers`` reads other digits too, and those go to it).
_NANP_FORMS = re.compile(r"(\+1)?([2-9][0-9]{9})")


def _account_phone(raw: str, region: str = "US") -> str | None:
    """A platform-sent phone in E.164, or None when it does not parse as a valid number
    (``phonenumbers.parse(raw, region)``, ``is_valid_number``, E.164).

    Why not always phonenumbers: parsing and validating every post's account phone was about 5% of a file
    ingest's screening worker. A NANP number written ``+1`` and ten digits (any region: the ``+`` decides), or
    ten digits in the US, is the number with country code 1 and those ten digits, and its validity is
    :func:`~adwarden.extract.phone_validate.nanp_e164`'s (extraction's exact, tested rendering of
    ``is_valid_number`` for NANP numbers, cached per number); anything else goes to phonenumbers, memoised.
    ``tests/screening/test_screen_many.py`` compares both with phonenumbers."""
    nanp = _NANP_FORMS.fullmatch(raw)
    if nanp is not None and (nanp.group(1) or region == "US"):
        return nanp_e164(nanp.group(2))
    return _parsed_phone(raw, region)


@lru_cache(maxsize=65536)
def _parsed_phone(raw: str, region: str) -> str | None:
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


class Screener:
    """Screens posts with a registry of detectors and a policy."""

    def __init__(self, registry: DetectorRegistry, policy: Policy, *, region: str = "US") -> None:
        self.registry = registry
        self.policy = policy
        self.region = region
        self._versions = {**{f"detector:{k}": v for k, v in registry.versions().items()},
                          "policy": policy.version, "policy_digest": policy.digest}
        self._no_evidence: tuple[Policy, Verdict] | None = None

    @property
    def versions(self) -> Mapping[str, str]:
        return self._versions

    def screen(self, post: PostInput, *, network: Mapping[str, Any] | None = None) -> Screening:
        from adwarden.policy import evaluate

        text = post.text
        extraction = extract_all(text, url=post.url, location=post.location, region=self.region)
        identifiers = identifiers_for(post, extraction)
        ctx = ScreenContext(
            post=post,
            text=text,
            extraction=extraction,
            identifiers=identifiers,
            network=network or {},
        )
        evidence: list[Evidence] = []
        skipped: list[str] = []
        for detector in self.registry:
            try:
                evidence.extend(detector.detect(ctx))
            except DetectorSkipped as exc:
                skipped.append(f"{detector.name}: {exc}")
        verdict = evaluate(self.policy, evidence, network=network) if network else self._verdict(evidence)
        return Screening(extraction, identifiers, tuple(evidence), verdict, self._versions, tuple(skipped))

    def screen_many(self, posts: Sequence[PostInput]) -> list[Screening]:
        """``[self.screen(p) for p in posts]`` (no network facts), equal element by element, a batch at a time:
        the same extraction, identifiers, evidence in the same order, verdicts, skips and versions.

        Why: a file ingest's screening worker screens chunks of 200 posts. Extracting each distinct text once
        (:func:`~adwarden.extract.extract_many`), running the detectors that have a batch path
        (see :func:`batch_path`) once over the chunk (the indicator matcher: about 9 µs per
        post instead of 40), and reusing the verdict of a post without evidence (most posts) took the worker's
        screening from about 480 to 250 µs of CPU per post (bench/bench_ingest_worker.py). The other
        detectors run post by post on each post's :class:`ScreenContext`, in registry order, as :meth:`screen`
        runs them."""
        if not posts:
            return []
        texts = [p.text for p in posts]
        extractions = extract_many(((t, p.url, p.location) for p, t in zip(posts, texts, strict=True)),
                                   region=self.region)
        ctxs = [ScreenContext(post=p, text=t, extraction=ex, identifiers=identifiers_for(p, ex), network={})
                for p, t, ex in zip(posts, texts, extractions, strict=True)]
        evidence: list[list[Evidence]] = [[] for _ in posts]
        skipped: list[list[str]] = [[] for _ in posts]
        for detector in self.registry:
            many = batch_path(detector)
            if many is not None:
                try:
                    found = many(texts, extractions)
                except DetectorSkipped:
                    pass  # each post is tried on its own below, so each records its own skip
                else:
                    for acc, ev in zip(evidence, found, strict=True):
                        acc.extend(ev)
                    continue
            for acc, skips, ctx in zip(evidence, skipped, ctxs, strict=True):
                try:
                    acc.extend(detector.detect(ctx))
                except DetectorSkipped as exc:
                    skips.append(f"{detector.name}: {exc}")
        return [Screening(ctx.extraction, ctx.identifiers, tuple(ev), self._verdict(ev), self._versions, tuple(sk))
                for ctx, ev, sk in zip(ctxs, evidence, skipped, strict=True)]

    def _verdict(self, evidence: list[Evidence]) -> Verdict:
        """The policy's verdict on ``evidence`` without network facts; the verdict on no evidence is computed
        once per policy (it is the same for every post: the policy is a pure function of evidence and network
        facts, and most posts of a file have no evidence; evaluating it was about 25 µs per post)."""
        from adwarden.policy import evaluate

        if evidence:
            return evaluate(self.policy, evidence, network={})
        cached = self._no_evidence
        if cached is None or cached[0] is not self.policy:
            cached = self._no_evidence = (self.policy, evaluate(self.policy, [], network={}))
        return cached[1]

    def with_network(self, post: PostInput, screening: Screening, network: Mapping[str, Any]) -> Screening:
        """Re-decide ``screening`` once the post's network facts are known (ingest, after linking): only the
        detectors that read network facts run again; extraction and the other evidence are reused."""
        from adwarden.policy import evaluate

        extraction = _NOT_SHIPPED if screening.extraction is None else screening.extraction
        identifiers = _IdentifiersNotShipped() if screening.identifiers is None else screening.identifiers
        ctx = ScreenContext(post=post, text=post.text, extraction=extraction, identifiers=identifiers,
                            network=network)
        evidence = [e for e in screening.evidence if e.detector not in NETWORK_DETECTORS]
        skipped = list(screening.skipped)
        for detector in self.registry:
            if detector.name in NETWORK_DETECTORS:
                try:
                    evidence.extend(detector.detect(ctx))
                except DetectorSkipped as exc:
                    skipped.append(f"{detector.name}: {exc}")
        verdict = evaluate(self.policy, evidence, network=network)
        return Screening(screening.extraction, screening.identifiers, tuple(evidence), verdict, self._versions,
                         tuple(skipped))


#: What a batch path takes and gives: the texts and extractions of many posts, and the evidence of each.
BatchPath = Callable[[Sequence[str], Sequence["Extraction"]], Sequence[Sequence[Evidence]]]

_BATCH_METHODS: dict[type[Detector], str | None] = {}


def batch_path(detector: Detector) -> BatchPath | None:
    """The detector's batch path, or None when it has none: ``evidence_extracted(texts, extractions)`` (a
    detector that reads the text and its extraction, the facts detector) or ``evidence_many(texts)`` (one that
    reads only the text, the indicator matcher), each giving the evidence of each post as
    :meth:`Detector.detect` finds it. A subclass that overrides ``detect`` without overriding the batch method
    too has none: the inherited batch path would not find what its ``detect`` finds. Used by
    :meth:`Screener.screen_many` and by the scan's workers."""
    cls = type(detector)
    if cls not in _BATCH_METHODS:
        owner_detect = next(k for k in cls.__mro__ if "detect" in vars(k))
        _BATCH_METHODS[cls] = next((name for name in ("evidence_extracted", "evidence_many")
                                    if next((k for k in cls.__mro__ if name in vars(k)), None) is owner_detect),
                                   None)
    method = _BATCH_METHODS[cls]
    if method is None:
        return None
    bound = getattr(detector, method)
    if method == "evidence_extracted":
        return cast(BatchPath, bound)
    return lambda texts, _extractions: bound(texts)


#: Detectors that read ``ScreenContext.network`` (re-run by :meth:`Screener.with_network`). They must not read
#: ``ScreenContext.extraction``: a screening shipped for storing (:meth:`Screening.for_storing`) has none.
NETWORK_DETECTORS = frozenset({"network"})


class _ExtractionNotShipped:
    """The context's extraction when the screening was shipped without it: any read fails loudly rather than
    letting a network detector see no facts (and decide differently in a file ingest than in the API)."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"the extraction was not shipped with this screening (Screening.for_storing), so "
                           f"a network detector cannot read extraction.{name}; it must read only the network facts")


_NOT_SHIPPED = cast("Extraction", _ExtractionNotShipped())


class _IdentifiersNotShipped(tuple[Identifier, ...]):
    """The context's identifiers when the screening was shipped without them: reading them fails loudly."""

    def _refuse(self, *_args: Any) -> Any:
        raise RuntimeError("the identifiers were not shipped with this screening (Screening.for_storing with "
                           "rows_prepared), so a network detector cannot read them; it must read only the "
                           "network facts")

    __iter__ = __len__ = __getitem__ = __contains__ = __bool__ = _refuse
