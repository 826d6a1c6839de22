"""Second stage of text linking: template alignment on candidate clusters, in the spirit of InfoShield.

Why: MinHash LSH compares shingle sets, which says "these two ads share many pieces" but not "these ads are
one template". Two failure classes follow. A ring's rewrites (sentences moved, a paragraph added) share fewer
shingles than the first-stage threshold, so they stay apart; and a chain of pairwise links (A like B, B like
C) can join ads that have nothing in common. InfoShield (Lee et al., ICDE 2021) answers both by aligning the
texts of a candidate cluster to a template and keeping what the template explains.

How (reimplemented from the idea, simplified):

1. *Candidates*: the LSH edges at a looser threshold (``candidate_threshold``); their connected components are
   the candidate clusters.
2. *Alignment*: in a candidate cluster, the reference is the member sharing the most word keys with the others
   (a medoid; keys are the slot-masked, lower-cased words of
   :func:`~adwarden.detect.network.textsim.slot_text`). Every other member is aligned to it
   (:class:`difflib.SequenceMatcher`, longest matching blocks); a member *fits* the template when at least
   ``min_fit`` of its words and of the reference's words lie in matching blocks of ``min_block`` words or more
   (short common phrases such as "call me" do not count).
3. *Peeling*: the reference and the members that fit form one verified cluster (one edge from the reference to
   each); the rest of the candidate cluster is verified again with its own reference, until fewer than two
   members are left. A candidate cluster larger than ``max_cluster`` keeps the first-stage edges only.

The result replaces the first-stage text edges, so a chain without a shared template is split and a rewrite that
aligns with its template is joined. It depends on the order of records only through the LSH leaders, like the
first stage.

>>> texts = ["Sweet and friendly, new in town this week, outcall only, no rush, call Kira",
...          "New in town this week! sweet and friendly, outcall only, no rush, call Jade now",
...          "Selling a used bicycle in good condition, pickup only"]
>>> verified_pairs(texts, [(0, 1), (0, 2)], VerifyParams(min_block=2))
[(0, 1)]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from adwarden.detect.network.textsim import slot_text

__all__ = ["VerifyParams", "verified_pairs"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class VerifyParams:
    """Second-stage parameters (see the module docstring)."""

    candidate_threshold: float = 0.3
    min_fit: float = 0.5
    min_block: int = 3
    max_cluster: int = 200

    def __post_init__(self) -> None:
        if not 0.0 < self.candidate_threshold <= 1.0:
            raise ValueError("candidate_threshold must be in (0, 1]")
        if not 0.0 < self.min_fit <= 1.0:
            raise ValueError("min_fit must be in (0, 1]")
        if self.min_block < 1 or self.max_cluster < 2:
            raise ValueError("min_block must be >= 1 and max_cluster >= 2")


def _keys(text: str) -> list[str]:
    return ["0" if w.isdigit() else w for w in _WORD.findall(slot_text(text).lower())]


def _fit(ref: list[str], other: list[str], min_block: int) -> float:
    """The smaller of the two shares of words lying in matching blocks of ``min_block`` words or more: a long
    ad that contains a short one entirely does not fit it unless most of the long ad is the short one."""
    if not ref or not other:
        return 0.0
    sm = SequenceMatcher(None, ref, other, autojunk=False)
    covered = sum(b.size for b in sm.get_matching_blocks() if b.size >= min_block)
    return min(covered / len(ref), covered / len(other))


def _peel(members: list[int], keys: Mapping[int, list[str]], params: VerifyParams) -> list[tuple[int, int]]:
    edges: list[tuple[int, int]] = []
    left = list(members)
    while len(left) >= 2:
        df: Counter[str] = Counter()
        for i in left:
            df.update(set(keys[i]))
        ref = max(left, key=lambda i: (sum(df[k] for k in set(keys[i])) / (1 + len(keys[i]) ** 0.5), -i))
        rest: list[int] = []
        for i in left:
            if i == ref:
                continue
            if _fit(keys[ref], keys[i], params.min_block) >= params.min_fit:
                edges.append((min(ref, i), max(ref, i)))
            else:
                rest.append(i)
        left = rest
    return edges


def verified_pairs(
    texts: Sequence[str],
    candidates: Sequence[tuple[int, int]],
    params: VerifyParams | None = None,
    *,
    keep: Sequence[bool] | None = None,
) -> list[tuple[int, int]]:
    """Verified text edges ``(a, b)`` with ``a < b`` among ``texts``, from candidate edges (index pairs).

    ``keep`` marks the candidates that pass the first stage on their own; in a candidate cluster too large to
    align (``max_cluster``), only those are kept."""
    p = params or VerifyParams()
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in candidates:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    clusters: dict[int, list[int]] = {}
    for x in sorted(parent):
        clusters.setdefault(find(x), []).append(x)
    keys: dict[int, list[str]] = {}
    out: list[tuple[int, int]] = []
    big: set[int] = set()
    for root, members in clusters.items():
        if len(members) > p.max_cluster:
            big.add(root)
            continue
        for i in members:
            keys[i] = _keys(texts[i])
        out.extend(_peel(members, keys, p))
    if big:
        flags = keep if keep is not None else [True] * len(candidates)
        out.extend((min(a, b), max(a, b)) for (a, b), k in zip(candidates, flags, strict=True) if k and find(a) in big)
    return sorted(set(out))
