"""Evaluate the indicator lexicon (and the default policy) on public data; print only ids and counts.

    .venv/bin/python bench/eval_indicators.py --data /work/shared/data [--threatexchange DIR] [--json]

* ``ad_category/{train,test}.csv`` (2 = massage parlour, 3 = escort, 4 = job ad): per-class mean indicator score
  (sum of the weights of distinct indicators found), mean policy risk (default policy on indicator + fact
  evidence), share of ads with any hit, per-category hit rates, and the AUC of escort vs job and massage vs job
  (the probability that a random ad of the first class scores above a random job ad).
* ``clustering/backpage_wa_2013_ads.jsonl``: hit rate per category and the 20 most frequent indicators.
* ``pdq/``: the PDQ index answers the MIH needles exactly as brute force; when ``--threatexchange`` points at a
  checkout of facebook/ThreatExchange (the test photos are not in the shared data), our PDQ hashes of the
  listed images are compared with the expected hashes within each row's tolerance.

No ad text is printed or written: the output is indicator ids, categories and numbers.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adwarden.detect.facts import facts_evidence
from adwarden.detect.indicators import IndicatorDetector, hit_evidence
from adwarden.extract import extract_all
from adwarden.policy import evaluate, load_policy

CLASSES = {"2": "massage", "3": "escort", "4": "job"}


def auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    """Mann-Whitney AUC with ties counted as one half."""
    if not pos or not neg:
        return float("nan")
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + 1 + j) / 2
        rank_sum += avg * sum(1 for k in range(i, j) if ranked[k][1] == 1)
        i = j
    n1, n0 = len(pos), len(neg)
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def score_texts(det: IndicatorDetector, texts: list[str], *, with_policy: bool) -> list[dict[str, Any]]:
    policy = load_policy() if with_policy else None
    out = []
    hits = det.matcher.find_many(texts)
    for text, h in zip(texts, hits, strict=True):
        ev = hit_evidence(h)
        distinct = {e.label: e for e in ev}
        rec: dict[str, Any] = {
            "indicators": sorted(distinct),
            "categories": sorted({e.category for e in ev if e.category}),
            "score": sum(e.weight for e in distinct.values()),
        }
        if policy is not None:
            facts = facts_evidence(extract_all(text), text)
            v = evaluate(policy, [*ev, *facts])
            rec["risk"] = v.risk
            rec["action"] = v.action.value
            rec["queue"] = v.queue
            rec["facts"] = sorted({e.label for e in facts})
        out.append(rec)
    return out


def eval_ad_category(det: IndicatorDetector, root: Path) -> dict[str, Any]:
    rows: list[tuple[str, str]] = []
    csv.field_size_limit(sys.maxsize)
    for name in ("train.csv", "test.csv"):
        with (root / "ad_category" / name).open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                label = CLASSES.get(str(r.get("label", "")).strip())
                if label:
                    rows.append((label, r.get("extracted_text") or ""))
    recs = score_texts(det, [t for _, t in rows], with_policy=True)
    by: dict[str, list[dict[str, Any]]] = {c: [] for c in CLASSES.values()}
    for (label, _), rec in zip(rows, recs, strict=True):
        by[label].append(rec)
    cats = sorted(det.lexicon.categories)
    per_class: dict[str, Any] = {}
    for c, rs in by.items():
        n = len(rs) or 1
        per_class[c] = {
            "ads": len(rs),
            "mean_indicator_score": round(sum(r["score"] for r in rs) / n, 2),
            "mean_policy_risk": round(sum(r["risk"] for r in rs) / n, 2),
            "any_hit": round(sum(1 for r in rs if r["indicators"]) / n, 3),
            "held_or_blocked": round(sum(1 for r in rs if r["action"] != "allow") / n, 3),
            "case_opened_share": round(sum(1 for r in rs if r["queue"]) / n, 3),
            "category_hit_rate": {k: round(sum(1 for r in rs if k in r["categories"]) / n, 3) for k in cats},
            "top_indicators": Counter(i for r in rs for i in r["indicators"]).most_common(8),
        }
    s = {c: [r["score"] for r in rs] for c, rs in by.items()}
    risk = {c: [r["risk"] for r in rs] for c, rs in by.items()}
    return {
        "per_class": per_class,
        "auc_indicator_score": {"escort_vs_job": round(auc(s["escort"], s["job"]), 3),
                                "massage_vs_job": round(auc(s["massage"], s["job"]), 3),
                                "escort_vs_massage": round(auc(s["escort"], s["massage"]), 3)},
        "auc_policy_risk": {"escort_vs_job": round(auc(risk["escort"], risk["job"]), 3),
                            "massage_vs_job": round(auc(risk["massage"], risk["job"]), 3),
                            "escort_vs_massage": round(auc(risk["escort"], risk["massage"]), 3)},
    }


def eval_wa(det: IndicatorDetector, root: Path) -> dict[str, Any]:
    texts = []
    with (root / "clustering" / "backpage_wa_2013_ads.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts.append("\n".join(str(d.get(k) or "") for k in ("title", "body")))
    recs = score_texts(det, texts, with_policy=True)
    n = len(recs)
    cats = sorted(det.lexicon.categories)
    counts = Counter(i for r in recs for i in r["indicators"])
    return {
        "ads": n,
        "any_hit": round(sum(1 for r in recs if r["indicators"]) / n, 3),
        "category_hit_rate": {k: round(sum(1 for r in recs if k in r["categories"]) / n, 3) for k in cats},
        "top20_indicators": counts.most_common(20),
        "facts_hit_rate": dict(Counter(f for r in recs for f in r["facts"]).most_common()),
        "actions": dict(Counter(r["action"] for r in recs)),
        "queues": dict(Counter(r["queue"] or "none" for r in recs)),
    }


def eval_pdq(root: Path, te_root: Path | None) -> dict[str, Any]:
    from adwarden.detect.banks.images import hash_image
    from adwarden.detect.banks.pdq_index import PdqIndex, hex_to_bytes

    pdq = root / "pdq"
    hay = [ln.strip() for ln in (pdq / "mih_haystack.txt").read_text().splitlines() if ln.strip()]
    needles = [ln.strip() for ln in (pdq / "mih_needles.txt").read_text().splitlines() if ln.strip()]
    idx = PdqIndex(hex_to_bytes(hay))
    nb = hex_to_bytes(needles)
    exact = all(idx.query(q) == idx.brute_force(q) for q in nb)
    out: dict[str, Any] = {"mih_needles": len(needles), "mih_haystack": len(hay),
                           "needles_with_match_r31": sum(1 for q in nb if idx.query(q)), "index_equals_brute_force": exact}
    rows = list(csv.DictReader((pdq / "pdq_expected_hashes.csv").open(encoding="utf-8")))
    checked = []
    for r in rows:
        rel = r["image_path_in_facebook_ThreatExchange"]
        path = te_root / rel if te_root is not None else None
        if path is None or not path.is_file():
            continue
        h = hash_image(path.read_bytes())
        tol = 16 if "<= 16" in (r.get("notes") or "") else (1 if "<= 1" in (r.get("notes") or "") else 8)
        if h.pdq is None:
            checked.append({"image": rel, "ok": False, "error": h.error})
            continue
        d = bin(int(h.pdq, 16) ^ int(r["expected_pdq_hex"], 16)).count("1")
        checked.append({"image": rel, "distance": d, "tolerance": tol, "ok": d <= tol,
                        "quality": h.pdq_quality, "expected_quality": r.get("expected_quality") or None})
    out["expected_hash_rows"] = len(rows)
    out["images_found"] = len(checked)
    out["images_within_tolerance"] = sum(1 for c in checked if c["ok"])
    if checked:
        out["max_distance"] = max(c.get("distance", 256) for c in checked)
        out["details"] = checked
    else:
        out["note"] = ("the test photos are not in the shared data; pass --threatexchange with a checkout of "
                       "facebook/ThreatExchange to compare hashes")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="the shared data directory")
    ap.add_argument("--threatexchange", type=Path, help="checkout of facebook/ThreatExchange (PDQ test photos)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    det = IndicatorDetector()
    report = {"lexicon": det.lexicon.version, "policy": load_policy().version,
              "ad_category": eval_ad_category(det, args.data), "wa_2013": eval_wa(det, args.data),
              "pdq": eval_pdq(args.data, args.threatexchange)}
    if args.json:
        print(json.dumps(report, indent=1))
        return
    ac = report["ad_category"]
    print(f"lexicon {report['lexicon']}, policy {report['policy']}")
    print("ad_category (train + test):")
    for c, r in ac["per_class"].items():
        print(f"  {c:8s} n={r['ads']:4d} mean score {r['mean_indicator_score']:6.2f}  mean risk {r['mean_policy_risk']:6.2f}"
              f"  any hit {r['any_hit']:.3f}  held {r['held_or_blocked']:.3f}  case {r['case_opened_share']:.3f}")
    print(f"  AUC indicator score: {ac['auc_indicator_score']}")
    print(f"  AUC policy risk:     {ac['auc_policy_risk']}")
    wa = report["wa_2013"]
    print(f"WA 2013: {wa['ads']} ads, any hit {wa['any_hit']}")
    for k, v in wa["category_hit_rate"].items():
        print(f"  {k:20s} {v:.3f}")
    print("  top 20:", ", ".join(f"{i} {n}" for i, n in wa["top20_indicators"]))
    print(f"  actions {wa['actions']} queues {wa['queues']}")
    p = report["pdq"]
    print(f"PDQ: index == brute force on needles: {p['index_equals_brute_force']}, needles with a match: "
          f"{p['needles_with_match_r31']}/{p['mih_needles']}; expected-hash images found: {p['images_found']}"
          f"/{p['expected_hash_rows']}, within tolerance: {p['images_within_tolerance']}")


if __name__ == "__main__":
    main()
