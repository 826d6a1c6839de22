"""Templates and slots of a near-duplicate text cluster, in the spirit of InfoShield.

InfoShield (Lee et al., ICDE 2021) explains a cluster of near-duplicate ads as one *template* plus *slots*:
the words every ad shares, and the places where ads differ (a name, an age, a price, a phone). It finds them
by multiple sequence alignment and judges them by how much they compress the cluster (minimum description
length). This module reimplements that idea from the paper, not from its code, in a simpler way:

1. Tokens are whitespace-separated words; they are compared on a key that is lower-cased, without
   punctuation, and with digit runs masked (``22`` and ``19`` compare equal, so numbers do not break the
   alignment; their values still show up in the slots).
2. The *reference* is the member whose words are most shared by the other members (a medoid).
3. Every other member is aligned to the reference (``difflib.SequenceMatcher``: longest matching blocks). A
   reference word kept by at least half of the members is part of the template; runs of other words, and
   places where most members insert words, are slots.
4. Each slot's values per member are the member's words between the template words around it; the slot is
   typed from its values and neighbours (``phone``, ``price``, ``age``, ``name``, ``city`` or ``text``).
5. ``compression`` is the description-length gain: words to write the members one by one, divided by
   words to write the template once plus each member's slot values. Above 1 the template explains the
   cluster; a cluster of unrelated texts scores about 1 or less.

Large clusters are summarised from a sample of ``max_members`` members (the first ones), which keeps the
work per cluster bounded.

>>> t = extract_template(["Hi, I am Kira, 22, call 206 555 0147 now",
...                       "Hi, I am Jade, 19, call 206 555 0199 now",
...                       "Hi, I am Rosa, 24, call 206 555 0123 now"])
>>> t.skeleton
'Hi, I am {name} {age} call {phone} now'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

__all__ = ["Slot", "Template", "extract_template", "network_templates"]

_PUNCT = re.compile(r"[^\w$]+")
_DIGITS = re.compile(r"\d+")
_NUMBER_WORDS = frozenset("zero oh one two three four five six seven eight nine".split())
_PRICE_CONTEXT = frozenset(
    "$ roses rose dollars dollar usd bucks donation donations hh hr hour hours half hhr fhr qv qk min mins".split()
)
_AGE_CONTEXT = frozenset("age aged yo yrs years year old i am im i'm".split())


@dataclass(frozen=True, slots=True)
class Slot:
    """A place where the cluster's texts differ: its position in the skeleton, type and how many values."""

    index: int
    kind: str
    distinct: int
    filled: int

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "distinct": self.distinct, "filled": self.filled}


@dataclass(frozen=True, slots=True)
class Template:
    """A cluster's template. ``skeleton`` shows the shared words with ``{kind}`` where a slot is."""

    size: int
    sampled: int
    skeleton: str
    slots: tuple[Slot, ...]
    template_words: int
    coverage: float
    compression: float

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "sampled": self.sampled,
            "skeleton": self.skeleton,
            "slots": [s.to_json() for s in self.slots],
            "template_words": self.template_words,
            "coverage": round(self.coverage, 4),
            "compression": round(self.compression, 4),
        }


_TOKEN = re.compile(r"\(?\d[\d\s().-]{5,}\d[.,;:!?]?|\S+")


def _tokens(text: str) -> list[str]:
    """Whitespace words, except that a phone-like digit run ("(206) 555-0147") stays one token."""
    return _TOKEN.findall(text)


def _raw(token: str) -> str:
    return _PUNCT.sub("", token.lower())


def _key(token: str) -> str:
    return _DIGITS.sub("0", _raw(token))


