"""Instruction count of ``extract_all`` per ad, under valgrind, independent of the machine's load.

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=math_fsum \\
        --callgrind-out-file=/tmp/extract.cg \\
        .venv/bin/python bench/bench_extract_instructions.py --src src --ads 400 --passes 2 \\
        ../shared/data/clustering/backpage_wa_2013_ads.jsonl
    valgrind ... bench/bench_extract_instructions.py --src src --ads 600 --passes 2 --synthetic

On a shared machine CPU-time figures of the same code scatter by 10-25 % between runs; an instruction
count does not depend on the load (it scatters by about 0.5 %). The timed passes run inside
``math.fsum`` (a C function nothing else here calls), so ``--toggle-collect=math_fsum`` counts exactly
them: start-up, imports, the gazetteer and one warm pass over the ads are left out. Divide the
``Collected`` figure valgrind prints by ``ads * passes``. ``--src`` puts a source tree first on the path,
to count another tree (a baseline) the same way. Without valgrind the script just runs the passes.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?", help="JSONL file of ads (title/body or text)")
    ap.add_argument("--synthetic", action="store_true", help="synthetic 500-character ads instead of a file")
    ap.add_argument("--src", type=Path, default=None, help="source tree to put first on sys.path")
    ap.add_argument("--ads", type=int, default=400, help="number of ads")
    ap.add_argument("--passes", type=int, default=2, help="timed passes over the ads")
    args = ap.parse_args(argv)
    if args.path is None and not args.synthetic:
        ap.error("give a JSONL path or --synthetic")
    if args.src is not None:
        sys.path.insert(0, str(args.src.resolve()))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from adwarden.extract import extract_all
    from bench_extract import load_texts, synthetic_texts

    texts = synthetic_texts(args.ads) if args.synthetic else load_texts(args.path, args.ads)
    for t in texts:  # warm: gazetteer, pattern compilation, caches of the first pass
        extract_all(t)

    def passes() -> Iterator[float]:
        for _ in range(args.passes):
            for t in texts:
                extract_all(t)
                yield 0.0

    math.fsum(passes())
    print(f"{len(texts)} ads x {args.passes} passes = {len(texts) * args.passes} extractions counted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
