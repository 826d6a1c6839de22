"""The detector contract.

A detector reads a :class:`ScreenContext` (the post, its extracted facts, its normalized text, and network facts
when the linker has them) and returns :class:`~adwarden.domain.Evidence`, never a bare score: the policy turns
evidence into a verdict. Detectors are pure with respect to the post; any state they need (a bank index, a
lexicon) is given to them when they are built, so the same detector runs in the API, a batch job or a rescan.

Names derive from the class (``IndicatorDetector`` -> ``indicator``) so that the policy file, the stored
assessment and the registry agree without a second list to keep in sync.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from adwarden.domain import Evidence, Identifier, PostInput

if TYPE_CHECKING:  # pragma: no cover - typing only
    from adwarden.extract.facts import Extraction
    from adwarden.extract.normalize import NormalizedText


def class_name_to_detector_name(name: str) -> str:
    """``IndicatorDetector`` -> ``indicator``; ``BankMatchDetector`` -> ``bank_match``."""
    base = name[: -len("Detector")] if name.endswith("Detector") and name != "Detector" else name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


@dataclass(frozen=True)
class ScreenContext:
    """Everything a detector may read about one post version.

    ``text`` is ``post.text`` (title and body); every span in evidence is an offset into it. ``normalized`` is
    computed lazily.
    ``identifiers`` holds the extracted identifiers plus those the platform sent (account e-mail, phone,
    device id, ip) and media hashes. ``network`` holds facts about the network the post belongs to (size,
    cities, distinct names per phone...) when the linker has computed them, else an empty mapping.
    """

    post: PostInput
    text: str
    extraction: Extraction
    identifiers: tuple[Identifier, ...] = ()
    network: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def normalized(self) -> NormalizedText:
        """The shared normalizer's output with its offset map, computed on first use only (it costs as much as
        a detector, and detectors with a faster path of their own never ask for it)."""
        from adwarden.extract.normalize import normalize

        return normalize(self.text)


class Detector(ABC):
    """Base class of every detector. Subclasses set ``version`` and implement :meth:`detect`.

    ``version`` is stored with every assessment so that a verdict from a year ago can be explained with the
    detector version that made it; bump it whenever the detector's behaviour changes.
    """

    version: ClassVar[str] = "1"

    @classmethod
    def get_name(cls) -> str:
        return class_name_to_detector_name(cls.__name__)

    @property
    def name(self) -> str:
        return self.get_name()

    def describe_version(self) -> str:
        """Version string stored with assessments; detectors with data (a lexicon, a bank) append its version."""
        return self.version

    @abstractmethod
    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        """Return the evidence found in ``ctx``; raise :class:`~adwarden.domain.DetectorSkipped` if unable."""


class DetectorRegistry:
    """An ordered set of detectors with unique names. Built-ins register the same way a plug-in would."""

    def __init__(self, detectors: Iterable[Detector] = ()) -> None:
        self._detectors: dict[str, Detector] = {}
        for d in detectors:
            self.register(d)

    def register(self, detector: Detector) -> None:
        name = detector.name
        if name in self._detectors:
            existing = type(self._detectors[name])
            raise ValueError(
                f"detector name {name!r} is already registered by {existing.__module__}.{existing.__qualname__}; "
                f"rename {type(detector).__qualname__} so its derived name is unique"
            )
        self._detectors[name] = detector

    def replace(self, detector: Detector) -> None:
        """Swap in a new instance of an already registered detector (e.g. a bank index after an import)."""
        self._detectors[detector.name] = detector

    def get(self, name: str) -> Detector:
        return self._detectors[name]

    def names(self) -> tuple[str, ...]:
        return tuple(self._detectors)

    def versions(self) -> dict[str, str]:
        return {n: d.describe_version() for n, d in self._detectors.items()}

    def __iter__(self) -> Iterator[Detector]:
        return iter(self._detectors.values())

    def __len__(self) -> int:
        return len(self._detectors)
