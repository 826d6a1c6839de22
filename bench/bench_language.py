"""Benchmark: language detection per ad (``adwarden.extract.language.detect_language``) on one core.

    .venv/bin/python bench/bench_language.py ../shared/data/clustering/backpage_wa_2013_ads.jsonl [--repeat 3]

Reports, measured in the same run on the same ads (text = title + newline + body):

* ``detect_language`` -- the path screening runs for posts with youth evidence (script shortcut, a sample of
  at most ``SAMPLE_CHARS`` letters, lingua's low-accuracy mode restricted to the supported languages);
* baseline 1 -- lingua on the whole text (same detector, no sampling);
* baseline 2 -- ``extract_all`` on the same ads, to put the cost next to extraction's;
* the share of ads per detected language.

CPU time of this process (``time.process_time``), best of ``--repeat`` passes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="JSONL file of ads (title/body or text)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    from adwarden.extract import extract_all
    from adwarden.extract.language import _detector, detect_language
    from bench_extract import load_texts

    texts = load_texts(args.path, args.limit)
    n = len(texts)
    detect_language(texts[0])
    det = _detector()
    codes = Counter(detect_language(t).code for t in texts)
    t_sample = _best(lambda: [detect_language(t) for t in texts], args.repeat)
    t_full = _best(lambda: [det.compute_language_confidence_values(t) for t in texts], args.repeat)
    extract_all(texts[0])
    t_extract = _best(lambda: [extract_all(t) for t in texts], args.repeat)
    out = {
        "ads": n,
        "detect_language_us_per_ad": round(t_sample / n * 1e6, 1),
        "lingua_full_text_us_per_ad": round(t_full / n * 1e6, 1),
        "extract_all_us_per_ad": round(t_extract / n * 1e6, 1),
        "speedup_vs_full_text": round(t_full / t_sample, 2),
        "cost_vs_extract_all": round(t_sample / t_extract, 2),
        "languages": dict(codes.most_common()),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:28s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