def _classify(values: list[str], before: str, after: str, names: frozenset[str], cities: frozenset[str]) -> str:
    filled = [v for v in values if v]
    if not filled:
        return "text"
    digits = [sum(c.isdigit() for c in v) for v in filled]
    words = [v.lower().split() for v in filled]
    phone_like = sum(
        1
        for d, ws in zip(digits, words, strict=True)
        if d + sum(w.strip(".,-()") in _NUMBER_WORDS for w in ws) >= 7
    )
    if phone_like * 2 >= len(filled):
        return "phone"
    numeric = [v for v in filled if _DIGITS.search(v)]
    if len(numeric) == len(filled):
        if "$" in before or any("$" in v for v in filled) or after in _PRICE_CONTEXT or before in _PRICE_CONTEXT:
            return "price"
        nums = [int(m.group()) for v in filled if (m := _DIGITS.search(v))]
        if all(16 <= x <= 70 for x in nums) and (before in _AGE_CONTEXT or after in _AGE_CONTEXT or len(set(nums)) > 1):
            return "age"
        if all(x >= 20 for x in nums):
            return "price"
        return "number"
    cleaned = [_PUNCT.sub(" ", v).strip() for v in filled]
    if cities and all(c.lower() in cities for c in cleaned):
        return "city"
    if all(c and c.split()[0][:1].isupper() and len(c.split()) <= 2 for c in cleaned):
        if not names or any(c.split()[0].lower() in names for c in cleaned):
            return "name"
    return "text"


def _is_num(token: str) -> bool:
    return bool(_DIGITS.search(token))


