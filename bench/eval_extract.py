"""Evaluate the extractors on labelled public data.

    python bench/eval_extract.py --data /work/shared/data [--json]

Prints precision / recall / F1 per extractor (see :mod:`adwarden.evaluation.extract_eval` for the
exact definitions). ``evaluate(data_dir)`` is importable.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from adwarden.evaluation.extract_eval import evaluate

__all__ = ["evaluate", "main"]


def _line(name: str, r: dict[str, Any]) -> str:
    if "skipped" in r:
        return f"{name:<12} skipped: {r['skipped']}"
    if "accuracy" in r:
        return f"{name:<12} accuracy={r['accuracy']:.3f} ({r['correct']}/{r['urls']}, unresolved {r['unresolved']})"
    extra = ""
    if "exact_match" in r:
        extra = f" exact_match={r['exact_match']:.3f} ads_exact={r['ads_exact']:.3f}"
    if "foreign_share" in r:
        extra += f" foreign_share={r['foreign_share']:.2f} foreign_f1={r['foreign']['f1']:.3f}"
    if "value_only" in r:
        extra += f" value_only_f1={r['value_only']['f1']:.3f}"
    return (
        f"{name:<12} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
        f"(tp={r['tp']} fp={r['fp']} fn={r['fn']}){extra}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="the shared data directory (contains phone/, price/, ...)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    results = evaluate(args.data)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, r in results.items():
            print(_line(name, r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
