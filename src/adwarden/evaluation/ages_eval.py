"""Stated-age extraction measured on labelled public data (read in place, never copied).

* ``age/age_dev.jsonl`` (``{"text", "ages"}``: the advertised person's stated ages, empty when none):
  **exact per ad** is the share of ads whose set of extracted ages equals the labelled set (an ad with
  no labelled age counts as exact only when nothing is extracted); precision, recall and F1 are over the
  (ad, age) pairs.
* ``clustering/backpage_wa_2013_ads.jsonl`` (``stated_age`` is the age field of the Backpage form, which
  Backpage printed after the title): **found** is the share of ads whose extracted ages include the form's
  age, **exact** the share whose extracted ages are exactly it, and ``under_18`` the number of ads where an
  age under 18 was extracted (every ad of that form says 18 or over).

Only counts are returned; no ad text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from adwarden.extract import extract_all

__all__ = ["age_dev", "wa_stated_age"]


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def age_dev(path: Path) -> dict[str, Any]:
    """Exact-per-ad share and pair P/R/F1 on a labelled age file (see the module docstring)."""
    ads = exact = tp = fp = fn = 0
    cues: Counter[str] = Counter()
    for rec in _jsonl(path):
        ads += 1
        gold = {str(a) for a in rec.get("ages") or []}
        facts = extract_all(str(rec.get("text") or "")).ages
        pred = {f.value for f in facts}
        exact += gold == pred
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        cues.update(str(f.attrs.get("cue")) for f in facts if f.value in gold)
    out: dict[str, Any] = {"ads": ads, "exact_per_ad": round(exact / ads, 4) if ads else 1.0, "exact_ads": exact}
    out.update(_prf(tp, fp, fn))
    out["true_ages_by_cue"] = dict(cues.most_common())
    return out


def wa_stated_age(path: Path) -> dict[str, Any]:
    """Agreement with the Backpage form's age field on the WA 2013 corpus (see the module docstring)."""
    ads = found = exact = under_18 = 0
    for rec in _jsonl(path):
        stated = rec.get("stated_age")
        if stated is None:
            continue
        ads += 1
        text = f"{rec.get('title') or ''}\n{rec.get('body') or ''}"
        values = {f.value for f in extract_all(text).ages}
        found += str(stated) in values
        exact += values == {str(stated)}
        under_18 += any(int(v) < 18 for v in values)
    return {"ads": ads, "found": round(found / ads, 4) if ads else 1.0,
            "exact": round(exact / ads, 4) if ads else 1.0, "under_18": under_18}
