"""The indicator lexicon: versioned data (TOML) with categories, weights, languages and sources.

The lexicon is data, not code, so a platform can tune it and every assessment can record exactly which
version it ran with (``version`` plus the SHA-256 ``digest`` of the file). Loading validates the whole file
and reports every problem at once as ``FILE:LINE: message`` (:class:`~adwarden.domain.PolicyError`):
unknown category or source, duplicate ids, weights out of range, regexes that do not compile, indicators
with nothing to match.

>>> lex = load_lexicon()
>>> "youth" in lex.categories and lex.indicator("youth.just_turned_18").category
'youth'
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from adwarden.domain import PolicyError
from adwarden.domain.source_lines import LineIndex

DEFAULT_LEXICON_NAME = "lexicon.toml"
_INDICATOR_KEYS = {
    "id", "category", "weight", "language", "sources", "description", "phrases", "patterns", "triggers", "exclude",
}
_ID = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str = ""
    licence: str = ""
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator: phrases (and optional regexes gated by trigger phrases) that point to a category."""

    id: str
    category: str
    weight: float
    language: str
    sources: tuple[str, ...]
    phrases: tuple[str, ...]
    description: str = ""
    patterns: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # phrases that cancel a hit they contain ("high school diploma")


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon. ``context_categories``: categories whose hits go through the youth context rules
    (negation, past tense, disclaimers, names; :mod:`adwarden.extract.youth_context`); ``allow``: words that
    are never hits of those categories (names such as "Lolli"), in addition to the built-in allowlist."""

    version: str
    digest: str
    source: str
    categories: Mapping[str, str]
    sources: Mapping[str, Source]
    indicators: tuple[Indicator, ...]
    description: str = ""
    context_categories: frozenset[str] = frozenset({"youth"})
    allow: frozenset[str] = frozenset()

    @property
    def languages(self) -> frozenset[str]:
        """The languages the lexicon has indicators in (``emoji`` included)."""
        return frozenset(i.language for i in self.indicators)

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(i.id for i in self.indicators)


def default_lexicon_path() -> Path:
    return Path(str(resources.files("adwarden.detect.indicators").joinpath(DEFAULT_LEXICON_NAME)))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and validate a lexicon file (``None``: the packaged default)."""
    p = Path(path) if path is not None else default_lexicon_path()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PolicyError([f"{p}: cannot read lexicon: {exc.strerror or exc}"]) from exc
    return parse_lexicon(data, source=str(p) if path is not None else f"<packaged>/{DEFAULT_LEXICON_NAME}")


