"""Check that ``extract_all`` gives identical output with two source trees (a speed-up must change nothing).

    PYTHONPATH=src .venv/bin/python bench/compare_extract.py --baseline-src /tmp/extract-base/src

Runs every corpus below through ``extract_all`` in this process (the tree on ``sys.path``) and, in a
child process, with ``--baseline-src`` first on the path, then compares the two outputs ad by ad: every
fact's kind, value, span and attributes, in order. Exits 1 and prints the first differences if any ad
differs. Corpora (texts, and where the record has them the post's URL and location):

* the WA 2013 corpus, each ad twice: text alone (as ``bench_extract.py`` runs it) and with its URL and
  location (as a scan runs it);
* ``--synthetic`` ads from :mod:`adwarden.demo.generate` as ``bench_extract.py`` builds them, and the
  demo posts themselves with their URL and location;
* the texts of the labelled extraction sets under ``--data`` (phones, prices, ages, e-mails, handles,
  URL countries) and the SMS spam collection (varied short real texts with numbers and money).

With ``--many`` this tree runs every case through ONE ``extract_many`` call instead (what ``adwarden scan`` runs
per chunk: each distinct text once, reposts and the two passes over each WA ad share it), the baseline still
``extract_all`` one by one.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

Case = tuple[str, str, str | None, str | None]  # (label, text, url, location)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def cases(data: Path, synthetic: int) -> Iterator[Case]:
    """Every (label, text, url, location) to compare, in a fixed order."""
    from bench_extract import synthetic_texts

    wa = data / "clustering" / "backpage_wa_2013_ads.jsonl"
    if wa.exists():
        for i, rec in enumerate(_jsonl(wa)):
            text = f"{rec.get('title') or ''}\n{rec.get('body') or ''}"
            yield f"wa:{i}", text, None, None
            yield f"wa+url:{i}", text, rec.get("url"), rec.get("location")
    for i, text in enumerate(synthetic_texts(synthetic)):
        yield f"synthetic:{i}", text, None, None
    from adwarden.demo.generate import generate_posts

    for i, post in enumerate(generate_posts(min(synthetic, 5000), seed=1)):
        yield f"demo:{i}", f"{post['title']}\n{post['body']}", post.get("url"), post.get("location")
    for rel in ("age/age_dev.jsonl", "price/etk_price_groundtruth.jl", "other_extractors/emails.jl",
                "other_extractors/social_media_handles.jl", "other_extractors/url_country.jl"):
        path = data / rel
        if path.exists():
            for i, rec in enumerate(_jsonl(path)):
                text = rec.get("text") or rec.get("url") or ""
                yield f"{rel}:{i}", str(text), rec.get("url"), None
    for rel, column in (("phone/obfuscated_phone_lines.csv", "input_text"), ("ad_category/train.csv", "extracted_text"),
                        ("ad_category/test.csv", "extracted_text")):
        path = data / rel
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                for i, row in enumerate(csv.DictReader(fh)):
                    yield f"{rel}:{i}", row.get(column) or "", None, None
    sms = data / "sms_spam" / "SMSSpamCollection.tsv"
    if sms.exists():
        with sms.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                yield f"sms:{i}", line.rstrip("\n").partition("\t")[2], None, None


def dump(data: Path, synthetic: int, many: bool = False) -> Iterator[tuple[str, str]]:
    """(label, canonical JSON of the extraction) for every case (all of them in one ``extract_many`` call with
    ``many``)."""
    from adwarden.extract import extract_all

    every = list(cases(data, synthetic))
    if many:
        from adwarden.extract import extract_many  # type: ignore[attr-defined,unused-ignore]

        found = extract_many([(text, url, location) for _label, text, url, location in every])
    else:
        found = [extract_all(text, url=url, location=location) for _label, text, url, location in every]
    for (label, _text, _url, _location), ex in zip(every, found, strict=True):
        facts = [[f.kind, f.value, f.start, f.end, dict(f.attrs)] for f in ex.facts()]
        yield label, json.dumps(facts, sort_keys=True, ensure_ascii=False, default=repr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-src", type=Path, help="the other tree's src/ directory")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--synthetic", type=int, default=20000)
    ap.add_argument("--dump", action="store_true", help="print label<TAB>extraction lines and exit")
    ap.add_argument("--many", action="store_true", help="this tree runs every case through one extract_many call")
    args = ap.parse_args(argv)
    if args.dump:
        for label, out in dump(args.data, args.synthetic, args.many):
            print(f"{label}\t{out}")
        return 0
    if args.baseline_src is None:
        ap.error("give --baseline-src (or --dump)")
    env = {**os.environ, "PYTHONPATH": str(args.baseline_src.resolve())}
    child = subprocess.run(
        [sys.executable, __file__, "--dump", "--data", str(args.data), "--synthetic", str(args.synthetic)],
        env=env, check=True, capture_output=True, text=True,
    )
    theirs = [line.split("\t", 1) for line in child.stdout.splitlines()]
    ours = list(dump(args.data, args.synthetic, args.many))
    if len(theirs) != len(ours):
        print(f"DIFFERENT: {len(ours)} cases here, {len(theirs)} in the baseline")
        return 1
    by_corpus: dict[str, list[int]] = {}
    diffs: list[tuple[str, str, str]] = []
    facts = 0
    digest_ours, digest_theirs = hashlib.sha256(), hashlib.sha256()
    for (label, out), (tlabel, tout) in zip(ours, theirs, strict=True):
        corpus = label.rsplit(":", 1)[0]
        counts = by_corpus.setdefault(corpus, [0, 0])
        counts[0] += 1
        facts += len(json.loads(out))
        digest_ours.update(f"{label}\t{out}\n".encode())
        digest_theirs.update(f"{tlabel}\t{tout}\n".encode())
        if label != tlabel or out != tout:
            counts[1] += 1
            diffs.append((label, tout, out))
    for corpus, (n, bad) in by_corpus.items():
        print(f"{corpus:<45} {n:>6} texts  {bad:>4} different")
    print(f"{len(ours)} texts, {facts} facts; sha256 here {digest_ours.hexdigest()[:16]}, "
          f"baseline {digest_theirs.hexdigest()[:16]}")
    for label, tout, out in diffs[:10]:
        print(f"--- {label}\n  baseline: {tout}\n  here:     {out}")
    print("IDENTICAL" if not diffs else f"DIFFERENT: {len(diffs)} texts")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
