"""How often each youth cue fires on the shared corpora, and whether any adult reaches the child-safety queue.

``evaluate_youth(data_dir)`` reads (never copies) the Backpage WA 2013 corpus and the ad-category files and
returns, with no ad text:

* ``terms``: per youth term (indicator id and the matched words, lower-cased, or ``facts:<term>`` for the
  youth-language extractor), the number of ads where it **fired** and where it was **suppressed**, by the
  context reason (negated, past, reader, qualification, name, allowlist);
* ``child_safety``: per corpus, the ads the default screening (default lexicon, facts, default policy) routes
  to the restricted child-safety queue, with the evidence labels that sent them there. In the WA corpus every
  ad carries the Backpage form's age (18 or over), so each such ad is counted as an adult there
  (``adults``) unless its text states an age under 18.

Matched words are lexicon phrases (or their obfuscated spellings), never surrounding text.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from adwarden.detect.facts import facts_evidence
from adwarden.detect.indicators import IndicatorDetector, hit_evidence
from adwarden.evaluation.csvlimit import wide_csv_fields
from adwarden.extract import extract_all
from adwarden.policy import evaluate, load_policy

__all__ = ["evaluate_youth"]

_AD_CATEGORY = {"2": "massage", "3": "escort", "4": "job"}


def _wa(path: Path) -> Iterator[tuple[str, str, int | None]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                stated = rec.get("stated_age")
                yield "wa_2013", f"{rec.get('title') or ''}\n{rec.get('body') or ''}", stated


def _ad_category(root: Path) -> Iterator[tuple[str, str, int | None]]:
    for name in ("train.csv", "test.csv"):
        path = root / name
        if not path.exists():
            continue
        with wide_csv_fields(), path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                label = _AD_CATEGORY.get(str(row.get("label", "")).strip())
                if label:
                    yield f"ad_category_{label}", row.get("extracted_text") or "", None


def evaluate_youth(data_dir: str | Path, *, top: int = 25) -> dict[str, Any]:
    """Youth-term firing counts and the child-safety routing of the default screening (module docstring)."""
    root = Path(data_dir)
    records: list[tuple[str, str, int | None]] = []
    wa = root / "clustering" / "backpage_wa_2013_ads.jsonl"
    if wa.exists():
        records.extend(_wa(wa))
    if (root / "ad_category").is_dir():
        records.extend(_ad_category(root / "ad_category"))
    if not records:
        return {"skipped": f"no corpus found under {root}"}
    det = IndicatorDetector()
    policy = load_policy()
    fired: Counter[str] = Counter()
    suppressed: dict[str, Counter[str]] = defaultdict(Counter)
    ads: Counter[str] = Counter()
    routed: dict[str, Counter[str]] = defaultdict(Counter)
    routed_ads: Counter[str] = Counter()
    adults: Counter[str] = Counter()
    hits_all = det.matcher.find_many([t for _, t, _ in records], keep_suppressed=True)
    for (corpus, text, stated), hits in zip(records, hits_all, strict=True):
        ads[corpus] += 1
        seen_f: set[str] = set()
        seen_s: set[tuple[str, str]] = set()
        for h in hits:
            if h.indicator.category != "youth":
                continue
            term = f"{h.indicator.id}: {' '.join(h.text.lower().split())}"
            if h.suppressed is None:
                seen_f.add(term)
            else:
                seen_s.add((term, h.suppressed))
        ex = extract_all(text)
        for f in ex.youth_language:
            seen_f.add(f"facts: {f.value}")
        fired.update(seen_f)
        for term, why in seen_s:
            suppressed[term][why] += 1
        evidence = [*hit_evidence([h for h in hits if h.suppressed is None]), *facts_evidence(ex, text)]
        verdict = evaluate(policy, evidence)
        if verdict.queue == "child-safety":
            routed_ads[corpus] += 1
            routed[corpus].update({e.label for e in evidence if e.category == "youth"})
            minor_stated = any(e.label == "stated_age_under_18" for e in evidence)
            if stated is not None and stated >= 18 and not minor_stated:
                adults[corpus] += 1
    terms = sorted(set(fired) | set(suppressed), key=lambda t: (-fired[t], -sum(suppressed[t].values()), t))
    return {
        "ads": dict(ads),
        "lexicon": det.lexicon.version,
        "policy": policy.version,
        "terms": [{"term": t, "fired": fired[t], "suppressed": dict(suppressed[t])} for t in terms[:top]],
        "terms_total": len(terms),
        "suppressed_by_reason": dict(sum((c for c in suppressed.values()), Counter()).most_common()),
        "child_safety": {c: {"ads": routed_ads[c], "adults": adults[c], "labels": dict(routed[c].most_common())}
                         for c in ads},
    }
