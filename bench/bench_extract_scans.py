"""Benchmark: each scan the extractors run, as a plain ``re`` / ``in`` scan and as they run it now.

    PYTHONPATH=src .venv/bin/python bench/bench_extract_scans.py --data ../shared/data --synthetic 5000

Over folded texts (the WA 2013 corpus and synthetic 500-character ads, as ``bench_extract.py`` builds
them), µs of CPU per ad, best of ``--repeat`` passes, for the plain form (``finditer`` of the compiled
pattern, ``any(w in text ...)``) and the form used in ``src/adwarden/extract`` (a scan led by the
character before a word, an Aho-Corasick pass, a literal-led split). Both forms are checked to give the
same spans on every text before they are timed; the script exits 1 if one does not.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _best(fn: Callable[[str], Any], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - c0)
    return best / len(texts) * 1e6


def _spans(rx: re.Pattern[str]) -> Callable[[str], list[tuple[int, int]]]:
    return lambda t: [m.span() for m in rx.finditer(t)]


def pairs() -> list[tuple[str, Callable[[str], Any], Callable[[str], Any]]]:
    """(scan, plain form, current form) for every scan that changed."""
    from adwarden.extract import contacts, cues, numwords, prices
    from adwarden.extract.literals import AnyOf
    from adwarden.extract.retrie import tolerant_alternation
    from adwarden.extract.wordstarts import WordStartScan

    compiled = cues._compiled()
    price_windows = prices._windows
    hints = prices._PRICE_HINTS
    duration_starts = WordStartScan(prices._WORD_TOKENS.pattern, "a-z")
    return [
        ("cue scan, plain", _spans(re.compile(tolerant_alternation(cues._TERMS, leet=False))), compiled.plain.spans),
        ("cue scan, leetspeak", _spans(re.compile(tolerant_alternation(cues._TERMS))), compiled.leet.spans),
        ("number words (phones)", _spans(numwords._WORDS_RE.pattern), numwords._WORDS_RE.spans),
        ("digit runs", _spans(re.compile(r"\d+")), numwords.digit_runs),
        ("price hints, whole text", lambda t: any(h in t for h in hints), prices._HINTS.within),
        ("price hints, digit windows",
         lambda t: [any(h in t[a:b] for h in hints) for a, b in price_windows(t)],
         lambda t: [prices._HINTS.within(t, a, b) for a, b in price_windows(t)]),
        # Tried and not adopted (no faster inside the short windows): a word-start-led duration-word scan.
        ("price duration words, windows [not used]",
         lambda t: [[m.span() for m in prices._WORD_TOKENS.finditer(t, a, b)] for a, b in price_windows(t)],
         lambda t: [duration_starts.spans(t, a, b) for a, b in price_windows(t)]),
        ("spelled e-mail 'at'", _spans(re.compile(r"at(?<=[\s(\[{<]at)(?=[\s)\]}>])|@(?=\s)|@(?<=\s@)")),
         lambda t: [m.span() for m in contacts._at_hits(t)]),
        ("payment service named", lambda t: any(w in t for w in contacts._PAY_WORDS), AnyOf(contacts._PAY_WORDS).within),
        ("payment handles (when named)", _spans(contacts._PAY_HANDLE.pattern), contacts._PAY_HANDLE.spans),
        ("profile domains (when '/')", _spans(contacts._PROFILE_RE.pattern), contacts._PROFILE_RE.spans),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--synthetic", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    from adwarden.extract import contacts
    from adwarden.extract.literals import AnyOf
    from adwarden.extract.normalize import fold
    from bench_extract import load_texts, synthetic_texts

    corpora = {
        "WA 2013": [fold(t).text for t in load_texts(args.data / "clustering" / "backpage_wa_2013_ads.jsonl")],
        "synthetic": [fold(t).text for t in synthetic_texts(args.synthetic)],
    }
    print(f"{'scan':<32}" + "".join(f"{name + ' plain':>18}{'now':>8}{'x':>6}" for name in corpora))
    failed = False
    for name, plain, now in pairs():
        row = f"{name:<32}"
        for texts in corpora.values():
            if "named" in name and "handles" in name:
                texts = [t for t in texts if AnyOf(contacts._PAY_WORDS).within(t)] or texts[:1]
            elif "'/'" in name:
                texts = [t for t in texts if "/" in t] or texts[:1]
            if any(plain(t) != now(t) for t in texts):
                failed = True
                row += f"{'DIFFERENT':>32}"
                continue
            a, b = _best(plain, texts, args.repeat), _best(now, texts, args.repeat)
            row += f"{a:>18.2f}{b:>8.2f}{a / b:>6.1f}"
        print(row)
    print("(µs of CPU per ad; the two 'when' rows per ad that names a payment service / has a '/'; the window "
          "rows include finding the windows, the same for both forms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
