"""Evidence from extracted facts: a stated age under 18, youth language, 24/7, several providers, circuits.

Extraction (:mod:`adwarden.extract`) says *what* an ad states; this detector says which of those statements
a reviewer should see as a reason. It reads only ``ctx.extraction`` and never re-parses the text, so the
spans it reports are the extractor's spans in the original text.

Labels (closed set, checked by the policy loader): see :data:`LABELS`.

>>> from adwarden.extract.facts import Extraction, Fact
>>> ev = facts_evidence(Extraction(ages=(Fact("age", "16", 4, 10),)))
>>> [(e.label, e.category, e.weight) for e in ev]
[('stated_age_under_18', 'youth', 60.0)]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from adwarden.detect.base import Detector, ScreenContext
from adwarden.domain import Evidence

if TYPE_CHECKING:  # pragma: no cover
    from adwarden.extract.facts import Extraction, Fact

#: label -> (category, weight). Weights are proposals; the policy scales and caps them.
LABELS: dict[str, tuple[str, float]] = {
    "stated_age_under_18": ("youth", 60.0),
    "stated_age_18_19": ("youth", 5.0),
    "youth_language": ("youth", 3.0),
    "youth_language_underage": ("youth", 25.0),
    "always_available": ("always_available", 6.0),
    "several_providers": ("multiple_providers", 8.0),
    "several_phones": ("multiple_providers", 5.0),
    "many_locations": ("circuit", 6.0),
    "short_session_price": ("money_code", 3.0),
}

_UNDERAGE_TERMS = frozenset({"underage", "jailbait", "lolita"})
_MIN_AGE = 5  # below this a "stated age" is a parsing accident, not a claim
# "must be at least 16", "ages 16 and up", "16+ to apply": a requirement (job ads), not someone's age.
_REQUIREMENT_BEFORE = re.compile(r"(?:at\s+least|must\s+be|minimum(?:\s+age)?|min\.?|ages?|aged|over|older\s+than)"
                                 r"\W{0,3}$", re.IGNORECASE)
_REQUIREMENT_AFTER = re.compile(r"^\W{0,3}(?:\+|or\s+older|or\s+over|and\s+(?:up|over|older)|years?\s+(?:of\s+age\s+)?"
                                r"(?:or|and)\s+(?:older|over|up))", re.IGNORECASE)


def _ev(label: str, *, value: str | None = None, start: int | None = None, end: int | None = None,
        attrs: dict[str, object] | None = None) -> Evidence:
    category, weight = LABELS[label]
    return Evidence("facts", label, weight, category=category, value=value, start=start, end=end, attrs=attrs or {})


def is_age_requirement(text: str, start: int, end: int) -> bool:
    """True when the age at ``text[start:end]`` reads as a minimum age ("must be 16 or older")."""
    return bool(_REQUIREMENT_BEFORE.search(text[max(0, start - 30) : start])
                or _REQUIREMENT_AFTER.search(text[end : end + 30]))


def _age_attrs(f: Fact, age: int, text: str | None) -> dict[str, object]:
    """What a reviewer needs to see about a stated age: the cue that made it one, as written."""
    attrs: dict[str, object] = {"age": age}
    for key in ("cue", "language"):
        if key in f.attrs:
            attrs[key] = f.attrs[key]
    attrs["evidence"] = f.attrs.get("evidence") or (text[f.start : f.end] if text is not None else f.value)
    return attrs


def facts_evidence(ex: Extraction, text: str | None = None, *, language: Callable[[], str] | None = None) -> list[Evidence]:
    """The evidence a set of extracted facts supports (pure; see :class:`FactsDetector`). With ``text``, an
    age written as a requirement ("applicants must be 16 or older") is not taken as someone's stated age.

    An age the text gives as a past age ("when I was 16") is not a stated age now, and the two ends of a range
    ("ladies 18-35") are not two providers. ``language`` (called only when there is youth evidence) gives the
    post's language, recorded on youth evidence whose cue has no language of its own, so a policy can weight
    youth evidence by language."""
    if _quiet(ex):
        return []
    out: list[Evidence] = []
    ages: dict[int, tuple[int, int]] = {}
    youth: list[Evidence] = []
    for f in ex.ages:
        try:
            age = int(f.value)
        except ValueError:
            continue
        if f.attrs.get("past") or (text is not None and is_age_requirement(text, f.start, f.end)):
            continue
        if not f.attrs.get("range"):
            ages.setdefault(age, (f.start, f.end))
        if _MIN_AGE <= age < 18:
            youth.append(_ev("stated_age_under_18", value=f.value, start=f.start, end=f.end,
                             attrs=_age_attrs(f, age, text)))
        elif age in (18, 19):
            youth.append(_ev("stated_age_18_19", value=f.value, start=f.start, end=f.end, attrs=_age_attrs(f, age, text)))
    for f in ex.youth_language:
        label = "youth_language_underage" if f.value in _UNDERAGE_TERMS else "youth_language"
        youth.append(_ev(label, value=f.value, start=f.start, end=f.end))
    if youth and language is not None:
        post_language = language()
        youth = [e if "language" in e.attrs else replace(e, attrs={**e.attrs, "language": post_language})
                 for e in youth]
    out.extend(youth)
    for f in ex.availability:
        if f.value == "24/7":
            out.append(_ev("always_available", value=f.value, start=f.start, end=f.end))
    adult_ages = sorted(a for a in ages if 18 <= a < 80)
    if len(ages) >= 2 and len(adult_ages) >= 1:
        first = min(ages.values())
        out.append(_ev("several_providers", value=", ".join(str(a) for a in sorted(ages)), start=first[0],
                       end=first[1], attrs={"ages": sorted(ages)}))
    phones = {f.value for f in ex.phones if not (f.attrs and f.attrs.get("source") == "url")}
    if len(phones) >= 3:
        out.append(_ev("several_phones", value=", ".join(sorted(phones)), attrs={"count": len(phones)}))
    places = {f.value for f in ex.locations}
    if len(places) >= 3:
        out.append(_ev("many_locations", value=", ".join(sorted(places)), attrs={"count": len(places)}))
    for f in ex.prices:
        minutes = f.attrs.get("minutes") if f.attrs else None
        if isinstance(minutes, int) and 0 < minutes <= 20:
            out.append(_ev("short_session_price", value=f.value, start=f.start, end=f.end, attrs={"minutes": minutes}))
            break
    return out


def _quiet(ex: Extraction) -> bool:
    """True when ``ex`` supports no evidence: no age, youth language, availability or price, fewer than three
    phones and fewer than three places (each rule of :func:`facts_evidence` needs one of those). Most ads
    (96 % of the synthetic benchmark's) are quiet, and this check is about a tenth of the full pass."""
    return (not ex.ages and not ex.youth_language and not ex.availability and not ex.prices and len(ex.phones) < 3
            and len(ex.locations) < 3)


def _post_language(text: str) -> str:
    from adwarden.extract.language import detect_language

    return detect_language(text).code


class FactsDetector(Detector):
    """Turns extracted facts (ages, youth language, availability, phones, places, prices) into evidence.

    The post's language is detected (:func:`adwarden.extract.language.detect_language`) only for posts with
    youth evidence, the evidence a language weight in the policy can change."""

    version = "3"

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        text = ctx.text
        return facts_evidence(ctx.extraction, text, language=lambda: _post_language(text))

    def evidence_extracted(self, texts: Sequence[str], extractions: Sequence[Extraction]) -> list[Sequence[Evidence]]:
        """:meth:`detect` of many posts from their texts and extractions alone (all this detector reads): a batch
        path (:func:`adwarden.pipeline.batch_path`) that builds no :class:`~adwarden.detect.base.ScreenContext`
        per post; a quiet extraction costs one check (:func:`facts_evidence`)."""
        return [facts_evidence(ex, text, language=functools.partial(_post_language, text))
                for text, ex in zip(texts, extractions, strict=True)]
