"""The extractor contract and registry.

An extractor is a small class with a ``kind`` and an ``extract(context)`` method that yields
:class:`~adwarden.extract.facts.Fact`. Its ``name`` derives from the class name
(``PhoneExtractor`` -> ``phone``), and the registry refuses a second extractor with the same name,
so a plug-in cannot silently replace a built-in. Built-ins register exactly the way a third party
would: ``@register`` on the class.

The :class:`ExtractContext` is built once per text and computes the folded and normalized views
lazily, so extractors that do not need them cost nothing; the registry is read once per call as a
plain tuple, which keeps it off the hot path.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from adwarden.extract.facts import KINDS, Fact
from adwarden.extract.normalize import Folded, NormalizedText, fold, normalize

__all__ = ["ExtractContext", "Extractor", "register", "registered", "unregister"]


class ExtractContext:
    """One text being extracted, with lazily computed views shared by all extractors."""

    __slots__ = ("text", "region", "url", "location", "memo", "_folded", "_normalized")

    def __init__(self, text: str, *, region: str = "US", url: str | None = None,
                 location: str | None = None) -> None:
        self.text = text
        self.region = region
        self.url = url
        self.location = location
        self.memo: dict[str, Any] = {}  # results extractors share (one scan, several extractors)
        self._folded: Folded | None = None
        self._normalized: NormalizedText | None = None

    @property
    def folded(self) -> Folded:
        """Character-level fold of ``text`` (see :func:`adwarden.extract.normalize.fold`)."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def normalized(self) -> NormalizedText:
        """Word-level normalization of ``text`` (see :func:`adwarden.extract.normalize.normalize`)."""
        if self._normalized is None:
            self._normalized = normalize(self.text)
        return self._normalized


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class Extractor(ABC):
    """Base class of every extractor.

    Subclasses set ``kind`` (one of :data:`adwarden.extract.facts.KINDS`) and implement
    :meth:`extract`. ``name`` is derived from the class name: ``YouthLanguageExtractor`` ->
    ``youth_language``.
    """

    kind: ClassVar[str]

    @classmethod
    def name(cls) -> str:
        """Registry name derived from the class name, without the ``Extractor`` suffix."""
        base = cls.__name__.removesuffix("Extractor") or cls.__name__
        return _CAMEL.sub("_", base).lower()

    @abstractmethod
    def extract(self, ctx: ExtractContext) -> Iterable[Fact]:
        """Yield the facts found in ``ctx.text``. Must not raise on any string input."""


_REGISTRY: dict[str, Extractor] = {}
_ORDERED: list[tuple[Extractor, ...]] = [()]

E = TypeVar("E", bound=type[Extractor])


def register(cls: E) -> E:
    """Class decorator: instantiate and register an extractor. Refuses duplicate names."""
    name = cls.name()
    if name in _REGISTRY:
        existing = type(_REGISTRY[name])
        raise ValueError(
            f"an extractor named {name!r} is already registered ({existing.__module__}.{existing.__qualname__}); "
            f"rename {cls.__module__}.{cls.__qualname__} or unregister the existing one first"
        )
    kind = getattr(cls, "kind", None)
    if kind not in KINDS:
        raise ValueError(f"{cls.__qualname__}.kind must be one of {', '.join(KINDS)}, not {kind!r}")
    _REGISTRY[name] = cls()
    _ORDERED[0] = tuple(_REGISTRY.values())
    return cls


def unregister(name: str) -> None:
    """Remove a registered extractor (for tests and plug-ins that replace a built-in on purpose)."""
    if name not in _REGISTRY:
        raise KeyError(f"no extractor named {name!r}; registered: {', '.join(sorted(_REGISTRY))}")
    del _REGISTRY[name]
    _ORDERED[0] = tuple(_REGISTRY.values())


def registered() -> tuple[Extractor, ...]:
    """The registered extractors, in registration order."""
    return _ORDERED[0]
