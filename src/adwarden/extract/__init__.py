"""Pure extraction of typed facts from ad text (phones, e-mails, handles, prices, ages, places...).

>>> ex = extract_all("Call 2O6-five5five-0147 tonight")
>>> [f.value for f in ex.phones]
['+12065550147']
"""

from __future__ import annotations

from adwarden.extract import phones as _phones  # noqa: F401  (registers the extractor)
from adwarden.extract import places as _places  # noqa: F401
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


def extract_all(
    text: str, *, url: str | None = None, location: str | None = None, region: str = "US"
) -> Extraction:
    """Run every registered extractor over ``text``."""
    if url or location:
        region = _places.resolve_region(region, url, location)
    ctx = ExtractContext(text, region=region, url=url, location=location)
    facts: list[Fact] = []
    for extractor in registered():
        facts.extend(extractor.extract(ctx))
    return Extraction.from_facts(facts)
