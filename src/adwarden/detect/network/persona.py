"""Persona keys: link ads that describe the same advertised person, without a phone or shared text.

Why: a ring rewrites an ad (new wording, new phone) but usually keeps the person it advertises: the name(s)
("ask for Kira"), the stated age, height, weight, measurements, hair. One such detail is shared by many
unrelated ads ("Candy", "22", "blonde"), but a *combination* of them can be as specific as a phone number.
How specific is measured on the corpus being linked, not guessed: an attribute carried by ``df`` of ``n`` ads
has chance ``df / n`` of appearing in a random ad, so a combination is expected in ``n * prod(df_i / n)``
ads by chance (its "chance count"). A combination becomes a ``("persona", ...)`` identifier only when

* it has an anchor (a name or full measurements): ages, heights and hair alone describe too many people;
* its chance count is at most :attr:`PersonaParams.max_chance` (rare names need fewer other details;
  a common name needs several), and no smaller combination of the same ad already qualifies;
* it is carried by at least two and at most :attr:`PersonaParams.max_posts` ads (a hub limit, so that one
  popular persona cannot chain a corpus together);
* none of its attributes is carried by more than :attr:`PersonaParams.max_attribute_share` of the ads.

Ads that name more than :attr:`PersonaParams.max_names` persons are lists or directories and get no key.
The keys depend on the whole corpus, so (like the second text stage) only the batch linker computes them.
Two variants are options: a Poisson test with a Bonferroni correction instead of the chance-count bound
(``alpha``), and a guard that never lets persona keys join two networks the other links found
(``merge_networks=False``). Measured on the Backpage WA file every variant raised recall without phones but
cost far more precision than the issue allows, so the linker's default is no persona keys
(``LinkConfig.persona=None``; docs/EVALUATION.md, Networks).

>>> sorted(persona_attributes("Ask for Kira, 22 years young, 5'4 and 120 lbs, 34C-24-36, blonde hair"))
[('cup', '34c'), ('hair', 'blonde'), ('height', '64'), ('measure', '34-24-36'), ('weight', '120')]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from adwarden.detect.network.records import LinkRecord

__all__ = ["ANCHORS", "KINDS", "PersonaParams", "bridging_keys", "persona_attributes", "persona_keys", "poisson_tail",
           "with_persona_keys"]

#: Every attribute kind a persona key may combine.
KINDS = frozenset({"name", "age", "place", "height", "weight", "measure", "cup", "hair"})
#: Attribute kinds that can anchor a persona key by default (describe one person rather than a type).
ANCHORS = frozenset({"name", "measure"})


@dataclass(frozen=True)
class PersonaParams:
    """Thresholds of the persona key (see the module docstring for why each exists).

    ``max_chance`` 0.25: a key is expected in at most a quarter of an ad by chance, i.e. about 2 bits more
    specific than "one in the corpus"; ``max_parts`` 3: a name plus two details covers the usual ad.
    ``anchors``: the kinds of which a key needs at least one (``KINDS`` lets any specific enough combination
    link, e.g. the same age, place and height). ``alpha``: instead of the chance-count bound, a combination
    carried by ``k`` ads is specific when ``P(Poisson(chance count) >= k)`` is at most ``alpha`` divided by the
    number of combinations tested (Bonferroni), so repeated evidence counts and testing many combinations
    does not. ``merge_networks=False``: a persona key never joins two networks that the other links found
    (it only attaches ads outside them, see :func:`bridging_keys`): weaker evidence may extend a network but
    not overrule the stronger links that keep two apart.
    """

    max_chance: float = 0.25
    max_posts: int = 30
    max_attribute_share: float = 0.2
    max_parts: int = 3
    max_names: int = 4
    max_keys_per_post: int = 12
    anchors: frozenset[str] = ANCHORS
    alpha: float | None = None
    merge_networks: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.max_chance:
            raise ValueError("max_chance must be > 0")
        if self.max_posts < 2:
            raise ValueError("max_posts must be >= 2")
        if not 0 < self.max_attribute_share <= 1:
            raise ValueError("max_attribute_share must be in (0, 1]")
        if self.max_parts < 2:
            raise ValueError("max_parts must be >= 2 (a single attribute is never specific enough)")
        if self.alpha is not None and not 0 < self.alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        if not self.anchors or not self.anchors <= KINDS:
            raise ValueError(f"anchors must be a non-empty subset of {sorted(KINDS)}")


_HEIGHT = re.compile(r"\b([4-6])\s*(?:'|’|ft\b|feet\b|foot\b)\s*(1[01]|[0-9])?(?!\d)")
_MEASURE = re.compile(r"\b(2[89]|3\d|4[0-8])\s*([a-h]{1,3})?\s*[-/]\s*(1[89]|[23]\d)\s*[-/]\s*([34]\d|5[0-5])\b",
                      re.IGNORECASE)
_CUP = re.compile(r"\b(2[89]|3\d|4[0-8])(aa|dd{0,2}|[a-cefg])\b(?![-/]\s*\d)", re.IGNORECASE)
_WEIGHT = re.compile(r"\b(\d{2,3})\s*(?:lbs?|pounds)\b", re.IGNORECASE)
_HAIR = re.compile(r"\b(blonde?|brunette|redhead|red\s*head|ginger|(?:black|brown|red|auburn|pink|blue)\s+hair)\b",
                   re.IGNORECASE)
_HAIR_NORMAL = {"blond": "blonde", "redhead": "red", "red head": "red", "ginger": "red", "redhair": "red"}


def persona_attributes(text: str) -> set[tuple[str, str]]:
    """Body details the text states: height (inches), weight (lbs), measurements, cup, hair colour.

    Names, ages and the place come from the record (:func:`~adwarden.detect.network.names.find_names`, the extractors).
    """
    out: set[tuple[str, str]] = set()
    for m in _HEIGHT.finditer(text):
        out.add(("height", str(12 * int(m.group(1)) + int(m.group(2) or 0))))
    for m in _MEASURE.finditer(text):
        out.add(("measure", f"{m.group(1)}-{m.group(3)}-{m.group(4)}"))
        if m.group(2):
            out.add(("cup", f"{m.group(1)}{m.group(2).lower()}"))
    for m in _CUP.finditer(text):
        out.add(("cup", f"{m.group(1)}{m.group(2).lower()}"))
    for m in _WEIGHT.finditer(text):
        if 85 <= int(m.group(1)) <= 300:
            out.add(("weight", m.group(1)))
    for m in _HAIR.finditer(text):
        word = re.sub(r"\s+", " ", m.group(1).lower())
        word = word.removesuffix(" hair")
        out.add(("hair", _HAIR_NORMAL.get(word, word)))
    return out


def _record_attributes(record: LinkRecord, params: PersonaParams) -> frozenset[tuple[str, str]]:
    if len(record.names) > params.max_names:
        return frozenset()
    attrs = persona_attributes(record.text)
    attrs.update(("name", n) for n in record.names)
    attrs.update(("age", str(a)) for a in record.ages)
    if record.location:
        attrs.add(("place", " ".join(record.location.lower().split())))
    return frozenset(attrs)


def _key(parts: Sequence[tuple[str, str]]) -> str:
    return "|".join(f"{k}={v}" for k, v in sorted(parts))


def poisson_tail(mean: float, k: int) -> float:
    """``P(X >= k)`` for ``X ~ Poisson(mean)``, summed from the tail so that tiny values keep their precision.

    >>> round(poisson_tail(0.25, 2), 4)
    0.0265
    """
    if k <= 0:
        return 1.0
    term = math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1)) if mean > 0 else 0.0
    total, i = 0.0, k
    while term > total * 1e-12 and i < k + 1000:
        total += term
        i += 1
        term *= mean / i
    return min(total, 1.0)


def persona_keys(records: Sequence[LinkRecord], params: PersonaParams | None = None) -> list[tuple[str, ...]]:
    """The persona identifier values of each record (same order), chosen on this corpus's frequencies."""
    p = params or PersonaParams()
    n = len(records)
    if n < 2:
        return [() for _ in records]
    attrs = [_record_attributes(r, p) for r in records]
    df = Counter(a for s in attrs for a in s)
    # log of the chance an ad carries the attribute; attributes too common (or unique) never join a key
    usable = {a: math.log(c / n) for a, c in df.items() if 2 <= c <= p.max_attribute_share * n}
    candidates: list[list[tuple[tuple[str, str], ...]]] = []
    for s in attrs:
        parts = sorted(a for a in s if a in usable)
        candidates.append([combo for size in range(2, min(p.max_parts, len(parts)) + 1)
                           for combo in combinations(parts, size) if any(k in p.anchors for k, _ in combo)])
    carriers = Counter(c for cands in candidates for c in cands)
    log_n = math.log(n)
    if p.alpha is None:
        limit = math.log(p.max_chance) - log_n

        def specific(combo: tuple[tuple[str, str], ...]) -> bool:
            return sum(usable[a] for a in combo) <= limit
    else:
        level = p.alpha / max(1, sum(1 for c in carriers.values() if c >= 2))

        def specific(combo: tuple[tuple[str, str], ...]) -> bool:
            chance = math.exp(log_n + sum(usable[a] for a in combo))
            return poisson_tail(chance, carriers[combo]) <= level

    out: list[tuple[str, ...]] = []
    for cands in candidates:
        found: list[tuple[float, str]] = []
        qualified: list[frozenset[tuple[str, str]]] = []
        for combo in cands:  # by size, so a smaller qualifying combination is seen first
            cs = frozenset(combo)
            if any(q <= cs for q in qualified) or not specific(combo):
                continue
            qualified.append(cs)
            if 2 <= carriers[combo] <= p.max_posts:
                found.append((sum(usable[a] for a in combo), _key(combo)))
        found.sort()
        out.append(tuple(k for _, k in found[: p.max_keys_per_post]))
    return out


