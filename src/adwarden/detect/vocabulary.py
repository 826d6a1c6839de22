"""What a policy may refer to: detector names, their labels and categories, network facts.

The loader checks every name in a policy against a :class:`Vocabulary`, so a typo (``categroy = "youht"``)
is an error at ``policy check`` time instead of a rule that silently never fires in production. Detectors
declare what they can emit; a detector whose labels are open-ended (a bank: labels come from bank files)
leaves ``labels`` as ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DetectorVocabulary:
    """What one detector can emit. ``None`` means open-ended (anything may appear)."""

    labels: frozenset[str] | None = None
    categories: frozenset[str] | None = frozenset()
    kinds: frozenset[str] | None = None


#: Facts the network linker computes for a post's network; rules may compare them.
NETWORK_FACTS: frozenset[str] = frozenset(
    {
        "size",  # posts in the network
        "accounts",  # distinct accounts
        "phones",  # distinct phones
        "distinct_cities",  # distinct cities the network posted in
        "distinct_states",
        "names_per_phone",  # distinct provider names advertised with one phone (max over phones)
        "ages_per_phone",  # distinct stated ages with one phone (max)
        "posts_per_day",
        "template_size",  # posts sharing this post's near-duplicate template
        "image_reuse",  # posts sharing an image hash with this post
        "days_active",
        "cities_per_week",
        "flagged_posts",  # posts of the network already held, blocked or in a case
        "bank_hits",  # posts of the network with a bank hit
    }
)


#: Languages a policy may weight (``[languages.XX]``, ``language = "XX"`` in a condition): those the language
#: detector reports and the lexicon has terms in (ISO 639-1), plus ``emoji`` (emoji codes) and ``und``.
LANGUAGES: frozenset[str] = frozenset({"en", "es", "pt", "fr", "it", "ru", "zh", "emoji", "und"})


@dataclass(frozen=True)
class Vocabulary:
    detectors: Mapping[str, DetectorVocabulary]
    network_facts: frozenset[str] = field(default=NETWORK_FACTS)
    languages: frozenset[str] = field(default=LANGUAGES)

    @property
    def categories(self) -> frozenset[str]:
        out: set[str] = set()
        for d in self.detectors.values():
            if d.categories:
                out |= d.categories
        return frozenset(out)

    def with_detectors(self, extra: Mapping[str, DetectorVocabulary]) -> Vocabulary:
        return Vocabulary({**self.detectors, **extra}, self.network_facts, self.languages)

    @classmethod
    def of(cls, detectors: Iterable[tuple[str, DetectorVocabulary]]) -> Vocabulary:
        return cls(dict(detectors))