def _pieces(tokens: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Split ``tokens[start:end]`` where numeric and non-numeric tokens alternate."""
    out: list[tuple[int, int]] = []
    a = start
    for q in range(start + 1, end):
        if _is_num(tokens[q]) != _is_num(tokens[q - 1]):
            out.append((a, q))
            a = q
    if end > start:
        out.append((a, end))
    return out


def extract_template(
    texts: Sequence[str],
    *,
    max_members: int = 25,
    names: Iterable[str] = (),
    cities: Iterable[str] = (),
) -> Template:
    """The template and slots of ``texts`` (a near-duplicate cluster; see the module docstring)."""
    if not texts:
        raise ValueError("extract_template needs at least one text")
    sample = list(texts[:max_members])
    toks = [_tokens(t) for t in sample]
    raws = [[_raw(t) for t in ts] for ts in toks]
    keys = [[_DIGITS.sub("0", r) for r in rs] for rs in raws]
    m = len(sample)
    df: Counter[str] = Counter()
    for ks in keys:
        df.update(set(ks))
    ref = max(range(m), key=lambda i: (sum(df[k] for k in set(keys[i])) / (1 + len(keys[i]) ** 0.5), -i))
    rkeys, rtoks = keys[ref], toks[ref]
    n_ref = len(rkeys)
    support = [0] * n_ref
    maps: list[dict[int, int]] = []  # per other member: ref position -> member position (equal blocks)
    inserted = Counter[int]()  # ref gap position (before ref index) -> members inserting words there
    others = [i for i in range(m) if i != ref]
    for i in others:
        sm = SequenceMatcher(None, rkeys, keys[i], autojunk=False)
        mapping: dict[int, int] = {}
        for tag, i1, i2, j1, _j2 in sm.get_opcodes():
            if tag == "equal":
                for d in range(i2 - i1):
                    mapping[i1 + d] = j1 + d
                    # aligned on the masked key; part of the template only if the words are really equal
                    if raws[ref][i1 + d] == raws[i][j1 + d]:
                        support[i1 + d] += 1
            elif tag == "insert":
                inserted[i1] += 1
        maps.append(mapping)
    need = max(1, (len(others) + 1) // 2) if others else 0
    const = [s >= need for s in support] if others else [True] * n_ref
    # slots: runs of non-template reference words (split where numbers and words alternate, so "Kira, 22"
    # gives a name slot and an age slot), and insertion points used by at least half the members
    spans: list[tuple[int, int]] = []
    pos = 0
    while pos <= n_ref:
        if pos < n_ref and not const[pos]:
            end = pos
            while end < n_ref and not const[end]:
                end += 1
            start = pos
            for q in range(pos + 1, end):
                if _is_num(rtoks[q]) != _is_num(rtoks[q - 1]):
                    spans.append((start, q))
                    start = q
            spans.append((start, end))
            pos = end
            continue
        if others and inserted.get(pos, 0) >= need and (not spans or spans[-1][1] != pos):
            spans.append((pos, pos))
        pos += 1
    names_l = frozenset(n.lower() for n in names)
    cities_l = frozenset(c.lower() for c in cities)
    slots: list[Slot] = []
    slot_words = 0
    skeleton: list[str] = []
    span_at = {s: (s, e) for s, e in spans}
    i = 0
    slot_no = 0
    while i <= n_ref:
        if i in span_at:
            s, e = span_at[i]
            values = [" ".join(rtoks[s:e])]
            run_s, run_e = s, e
            while run_s > 0 and not const[run_s - 1]:
                run_s -= 1
            while run_e < n_ref and not const[run_e]:
                run_e += 1
            pieces = _pieces(rtoks, run_s, run_e) if e > s else [(s, s)]
            piece = next((q for q, (a, _) in enumerate(pieces) if a == s), 0)
            n_pieces = len(pieces)
            for o, mapping in zip(others, maps, strict=True):
                left = max((mapping[p] for p in range(run_s - 1, -1, -1) if const[p] and p in mapping), default=-1)
                right = min(
                    (mapping[p] for p in range(run_e, n_ref) if const[p] and p in mapping), default=len(toks[o])
                )
                seg = toks[o][left + 1 : right]
                parts = _pieces(seg, 0, len(seg))
                if n_pieces == 1:
                    values.append(" ".join(seg))
                elif len(parts) == n_pieces:
                    a, b = parts[piece]
                    values.append(" ".join(seg[a:b]))
                else:
                    values.append(" ".join(seg) if piece == 0 else "")
            slot_words += sum(len(v.split()) for v in values)
            before = rkeys[s - 1] if s > 0 else ""
            after = rkeys[e] if e < n_ref else ""
            kind = _classify(values, before if before else "", after, names_l, cities_l)
            if "$" in (rtoks[s - 1] if s > 0 else "") and kind == "number":
                kind = "price"
            slots.append(Slot(slot_no, kind, len({v for v in values if v}), sum(1 for v in values if v)))
            skeleton.append("{" + kind + "}")
            slot_no += 1
            if e > s:
                i = e
                continue
        if i < n_ref:
            skeleton.append(rtoks[i])
        i += 1
    template_words = sum(const)
    total_words = sum(len(ts) for ts in toks)
    coverage = (template_words * m) / total_words if total_words else 0.0
    cost_with = template_words + slot_words + len(slots) * m
    compression = total_words / cost_with if cost_with else 0.0
    return Template(
        size=len(texts),
        sampled=m,
        skeleton=" ".join(skeleton),
        slots=tuple(slots),
        template_words=template_words,
        coverage=min(1.0, coverage),
        compression=compression,
    )


def network_templates(
    clusters: Mapping[str, Sequence[str]],
    texts: Mapping[str, str],
    *,
    names: Mapping[str, Sequence[str]] | None = None,
    cities: Iterable[str] = (),
    max_members: int = 25,
) -> dict[str, Template]:
    """Templates for text clusters: ``clusters`` maps a cluster id to its post ids, ``texts`` post id -> text."""
    city_set = frozenset(cities)
    out: dict[str, Template] = {}
    for cid, post_ids in clusters.items():
        members = [texts[p] for p in post_ids[:max_members] if texts.get(p)]
        if not members:
            continue
        member_names = {n for p in post_ids[:max_members] for n in (names or {}).get(p, ())}
        t = extract_template(members, max_members=max_members, names=member_names, cities=city_set)
        out[cid] = Template(
            size=len(post_ids),
            sampled=t.sampled,
            skeleton=t.skeleton,
            slots=t.slots,
            template_words=t.template_words,
            coverage=t.coverage,
            compression=t.compression,
        )
    return out
