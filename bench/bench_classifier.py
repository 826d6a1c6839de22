"""Benchmark: per-ad cost of the promoted classifier detector, on the path a post takes through screening.

    .venv/bin/python bench/bench_classifier.py ../shared/data

Trains a model as ``adwarden model train`` does, on ``ad_category/train.csv`` (labels 2/3/4), then screens
the ads of ``clustering/backpage_wa_2013_ads.jsonl`` (real ad lengths) and reports, in the same run:

* ``screen`` without the classifier: the default detectors and policy (the baseline);
* ``screen`` with the classifier detector added, in its worst case below (what a promoted model costs on top);
* the detector alone, scoring only (no label reaches the threshold, so no explanation is computed);
* the detector alone, worst case: every label counts as violating (none is benign), so every ad whose top
  label reaches 0.5 also pays for the phrase explanation (``explained_share`` says how many did).

Times are CPU time of this process (best of ``--repeat`` passes), which is what "one core" means and is less
disturbed by other load on a shared machine than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the shared data directory (ad_category/, clustering/)")
    ap.add_argument("--limit", type=int, default=1000, help="ads to screen (default 1000)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from adwarden.config import Settings
    from adwarden.detect.base import DetectorRegistry, ScreenContext
    from adwarden.detect.classifier import ClassifierDetector, train_text_model
    from adwarden.domain import PostInput
    from adwarden.evaluation.classifier_eval import read_category_file
    from adwarden.extract import extract_all
    from adwarden.pipeline import Screener
    from adwarden.runtime import build_screener

    texts, labels, _ = read_category_file(args.data / "ad_category" / "train.csv")
    t0 = time.perf_counter()
    model = train_text_model(texts, labels)
    train_s = time.perf_counter() - t0

    posts: list[PostInput] = []
    with (args.data / "clustering" / "backpage_wa_2013_ads.jsonl").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if len(posts) >= args.limit:
                break
            rec = json.loads(line)
            posts.append(PostInput(external_id=f"b{i}", title=rec.get("title") or None, body=rec.get("body") or ""))
    chars = sum(len(p.text) for p in posts) / len(posts)

    base = build_screener(Settings(environment="test"))
    scoring = ClassifierDetector(model, "bench", min_probability=1.0)  # never reaches the threshold
    worst = ClassifierDetector(model, "bench", min_probability=0.5, benign_labels=frozenset())
    with_cls = Screener(DetectorRegistry([*base.registry, worst]), base.policy)
    ctxs = [ScreenContext(post=p, text=p.text, extraction=extract_all(p.text)) for p in posts]
    for s in (base, with_cls):  # warm caches (gazetteer, automata)
        s.screen(posts[0])

    figures = {
        "screen_without_classifier": _best(lambda: [base.screen(p) for p in posts], args.repeat),
        "screen_with_classifier": _best(lambda: [with_cls.screen(p) for p in posts], args.repeat),
        "detector_scoring_only": _best(lambda: [scoring.detect(c) for c in ctxs], args.repeat),
        "detector_with_explanation": _best(lambda: [worst.detect(c) for c in ctxs], args.repeat),
    }
    n = len(posts)
    explained = sum(1 for c in ctxs if worst.detect(c))
    per_ad = {k: round(v / n * 1e6, 1) for k, v in figures.items()}
    out = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared with other "
                   "jobs), Python " + sys.version.split()[0],
        "ads": n, "mean_chars": round(chars), "train_seconds_wall": round(train_s, 2),
        "explained_share": round(explained / n, 3),
        "microseconds_per_ad_cpu": per_ad,
        "ads_per_second_cpu": {k: round(n / v) for k, v in figures.items()},
        "screen_cost_ratio_with_vs_without": round(figures["screen_with_classifier"]
                                                    / figures["screen_without_classifier"], 3),
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
