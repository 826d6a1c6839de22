"""Instruction count of ``extract_all`` per ad, under valgrind, independent of the machine's load.

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=math_fsum \\
        --callgrind-out-file=/tmp/extract.cg \\
        .venv/bin/python bench/bench_extract_instructions.py --src src --ads 400 --passes 2 \\
        ../shared/data/clustering/backpage_wa_2013_ads.jsonl
    valgrind ... bench/bench_extract_instructions.py --src src --ads 600 --passes 2 --synthetic
    valgrind ... bench/bench_extract_instructions.py --src src --ads 1500 --scan-chunk /tmp/adwarden-scan-1000000.jsonl

On a shared machine CPU-time figures of the same code scatter by 10-25 % between runs; an instruction
count does not depend on the load (it scatters by about 0.5 %). The timed passes run inside
``math.fsum`` (a C function nothing else here calls), so ``--toggle-collect=math_fsum`` counts exactly
them: start-up, imports, the gazetteer and one warm pass over the ads are left out. Divide the
``Collected`` figure valgrind prints by ``ads * passes``. ``--scan-chunk CORPUS`` counts the scan worker's whole
``scan_chunk`` (read, validate, extract, detectors, signatures, linker records) instead, over one chunk of the
``--ads`` lines that follow the first 3,000 lines of the JSONL corpus (those 3,000 are the warm-up chunk); divide
by ``ads * passes`` as well. ``--src`` puts a source tree first on the path,
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
    ap.add_argument("--scan-chunk", type=Path, default=None, metavar="CORPUS",
                    help="count scan_chunk over --ads lines of this JSONL corpus instead of extract_all")
    args = ap.parse_args(argv)
    if args.path is None and not args.synthetic and args.scan_chunk is None:
        ap.error("give a JSONL path, --synthetic or --scan-chunk CORPUS")
    if args.src is not None:
        sys.path.insert(0, str(args.src.resolve()))
    if args.scan_chunk is not None:
        return _scan_chunk(args.scan_chunk, args.ads, args.passes)
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


def _scan_chunk(corpus: Path, ads: int, passes: int) -> int:
    """Count ``scan_chunk`` over one chunk of ``ads`` lines after a warm-up chunk of the first 3,000."""
    import tempfile
    from itertools import islice

    from adwarden.config import Settings
    from adwarden.pipeline import WARM_UP_POST
    from adwarden.runtime import build_screener
    from adwarden.scan.runner import ScanOptions
    from adwarden.scan.sources import Chunk, Source, plan_chunks, resolve_corpus
    from adwarden.scan.worker import ScanJob, scan_chunk

    tmp = Path(tempfile.mkdtemp(prefix="bench-instr-"))
    warm, head = tmp / "warm.jsonl", tmp / "head.jsonl"
    with corpus.open("rb") as src:
        warm.write_bytes(b"".join(islice(src, 3000)))
        head.write_bytes(b"".join(islice(src, ads)))
    opts = ScanOptions()
    screener = build_screener(Settings())
    screener.screen(WARM_UP_POST)
    job = ScanJob(screener=screener, mapping={}, minhash=opts.link.text, max_body_chars=opts.max_body_chars,
                  max_field_chars=opts.max_field_chars)

    def chunks(path: Path) -> list[Chunk]:
        sources = [Source(0, s.path, s.fmt, s.size) for s in resolve_corpus(str(path), opts.fmt)]
        return list(plan_chunks(sources, 1 << 30))  # one chunk per file

    for c in chunks(warm):
        scan_chunk(job, c)
    todo = chunks(head)
    count = [0]

    def runs() -> Iterator[float]:
        for _ in range(passes):
            for c in todo:
                count[0] += len(scan_chunk(job, c).records)
                yield 0.0

    math.fsum(runs())
    for f in (warm, head):
        f.unlink()
    tmp.rmdir()
    print(f"{count[0]} ads screened by scan_chunk in the counted passes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
