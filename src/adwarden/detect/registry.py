"""The built-in detectors, registered the same way a plug-in would register its own.

:func:`build_default_registry` gives the pipeline its detectors; :func:`default_vocabulary` tells the policy
loader what those detectors can emit, so a policy that names an unknown detector, label or category is
rejected before it is deployed.

>>> reg = build_default_registry()
>>> reg.names()
('indicator', 'facts')
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from adwarden.detect.base import DetectorRegistry
from adwarden.detect.facts import LABELS as FACT_LABELS
from adwarden.detect.facts import FactsDetector
from adwarden.detect.indicators import IndicatorDetector
from adwarden.detect.indicators.lexicon import Lexicon, load_lexicon
from adwarden.detect.vocabulary import DetectorVocabulary, Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from adwarden.detect.banks.index import BankIndex

#: Identifier and media kinds a bank can hold (the ``kind`` of bank evidence).
BANK_KINDS = frozenset({"phone", "email", "handle", "payment", "url", "text", "md5", "sha256", "pdq"})

#: Detectors other parts of AdWarden may register (classifier, network linker); open-ended vocabularies so a
#: policy can name them before they are installed. Labels are checked only for detectors declared here.
_OPEN_DETECTORS = ("classifier", "network", "template")


def build_default_registry(
    *, bank_index: BankIndex | None = None, lexicon_path: Path | None = None, lexicon: Lexicon | None = None
) -> DetectorRegistry:
    """Indicator lexicon + extracted facts, and banks when an index is given."""
    registry = DetectorRegistry()
    registry.register(IndicatorDetector(lexicon, lexicon_path=lexicon_path))
    registry.register(FactsDetector())
    if bank_index is not None:
        from adwarden.detect.banks.detector import BankDetector

        registry.register(BankDetector(bank_index))
    return registry


def default_vocabulary(
    lexicon: Lexicon | None = None, *, extra_detectors: Iterable[str] = ()
) -> Vocabulary:
    """What the built-in detectors can emit (indicator ids and categories, fact labels, bank kinds)."""
    lex = lexicon if lexicon is not None else _packaged_lexicon()
    detectors: dict[str, DetectorVocabulary] = {
        "indicator": DetectorVocabulary(labels=lex.ids, categories=frozenset(lex.categories)),
        "facts": DetectorVocabulary(labels=frozenset(FACT_LABELS),
                                    categories=frozenset(c for c, _ in FACT_LABELS.values())),
        "bank": DetectorVocabulary(labels=None, categories=frozenset(), kinds=BANK_KINDS),
    }
    for name in (*_OPEN_DETECTORS, *extra_detectors):
        detectors.setdefault(name, DetectorVocabulary(labels=None, categories=None))
    return Vocabulary(detectors)


_LEXICON_CACHE: list[Lexicon] = []


def _packaged_lexicon() -> Lexicon:
    if not _LEXICON_CACHE:
        _LEXICON_CACHE.append(load_lexicon())
    return _LEXICON_CACHE[0]
