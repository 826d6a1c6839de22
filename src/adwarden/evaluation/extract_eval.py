"""Precision, recall and F1 of the extractors on labelled public data.

``evaluate(data_dir)`` reads (never copies) the files under ``data_dir`` (the ``shared/data``
directory described in its README) and returns one dict of figures per extractor. Files that are
missing are reported as ``{"skipped": "..."}`` so the command works on a partial data set.

How each figure is defined:

* **phone** (``phone/obfuscated_phone_lines.csv``, ``phone/obfuscated_phone_urls.csv``): per row,
  the set of expected numbers against the set extracted from the line (for the URL file the URL is
  both the text and the ``url`` argument). Numbers are compared on their last 10 digits, because the
  labels write US numbers with or without the leading 1 and Indian numbers without +91.
* **phone_ads** (``phone/full_ads.jsonl``, optional): whole ads, each ``{"text"`` (or ``"title"`` +
  ``"body"``), ``"url"``, ``"location"``, ``"phones": [E.164, ...]}``; every ad is extracted the way
  ingest does it (``extract_all(text, url=..., location=...)``) and compared as sets of **full E.164**
  numbers (a foreign number read in the wrong country is a miss and a false positive). The result
  also gives ``foreign_share``, the share of gold numbers outside NANP, and P/R/F1 on those alone.
  The shared data has no such file; the issue's "full real ads, 40% foreign" figure comes from a set
  held outside this repository in this shape.
* **handle** (``other_extractors/social_media_handles.jl``): per ad, the set of
  ``(platform, handle)`` pairs, lower case. Strict: a handle with platform ``unknown`` or on another
  platform does not count. ``handle_value_only`` ignores the platform.
* **email** (``other_extractors/emails.jl``): sets of addresses (two cases: a smoke test).
* **price** (``price/etk_price_groundtruth.jl``): multisets of ``(value, minutes)``; ``exact_match``
  is the share of gold prices found with the same value AND minutes (recall), also given with
  precision and F1, and ``ads_exact`` is the share of ads whose whole price list matches.
* **url_country** (``other_extractors/url_country.jl``): accuracy of
  :func:`adwarden.extract.places.country_from_url` against the expected country name.
* **stated_age** (``age/age_dev.jsonl``) and **stated_age_wa** (``clustering/backpage_wa_2013_ads.jsonl``,
  the Backpage form's age field): see :mod:`adwarden.evaluation.ages_eval`.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from adwarden.evaluation.ages_eval import age_dev, wa_stated_age
from adwarden.extract import extract_all
from adwarden.extract.places import country_from_url, gazetteer

__all__ = ["evaluate", "prf"]


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 (1.0 when there is nothing to find and nothing was found)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def _set_counts(pairs: Iterable[tuple[set[Any], set[Any]]]) -> dict[str, float | int]:
    tp = fp = fn = 0
    for gold, pred in pairs:
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return prf(tp, fp, fn)


def _last10(digits: str) -> str:
    return "".join(c for c in digits if c.isdigit())[-10:]


def _phones(path: Path, column: str, as_url: bool) -> dict[str, Any]:
    pairs = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row[column]
            gold = {_last10(p) for p in (row.get("expected_phones") or "").split() if p}
            ex = extract_all(text, url=text if as_url else None)
            pred = {_last10(f.value) for f in ex.phones}
            pairs.append((gold, pred))
    out: dict[str, Any] = _set_counts(pairs)
    out["rows"] = len(pairs)
    return out


def _ad_text(rec: dict[str, Any]) -> str:
    if "text" in rec:
        return str(rec.get("text") or "")
    return f"{rec.get('title') or ''}\n{rec.get('body') or ''}"


def _phone_ads(path: Path) -> dict[str, Any]:
    pairs: list[tuple[set[str], set[str]]] = []
    foreign: list[tuple[set[str], set[str]]] = []
    for rec in _jsonl(path):
        gold = {str(p) for p in rec.get("phones") or []}
        url = rec.get("url")
        location = rec.get("location")
        ex = extract_all(_ad_text(rec), url=str(url) if url else None, location=str(location) if location else None)
        pred = {f.value for f in ex.phones}
        pairs.append((gold, pred))
        foreign.append(({p for p in gold if not p.startswith("+1")}, {p for p in pred if not p.startswith("+1")}))
    out: dict[str, Any] = _set_counts(pairs)
    out["ads"] = len(pairs)
    n_gold = sum(len(g) for g, _ in pairs)
    out["foreign_share"] = round(sum(len(g) for g, _ in foreign) / n_gold, 4) if n_gold else 0.0
    out["foreign"] = _set_counts(foreign)
    return out


def _handles(path: Path) -> dict[str, Any]:
    strict, loose = [], []
    for rec in _jsonl(path):
        correct = rec.get("correct") or {}
        gold = {(str(p).lower(), str(h).lower().lstrip("@")) for p, hs in correct.items() for h in hs}
        ex = extract_all(str(rec.get("text") or ""))
        pred = {(str(f.attrs.get("platform", "unknown")), f.value) for f in ex.handles}
        strict.append((gold, pred))
        loose.append(({h for _, h in gold}, {h for _, h in pred}))
    out: dict[str, Any] = _set_counts(strict)
    out["ads"] = len(strict)
    out["value_only"] = _set_counts(loose)
    return out


def _emails(path: Path) -> dict[str, Any]:
    pairs = []
    for rec in _jsonl(path):
        gold = {str(e).lower() for e in rec.get("correct") or []}
        pred = {f.value for f in extract_all(str(rec.get("text") or "")).emails}
        pairs.append((gold, pred))
    out: dict[str, Any] = _set_counts(pairs)
    out["rows"] = len(pairs)
    return out


def _minutes(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _prices(path: Path) -> dict[str, Any]:
    tp = fp = fn = 0
    vtp = vfp = vfn = 0
    ads = ads_exact = 0
    for rec in _jsonl(path):
        ads += 1
        gold = Counter(
            (float(p["value"]), _minutes((p.get("metadata") or {}).get("time_unit")))
            for p in rec.get("annotated_price") or []
        )
        ex = extract_all(str(rec.get("text") or ""))
        pred = Counter((float(f.value), f.attrs.get("minutes")) for f in ex.prices)
        inter = sum((gold & pred).values())
        tp += inter
        fp += sum(pred.values()) - inter
        fn += sum(gold.values()) - inter
        gv = Counter(v for v, _ in gold.elements())
        pv = Counter(v for v, _ in pred.elements())
        vi = sum((gv & pv).values())
        vtp += vi
        vfp += sum(pv.values()) - vi
        vfn += sum(gv.values()) - vi
        ads_exact += gold == pred
    out: dict[str, Any] = prf(tp, fp, fn)
    out["exact_match"] = out["recall"]
    out["ads"] = ads
    out["ads_exact"] = round(ads_exact / ads, 4) if ads else 1.0
    out["value_only"] = prf(vtp, vfp, vfn)
    return out


_COUNTRY_NAME_ALIASES = {"former ussr": "SU", "soviet union": "SU"}


def _url_country(path: Path) -> dict[str, Any]:
    gaz = gazetteer()
    total = correct = unresolved = 0
    for rec in _jsonl(path):
        total += 1
        name = str(rec.get("expected") or "").lower()
        expected = _COUNTRY_NAME_ALIASES.get(name) or gaz.countries.get(name)
        got = country_from_url(str(rec.get("url") or ""))
        if got is None:
            unresolved += 1
        correct += got is not None and got == expected
    return {
        "accuracy": round(correct / total, 4) if total else 1.0,
        "correct": correct,
        "urls": total,
        "unresolved": unresolved,
    }


def evaluate(data_dir: str | Path) -> dict[str, Any]:
    """Figures for every extractor with labelled data under ``data_dir``."""
    root = Path(data_dir)
    tasks: list[tuple[str, Path, Any]] = [
        ("phone_lines", root / "phone" / "obfuscated_phone_lines.csv", lambda p: _phones(p, "input_text", False)),
        ("phone_urls", root / "phone" / "obfuscated_phone_urls.csv", lambda p: _phones(p, "url", True)),
        ("phone_ads", root / "phone" / "full_ads.jsonl", _phone_ads),
        ("handle", root / "other_extractors" / "social_media_handles.jl", _handles),
        ("email", root / "other_extractors" / "emails.jl", _emails),
        ("price", root / "price" / "etk_price_groundtruth.jl", _prices),
        ("url_country", root / "other_extractors" / "url_country.jl", _url_country),
        ("stated_age", root / "age" / "age_dev.jsonl", age_dev),
        ("stated_age_wa", root / "clustering" / "backpage_wa_2013_ads.jsonl", wa_stated_age),
    ]
    results: dict[str, Any] = {}
    for name, path, fn in tasks:
        if not path.exists():
            results[name] = {"skipped": f"{path} not found"}
            continue
        results[name] = fn(path)
    return results
