"""Write a synthetic JSONL corpus of ~500-byte ads for the scan and Spark benchmarks (once; reused if present).

    .venv/bin/python bench/scan_corpus.py --count 1000000 --out /tmp/adwarden-scan-1m.jsonl

Everything is fictional and non-explicit: benign marketplace ads made of random words with category phrases,
and ~5% of ads in planted networks (a template per network with name/age/price/phone/city slots, one to three
phones in the fictional 555-01xx range, some written obfuscated as words, shared images and accounts,
circuits of cities over the days). Benign sellers' phones are unique (while the 555-01xx numbers last) and
some ads carry a seller e-mail; one in five benign ads relists a recent seller's. Most ads have no digit run
long enough to be a phone. E-mails are on example.com. The generator is seeded, so a corpus is reproducible.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

from adwarden.demo.generate import (
    _FIRST,
    _NET_SENTENCES,
    _SELLER_FIRST,
    _SELLER_LAST,
    _WORDS,
    CITIES,
    _area_codes,
)

CATEGORIES = {
    "furniture": ("for sale", "pickup only", "best offer", "like new", "solid oak", "moving sale"),
    "jobs": ("now hiring", "apply today", "weekly pay", "full time", "no experience needed"),
    "cars": ("clean title", "runs great", "new tires", "low miles", "one owner"),
    "rentals": ("per month", "near transit", "pets ok", "washer dryer", "utilities included"),
    "services": ("free estimate", "licensed", "insured", "call today", "same day service"),
}
_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()


def _written(rng: random.Random, e164: str) -> str:
    d = e164[2:]
    style = rng.random()
    if style < 0.6:
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    if style < 0.85:
        return f"{d[:3]}.{d[3:6]}.{d[6:]}"
    return " ".join(_DIGIT_WORDS[int(c)] for c in d)


def _filler(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    n = 0
    while n < chars:
        sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 12)))
        out.append(sentence.capitalize() + ".")
        n += len(sentence) + 2
    return " ".join(out)


class Generator:
    """Seeded stream of ads (dicts in the ingest schema)."""

    def __init__(self, seed: int, share: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.share = share
        self.start = datetime(2026, 10, 1, tzinfo=UTC)
        self.net: dict[str, object] | None = None
        self.left = 0
        self.nets = 0
        codes = _area_codes()
        # 555-0100..0129 for networks, 0130..0199 for benign sellers: each number is used by one party only
        self.net_phones = [f"+1{a}55501{x:02d}" for a in codes for x in range(0, 30)]
        self.seller_phones = [f"+1{a}55501{x:02d}" for a in codes for x in range(30, 100)]
        self.rng.shuffle(self.net_phones)
        self.rng.shuffle(self.seller_phones)
        self.sellers = 0
        self.recent: list[dict[str, str | None]] = []

    def _new_network(self) -> dict[str, object]:
        rng = self.rng
        self.nets += 1
        route = rng.sample(CITIES, rng.randint(1, 4))
        return {
            "id": self.nets,
            "tpl": " ".join(rng.sample(_NET_SENTENCES, 4)) + " " + _filler(rng, 120),
            "phones": [self.net_phones.pop() for _ in range(rng.randint(1, 3)) if self.net_phones],
            "names": rng.sample(_FIRST, rng.randint(1, 4)),
            "route": route,
            "img": f"{rng.getrandbits(256):064x}",
        }

    def _seller(self) -> dict[str, str | None]:
        """A benign seller (one in five ads is by a recent seller again: a relisting)."""
        rng = self.rng
        if self.recent and rng.random() < 0.2:
            return rng.choice(self.recent)
        k = self.sellers
        self.sellers += 1
        first, last = rng.choice(_SELLER_FIRST), rng.choice(_SELLER_LAST)
        seller: dict[str, str | None] = {
            "phone": self.seller_phones.pop() if self.seller_phones and rng.random() < 0.4 else None,
            "email": f"{first.lower()}.{last.lower()}{k}@example.com" if rng.random() < 0.3 else None,
        }
        self.recent.append(seller)
        if len(self.recent) > 200:
            self.recent.pop(0)
        return seller

    def ad(self, i: int) -> dict[str, object]:
        rng = self.rng
        posted = self.start + timedelta(seconds=rng.randrange(30 * 86_400))
        if rng.random() < self.share:
            if self.net is None or self.left <= 0:
                self.net = self._new_network()
                self.left = rng.randint(3, 60)
            self.left -= 1
            net = self.net
            route = net["route"]
            city = route[min(len(route) - 1, int((posted - self.start).days / 30 * len(route)))]  # type: ignore[index,arg-type]
            phone = rng.choice(net["phones"])  # type: ignore[arg-type]
            body = str(net["tpl"]).format(name=rng.choice(net["names"]), age=rng.randrange(19, 26),  # type: ignore[arg-type]
                                          city=city[0], price=rng.choice((100, 150, 200)), half=80,
                                          phone=_written(rng, phone))
            return {"external_id": f"ad-{i:07d}", "site": "bench", "category": "personals",
                    "title": f"New in {city[0]} this week", "body": body, "location": f"{city[0]}, {city[1]}",
                    "posted_at": posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "account": {"id": f"n{net['id']}-{rng.randrange(3)}"},
                    "media": [{"pdq": net["img"]}]}
        cat = rng.choice(list(CATEGORIES))
        city = rng.choice(CITIES)
        phrases = CATEGORIES[cat]
        body = f"{rng.choice(phrases).capitalize()}, {rng.choice(phrases)}. " + _filler(rng, 300)
        seller = self._seller()
        if seller["phone"]:
            body += f" Call {_written(rng, seller['phone'])}."
        if seller["email"]:
            body += f" Email {seller['email']}."
        return {"external_id": f"ad-{i:07d}", "site": "bench", "category": cat,
                "title": f"{rng.choice(phrases).capitalize()} in {city[0]}", "body": body,
                "location": f"{city[0]}, {city[1]}", "posted_at": posted.strftime("%Y-%m-%dT%H:%M:%SZ")}


def write_corpus(path: str, count: int, seed: int = 7) -> tuple[int, float]:
    """Write ``count`` ads to ``path`` unless a file with that many lines is already there. Returns
    ``(bytes, mean line bytes)``."""
    if os.path.exists(path):
        with open(path, "rb") as fh:
            lines = sum(1 for _ in fh)
        if lines == count:
            size = os.path.getsize(path)
            return size, size / count
    gen = Generator(seed)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for i in range(count):
            fh.write(json.dumps(gen.ad(i), separators=(",", ":")) + "\n")
    os.replace(tmp, path)
    size = os.path.getsize(path)
    return size, size / count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = args.out or f"/tmp/adwarden-scan-{args.count}.jsonl"
    t = time.perf_counter()
    size, mean = write_corpus(out, args.count, args.seed)
    print(json.dumps({"path": out, "ads": args.count, "bytes": size, "mean_line_bytes": round(mean, 1),
                      "seconds": round(time.perf_counter() - t, 1)}))


if __name__ == "__main__":
    main()