def bridging_keys(base_label: Sequence[int], key_posts: Mapping[int, Sequence[int]]) -> dict[int, str]:
    """Persona keys to set aside so that no two networks of the other links end up joined by persona keys.

    ``base_label`` is each post's component without persona keys; ``key_posts`` maps a persona key's index to
    its posts. Keys are taken in a fixed order (fewest posts first, then index) and accepted while the
    component they build holds at most one base network (a base component of two or more posts); the rest
    are returned with the reason.

    >>> bridging_keys([0, 0, 1, 1, 2, 3], {7: [0, 4], 8: [4, 2], 9: [5, 4]})
    {8: 'would join 2 networks that other links keep apart'}
    """
    size = Counter(base_label)
    group: dict[int, int] = {}  # base component -> the group persona keys put it in (relabelled on a merge)
    members: dict[int, list[int]] = {}
    nets: dict[int, int] = {}  # group -> base networks in it
    set_aside: dict[int, str] = {}
    for k in sorted(key_posts, key=lambda k: (len(key_posts[k]), k)):
        groups = {group.setdefault(b, b) for b in (base_label[p] for p in key_posts[k])}
        joined = sum(nets.get(g, int(size[g] >= 2)) for g in groups)
        if joined >= 2:
            set_aside[k] = f"would join {joined} networks that other links keep apart"
            continue
        top = min(groups)
        merged = members.setdefault(top, [top])
        for g in groups - {top}:
            for b in members.pop(g, [g]):
                group[b] = top
                merged.append(b)
        nets[top] = joined
    return set_aside


def with_persona_keys(records: Sequence[LinkRecord], params: PersonaParams | None = None) -> list[LinkRecord]:
    """The records with their persona keys added as ``("persona", key)`` identifiers."""
    keys = persona_keys(records, params)
    return [replace(r, identifiers=r.identifiers + tuple(("persona", k) for k in ks)) if ks else r
            for r, ks in zip(records, keys, strict=True)]
