"""Pure extraction of typed facts from ad text: phones, e-mails, URLs, handles, payment handles,
stated ages and youth language, prices, locations, service mode and availability.

Every built-in extractor registers itself with :func:`register` exactly as a plug-in would;
:func:`extract_all` runs them all over one text and groups the facts.

>>> ex = extract_all("Call 2O6-five5five-0147 tonight")
>>> [f.value for f in ex.phones]
['+12065550147']
"""

from __future__ import annotations

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
    ctx = ExtractContext(text, region=region, url=url, location=location)
    facts: list[Fact] = []
    extractors = registered()
    for extractor in extractors:
        facts.extend(extractor.extract(ctx))
    if url:
        known = {(f.kind, f.value) for f in facts}
        uctx = ExtractContext(url, region=region, url=url, location=location)
        for extractor in extractors:
            if extractor.kind not in _URL_KINDS:
                continue
            for f in extractor.extract(uctx):
                if (f.kind, f.value) not in known:
                    known.add((f.kind, f.value))
                    facts.append(Fact(f.kind, f.value, f.start, f.end, MappingProxyType({**f.attrs, "source": "url"})))
    return Extraction.from_facts(facts)


# Kept importable for callers that only want phones.
find_phones = _phones.find_phones
