"""Pure extraction of typed facts from ad text: phones, e-mails, URLs, handles, payment handles,
stated ages and youth language, prices, locations, service mode and availability.

Every built-in extractor registers itself with :func:`register` exactly as a plug-in would;
:func:`extract_all` runs them all over one text and groups the facts.

>>> ex = extract_all("Call 2O6-five5five-0147 tonight")
>>> [f.value for f in ex.phones]
['+12065550147']
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from adwarden.extract import ages as _ages  # noqa: F401  (each import registers its extractors)
from adwarden.extract import contacts as _contacts  # noqa: F401
from adwarden.extract import modes as _modes  # noqa: F401
from adwarden.extract import phones as _phones
from adwarden.extract import places as _places
from adwarden.extract import prices as _prices  # noqa: F401
from adwarden.extract.base import ExtractContext, Extractor, register, registered, unregister
from adwarden.extract.facts import Extraction, Fact
from adwarden.extract.normalize import NormalizedText, normalize

__all__ = [
    "ExtractContext",
    "Extraction",
    "Extractor",
    "Fact",
    "NormalizedText",
    "extract_all",
    "extract_many",
    "normalize",
    "register",
    "registered",
    "unregister",
]

# Extractors whose facts are also looked for in the post's URL (a phone in the page slug).
_URL_KINDS = frozenset({"phone", "handle", "payment", "email"})


def extract_all(
    text: str, *, url: str | None = None, location: str | None = None, region: str = "US"
) -> Extraction:
    """Run every registered extractor over ``text`` and group the facts by kind.

    ``region`` (ISO 3166 alpha-2) is how national phone numbers are read; a ``url`` or ``location``
    that says where the post is (``london.example.co.uk``, ``"Melbourne"``) overrides it. Identifiers
    found only in ``url`` are returned too, with ``attrs["source"] == "url"`` and a span that indexes
    the URL rather than the text. Never raises on any string input.
    """
    if url or location:
        region = _places.resolve_region(region, url, location)
    extractors = registered()
    facts = _text_facts(text, region, url, location, extractors)
    if url:
        facts = _with_url_facts(facts, url, region, location, extractors)
    return Extraction.from_facts(facts)


def extract_many(
    posts: Iterable[tuple[str, str | None, str | None]], *, region: str = "US"
) -> list[Extraction]:
    """:func:`extract_all` of every ``(text, url, location)``, in order, each distinct text extracted once.

    Why: scraped corpora repeat texts (reposts; half of the 2,255 WA 2013 ads repeat another ad's title and
    body) under distinct URLs. The built-in extractors read only the text and the region (and whether the
    text is the URL itself), so the text's facts are computed once per distinct ``(text, region)`` and the
    URL's facts per post; the results are equal to :func:`extract_all`'s one by one. With a plug-in
    extractor registered (it may read the URL or location field), every post is extracted on its own.
    """
    extractors = registered()
    shareable = _BUILT_IN.issuperset(extractors)
    by_text: dict[tuple[str, str, bool], tuple[list[Fact], Extraction]] = {}
    out: list[Extraction] = []
    for text, url, location in posts:
        if not shareable:
            out.append(extract_all(text, region=region, url=url, location=location))
            continue
        reg = _places.resolve_region(region, url, location) if (url or location) else region
        key = (text, reg, text == url)
        hit = by_text.get(key)
        if hit is None:
            facts = _text_facts(text, reg, url, location, extractors)
            hit = by_text[key] = (facts, Extraction.from_facts(facts))
        if url:
            out.append(Extraction.from_facts(_with_url_facts(hit[0], url, reg, location, extractors)))
        else:
            out.append(hit[1])
    return out


def _text_facts(text: str, region: str, url: str | None, location: str | None,
                extractors: tuple[Extractor, ...]) -> list[Fact]:
    ctx = ExtractContext(text, region=region, url=url, location=location)
    facts: list[Fact] = []
    for extractor in extractors:
        facts.extend(extractor.extract(ctx))
    return facts


def _with_url_facts(facts: list[Fact], url: str, region: str, location: str | None,
                    extractors: tuple[Extractor, ...]) -> list[Fact]:
    """``facts`` and then the identifiers found only in ``url`` (a new list; ``facts`` is not changed)."""
    out = list(facts)
    known = {(f.kind, f.value) for f in facts}
    uctx = ExtractContext(url, region=region, url=url, location=location)
    for extractor in extractors:
        if extractor.kind not in _URL_KINDS:
            continue
        for f in extractor.extract(uctx):
            if (f.kind, f.value) not in known:
                known.add((f.kind, f.value))
                out.append(Fact(f.kind, f.value, f.start, f.end, MappingProxyType({**f.attrs, "source": "url"})))
    return out


# The extractors registered by this package itself: they read only ``ctx.text`` and ``ctx.region`` (the
# phone extractor also compares the text with ``ctx.url``), which is what lets extract_many share results.
_BUILT_IN = frozenset(registered())


# Kept importable for callers that only want phones.
find_phones = _phones.find_phones
