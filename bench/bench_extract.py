"""Benchmark: ``extract_all`` over a JSONL corpus of ads on one core (target: >= 5,000 ads/s).

    .venv/bin/python bench/bench_extract.py ../shared/data/clustering/backpage_wa_2013_ads.jsonl

Each ad's text is ``title + "\\n" + body`` (or ``text``). Reports, measured in the same run:

* ``extract_all`` -- all registered extractors (ads/s, best of ``--repeat`` passes);
* the baseline -- ``phonenumbers.PhoneNumberMatcher`` over every ad, i.e. phones only with the
  general-purpose matcher and no fast path;
* the ratio between the two, plus the per-extractor cost in microseconds per ad.

Times are CPU time of this process (``time.process_time``), which is what "one core" means and is
less disturbed by other load on a shared machine than wall time; wall time is printed too.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def load_texts(path: Path, limit: int | None = None) -> list[str]:
    """Ad texts from a JSONL file: ``title`` + newline + ``body``, or ``text``."""
    texts: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if "text" in rec:
                texts.append(str(rec["text"]))
            else:
                texts.append(f"{rec.get('title') or ''}\n{rec.get('body') or ''}")
            if limit is not None and len(texts) >= limit:
                break
    return texts


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(best CPU seconds, wall seconds of that pass) over ``repeat`` passes."""
    best_cpu, best_wall = float("inf"), float("inf")
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        c1, w1 = time.process_time(), time.perf_counter()
        if c1 - c0 < best_cpu:
            best_cpu, best_wall = c1 - c0, w1 - w0
    return best_cpu, best_wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="JSONL file of ads (title/body or text)")
    ap.add_argument("--repeat", type=int, default=3, help="passes; the best is reported")
    ap.add_argument("--limit", type=int, default=None, help="only the first N ads")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    import phonenumbers

    from adwarden.extract import extract_all, registered
    from adwarden.extract.base import ExtractContext

    texts = load_texts(args.path, args.limit)
    n = len(texts)
    chars = sum(map(len, texts))
    # Warm-up: gazetteer, regex compilation and phone validation caches are start-up costs.
    extract_all(texts[0], location="Seattle, WA")

    def run_all() -> None:
        for t in texts:
            extract_all(t)

    def run_baseline() -> None:
        for t in texts:
            for _ in phonenumbers.PhoneNumberMatcher(t, "US"):
                pass

    cpu, wall = _best(run_all, args.repeat)
    base_cpu, base_wall = _best(run_baseline, max(1, args.repeat - 1))
    per_extractor: dict[str, float] = {}
    for ex in registered():
        def run_one(ex: Any = ex) -> None:
            for t in texts:
                for _ in ex.extract(ExtractContext(t)):
                    pass
        c, _w = _best(run_one, 1)
        per_extractor[ex.name()] = round(c / n * 1e6, 1)
    from adwarden.extract.normalize import fold

    fold_cpu, _ = _best(lambda: [fold(t) for t in texts], 1)
    phone = next(ex for ex in registered() if ex.name() == "phone")

    def run_phone_only() -> None:
        for t in texts:
            for _ in phone.extract(ExtractContext(t)):
                pass

    phone_cpu, _ = _best(run_phone_only, max(1, args.repeat - 1))
    figures = {
        "ads": n,
        "avg_chars": round(chars / n, 1),
        "extract_all_ads_per_s": round(n / cpu),
        "extract_all_us_per_ad": round(cpu / n * 1e6, 1),
        "extract_all_wall_ads_per_s": round(n / wall),
        "baseline": "phonenumbers.PhoneNumberMatcher(text, 'US') on every ad (phones only)",
        "baseline_ads_per_s": round(n / base_cpu),
        "speedup_vs_baseline": round(base_cpu / cpu, 2),
        "phone_extractor_only_ads_per_s": round(n / phone_cpu),
        "phone_only_speedup_vs_baseline": round(base_cpu / phone_cpu, 2),
        "fold_us_per_ad": round(fold_cpu / n * 1e6, 1),
        "per_extractor_us_per_ad_including_fold": per_extractor,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "phonenumbers": phonenumbers.__version__,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{n} ads, {figures['avg_chars']} chars on average, Python {figures['python']}")
        print(f"extract_all : {figures['extract_all_ads_per_s']:>7} ads/s CPU "
              f"({figures['extract_all_us_per_ad']} us/ad; wall {figures['extract_all_wall_ads_per_s']} ads/s)")
        print(f"baseline    : {figures['baseline_ads_per_s']:>7} ads/s CPU  [{figures['baseline']}]")
        print(f"speed-up    : {figures['speedup_vs_baseline']}x (all 11 extractors vs phones only)")
        print(f"phones only : {figures['phone_extractor_only_ads_per_s']:>7} ads/s CPU "
              f"({figures['phone_only_speedup_vs_baseline']}x the baseline, same task)")
        print(f"fold        : {figures['fold_us_per_ad']} us/ad")
        for name, us in per_extractor.items():
            print(f"  {name:<15} {us:>6} us/ad (each run alone, including its own fold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
