"""Typed facts pulled out of ad text.

A :class:`Fact` is one thing an extractor found: its kind, a normalized value that other parts of the
system can compare and link on (an E.164 phone, a lower-case e-mail, a handle without ``@``), and the
character span in the ORIGINAL text so a reviewer console can highlight exactly what was matched.
:class:`Extraction` groups the facts of one post by kind and renders the JSONL shape of
``adwarden extract``.

>>> f = Fact("phone", "+12065550147", 5, 17, {})
>>> Extraction(phones=(f,)).to_json()["phones"]
[{'value': '+12065550147', 'start': 5, 'end': 17}]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, cast

_EMPTY: Mapping[str, Any] = MappingProxyType({})

#: Fact kinds, in the order :meth:`Extraction.facts` returns them.
KINDS = (
    "phone",
    "email",
    "url",
    "handle",
    "payment",
    "age",
    "price",
    "location",
    "service",
    "availability",
    "youth_language",
)

#: Kinds that identify a person or account and can link posts together.
IDENTIFIER_KINDS = frozenset({"phone", "email", "url", "handle", "payment"})


@dataclass(frozen=True, slots=True, init=False)
class Fact:
    """One extracted fact. ``start``/``end`` index the original text (``end`` exclusive)."""

    kind: str
    value: str
    start: int
    end: int
    attrs: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, hash=False)

    def __init__(self, kind: str, value: str, start: int, end: int, attrs: Mapping[str, Any] = _EMPTY) -> None:
        # What the generated __init__ of a frozen dataclass does (it calls ``object.__setattr__`` per
        # field), through the slots' own setters: half the cost, and every ad makes several facts.
        _set_kind(self, kind)
        _set_value(self, value)
        _set_start(self, start)
        _set_end(self, end)
        _set_attrs(self, attrs)

    def to_json(self) -> dict[str, Any]:
        """``{"value", "start", "end", **attrs}``; attrs never override the three core keys."""
        out: dict[str, Any] = dict(self.attrs)
        out["value"] = self.value
        out["start"] = self.start
        out["end"] = self.end
        return out


def slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The ``__set__`` of each field's slot descriptor, in field order (frozen classes have no other setter):
    what a hand-written ``__init__`` of a frozen slotted dataclass on a hot path assigns through."""
    return tuple(cast(Any, cls.__dict__[f.name]).__set__ for f in fields(cls))


_set_kind, _set_value, _set_start, _set_end, _set_attrs = slot_setters(Fact)


def position(f: Fact) -> tuple[int, int]:
    """Sort key of facts: by start, then end."""
    return f.start, f.end


# Extraction field name for each fact kind (the JSON keys of ``adwarden extract``).
_FIELD_FOR_KIND = {
    "phone": "phones",
    "email": "emails",
    "url": "urls",
    "handle": "handles",
    "payment": "payments",
    "age": "ages",
    "price": "prices",
    "location": "locations",
    "service": "service",
    "availability": "availability",
    "youth_language": "youth_language",
}


@dataclass(frozen=True, slots=True, init=False)
class Extraction:
    """All facts of one text, grouped by kind, each group in order of position."""

    phones: tuple[Fact, ...] = ()
    emails: tuple[Fact, ...] = ()
    urls: tuple[Fact, ...] = ()
    handles: tuple[Fact, ...] = ()
    payments: tuple[Fact, ...] = ()
    ages: tuple[Fact, ...] = ()
    prices: tuple[Fact, ...] = ()
    locations: tuple[Fact, ...] = ()
    service: tuple[Fact, ...] = ()
    availability: tuple[Fact, ...] = ()
    youth_language: tuple[Fact, ...] = ()

    def __init__(
        self,
        phones: tuple[Fact, ...] = (),
        emails: tuple[Fact, ...] = (),
        urls: tuple[Fact, ...] = (),
        handles: tuple[Fact, ...] = (),
        payments: tuple[Fact, ...] = (),
        ages: tuple[Fact, ...] = (),
        prices: tuple[Fact, ...] = (),
        locations: tuple[Fact, ...] = (),
        service: tuple[Fact, ...] = (),
        availability: tuple[Fact, ...] = (),
        youth_language: tuple[Fact, ...] = (),
    ) -> None:
        # The slots' own setters, as in Fact.__init__ (one Extraction per ad).
        s = _EXTRACTION_SET
        s[0](self, phones)
        s[1](self, emails)
        s[2](self, urls)
        s[3](self, handles)
        s[4](self, payments)
        s[5](self, ages)
        s[6](self, prices)
        s[7](self, locations)
        s[8](self, service)
        s[9](self, availability)
        s[10](self, youth_language)

    @classmethod
    def from_facts(cls, facts: list[Fact]) -> Extraction:
        """Group ``facts`` by kind, sorted by position. Unknown kinds raise ``ValueError``."""
        groups: dict[str, list[Fact]] = {}
        for fact in facts:
            name = _FIELD_FOR_KIND.get(fact.kind)
            if name is None:
                raise ValueError(f"unknown fact kind {fact.kind!r}; expected one of {', '.join(KINDS)}")
            if name in groups:
                groups[name].append(fact)
            else:
                groups[name] = [fact]
        return cls(**{k: tuple(v) if len(v) == 1 else tuple(sorted(v, key=position)) for k, v in groups.items()})

    def facts(self) -> tuple[Fact, ...]:
        """Every fact, grouped in :data:`KINDS` order."""
        out: list[Fact] = []
        for f in fields(self):
            out.extend(getattr(self, f.name))
        return tuple(out)

    def identifiers(self) -> tuple[Fact, ...]:
        """Only facts that can link posts (phone, e-mail, URL, handle, payment handle).

        Facts marked ``attrs["linkable"] is False`` (a gift-card mention) are left out: they are
        evidence, but thousands of unrelated posts share them.
        """
        if not (self.phones or self.emails or self.urls or self.handles or self.payments):
            return ()  # most ads: nothing to join (every screened post and every scan record asks)
        every = self.phones + self.emails + self.urls + self.handles + self.payments
        return tuple(f for f in every if f.attrs.get("linkable", True) is not False)

    def to_json(self) -> dict[str, Any]:
        """The JSONL shape of ``adwarden extract`` (without ``id``): one list per kind."""
        return {f.name: [fact.to_json() for fact in getattr(self, f.name)] for f in fields(self)}


_EXTRACTION_SET = slot_setters(Extraction)