def parse_lexicon(data: bytes, *, source: str = "<lexicon>") -> Lexicon:
    try:
        text = data.decode("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{source}: not valid UTF-8 (byte {exc.start})"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([f"{source}: invalid TOML: {exc}"]) from exc
    lines = LineIndex.from_text(text)
    problems: list[str] = []

    def err(path: tuple[str | int, ...], msg: str) -> None:
        problems.append(f"{source}:{lines.line_of(path) or 1}: {msg}")

    head = doc.get("lexicon", {})
    version = head.get("version") if isinstance(head, dict) else None
    if not isinstance(version, str) or not version:
        err(("lexicon",), "missing [lexicon] version")
        version = ""
    sources: dict[str, Source] = {}
    for sid, body in (doc.get("sources") or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("title"), str):
            err(("sources", sid), f"source {sid!r} needs a title")
            continue
        sources[sid] = Source(sid, body["title"], str(body.get("url", "")), str(body.get("licence", "")),
                              str(body.get("note", "")))
    categories: dict[str, str] = {}
    for cid, body in (doc.get("categories") or {}).items():
        categories[cid] = str(body.get("description", "")) if isinstance(body, dict) else ""
    indicators: list[Indicator] = []
    seen: set[str] = set()
    raw_inds = doc.get("indicators", [])
    if not isinstance(raw_inds, list) or not raw_inds:
        err(("indicators",), "declare at least one [[indicators]] table")
        raw_inds = []
    for i, raw in enumerate(raw_inds):
        ind = _indicator(raw, ("indicators", i), err, categories, sources, seen)
        if ind is not None:
            indicators.append(ind)
    context_categories, allow = _context(doc.get("context", {}), categories, err)
    if problems:
        raise PolicyError(problems)
    return Lexicon(version, hashlib.sha256(data).hexdigest(), source, categories, sources, tuple(indicators),
                   str(head.get("description", "")) if isinstance(head, dict) else "", context_categories, allow)


def _context(raw: Any, categories: Mapping[str, str], err: Any) -> tuple[frozenset[str], frozenset[str]]:
    """``[context] categories = [...]`` (default: youth) and ``allow = [...]`` (lower-case words)."""
    if not isinstance(raw, dict):
        err(("context",), "[context] must be a table with categories and/or allow")
        return frozenset({"youth"}), frozenset()
    for key in raw:
        if key not in ("categories", "allow"):
            err(("context", key), f"unknown key {key!r} in [context] (expected one of: allow, categories)")
    if "categories" not in raw:
        return frozenset({"youth"}), frozenset(a.lower() for a in _strings(raw, "allow", ("context",), err) or ())
    cats = _strings(raw, "categories", ("context",), err)
    allow = _strings(raw, "allow", ("context",), err) or ()
    for c in cats or ():
        if c not in categories:
            err(("context", "categories"), f"[context] categories: unknown category {c!r} (declared: {', '.join(sorted(categories))})")
    return frozenset(cats or ()), frozenset(a.lower() for a in allow)


def _strings(raw: Mapping[str, Any], key: str, path: tuple[str | int, ...], err: Any) -> tuple[str, ...] | None:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        err((*path, key), f"{key} must be a list of non-empty strings")
        return None
    return tuple(value)


def _indicator(
    raw: Any, path: tuple[str | int, ...], err: Any, categories: Mapping[str, str],
    sources: Mapping[str, Source], seen: set[str],
) -> Indicator | None:
    if not isinstance(raw, dict):
        err(path, "each indicator must be a table")
        return None
    ok = True
    for key in raw:
        if key not in _INDICATOR_KEYS:
            err((*path, key), f"unknown key {key!r} in [[indicators]] (expected one of: {', '.join(sorted(_INDICATOR_KEYS))})")
            ok = False
    iid = raw.get("id")
    if not isinstance(iid, str) or not _ID.match(iid):
        err((*path, "id"), f"indicator id must look like 'category.name' (lower case), got {iid!r}")
        return None
    if iid in seen:
        err((*path, "id"), f"indicator id {iid!r} is used twice")
        ok = False
    seen.add(iid)
    cat = raw.get("category")
    if cat not in categories:
        err((*path, "category"), f"indicator {iid!r}: unknown category {cat!r} (declared: {', '.join(sorted(categories))})")
        ok = False
    elif not iid.startswith(f"{cat}."):
        err((*path, "id"), f"indicator id {iid!r} must start with its category {cat!r}")
        ok = False
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 100:
        err((*path, "weight"), f"indicator {iid!r}: weight must be a number in (0, 100], got {weight!r}")
        ok = False
    lang = raw.get("language", "en")
    if not isinstance(lang, str):
        err((*path, "language"), f"indicator {iid!r}: language must be a string")
        ok = False
    srcs = _strings(raw, "sources", path, err)
    if srcs is not None:
        if not srcs:
            err((*path, "sources"), f"indicator {iid!r}: cite at least one source")
            ok = False
        for s in srcs:
            if s not in sources:
                err((*path, "sources"), f"indicator {iid!r}: unknown source {s!r} (declared: {', '.join(sorted(sources))})")
                ok = False
    phrases = _strings(raw, "phrases", path, err)
    patterns = _strings(raw, "patterns", path, err)
    triggers = _strings(raw, "triggers", path, err)
    exclude = _strings(raw, "exclude", path, err)
    if phrases is None or patterns is None or triggers is None or srcs is None or exclude is None:
        return None
    for j, pat in enumerate(patterns):
        try:
            re.compile(pat)
        except re.error as exc:
            err((*path, "patterns", j), f"indicator {iid!r}: pattern {pat!r} does not compile: {exc}")
            ok = False
    if patterns and not triggers:
        err((*path, "patterns"), f"indicator {iid!r}: patterns need trigger phrases (they run only when a trigger is found)")
        ok = False
    if not phrases and not patterns:
        err(path, f"indicator {iid!r} has nothing to match (no phrases or patterns)")
        ok = False
    if not ok:
        return None
    assert isinstance(weight, (int, float)) and isinstance(cat, str) and isinstance(lang, str)
    return Indicator(iid, cat, float(weight), lang, srcs, phrases, str(raw.get("description", "")), patterns, triggers,
                     exclude)
