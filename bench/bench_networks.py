"""Speed and memory of network linking + templates: the shipped text key against the previous one, and a
datasketch MinHash LSH baseline, in the same run.

    .venv/bin/python bench/bench_networks.py --count 1000000 --baseline 30000 --repeat 2

The corpus is synthetic and built here with a fast variant of ``adwarden.demo`` (records are made directly,
without running extraction, which is benchmarked elsewhere): benign ads of random words from a 230-word
vocabulary plus category phrases, and ~5% of ads in templated networks (a fixed template per network with
name/age/price/phone/city slots, shared phones and images). Each ad has an account, about half a phone, and
one or two PDQ hashes.

Timed: ``link_records`` (postings, hub rules, PDQ near-duplicates, MinHash LSH, connected components,
explained networks) plus ``network_templates`` for every text cluster, once with the shipped ``LinkConfig()``
(slot-masked character 5-shingles) and once with ``LinkConfig(text=MinHashParams())`` (the previous key: word
3-shingles, no slot masking), alternating ``--repeat`` times; the best CPU time of each is compared. Peak RSS
is the process maximum (``ru_maxrss``), corpus included. The datasketch baseline builds one
``datasketch.MinHash`` per ad from word 3-shingles and queries a ``MinHashLSH`` index (threshold 0.5, 64
permutations) on the first ``--baseline`` ads; the shipped text path is timed on the same ads for a per-ad
ratio (datasketch is in the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import resource
import time
from typing import Any

from adwarden.demo.vocabulary import CITIES, FIRST, NET_SENTENCES, WORDS
from adwarden.detect.network import LinkConfig, LinkRecord, link_records
from adwarden.detect.network.minhash import MinHashParams, lsh_edges, text_signatures
from adwarden.detect.network.templates import network_templates

CATEGORY_PHRASES = {
    "furniture": ("for sale", "pickup only", "best offer", "like new"),
    "jobs": ("now hiring", "apply today", "weekly pay", "full time"),
    "cars": ("clean title", "runs great", "new tires", "low miles"),
    "rentals": ("per month", "near transit", "pets ok", "washer dryer"),
    "services": ("free estimate", "licensed", "insured", "call today"),
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_corpus(count: int, seed: int, share: float) -> list[LinkRecord]:
    rng = random.Random(seed)
    words = WORDS
    cats = list(CATEGORY_PHRASES)
    n_net = int(count * share)
    net_at = set(rng.sample(range(count), n_net))
    networks: list[dict[str, Any]] = []
    out: list[LinkRecord] = []
    cur: dict[str, Any] | None = None
    left = 0
    for i in range(count):
        if i in net_at:
            if cur is None or left == 0 or rng.random() < 0.3:
                own = " ".join(rng.choice(words) for _ in range(10))
                tpl = " ".join(rng.sample(NET_SENTENCES, 5)) + " " + own
                cur = {"id": len(networks), "tpl": tpl, "phone": f"+1{rng.randrange(201, 990)}55501{rng.randrange(30):02d}",
                       "img": f"{rng.getrandbits(256):064x}", "names": rng.sample(FIRST, 3),
                       "cities": rng.sample(CITIES, 3)}
                networks.append(cur)
                left = rng.randint(5, 40)
            left -= 1
            city = rng.choice(cur["cities"])
            text = cur["tpl"].format(name=rng.choice(cur["names"]), age=rng.randrange(19, 26), city=city[0],
                                     price=rng.choice((100, 150, 200)), half=80, phone=cur["phone"][2:])
            img = cur["img"]
            if rng.random() < 0.25:  # a re-encoded copy: a few PDQ bits differ
                img = f"{int(img, 16) ^ sum(1 << b for b in rng.sample(range(256), rng.randint(2, 12))):064x}"
            out.append(LinkRecord(
                post_id=f"n{i}", external_id=f"n{i}", site="bench", text=text, category="personals",
                identifiers=(("account", f"bench:n{cur['id']}-{rng.randrange(3)}"), ("phone", cur["phone"])),
                image_hashes=(img,), location=f"{city[0]}, {city[1]}", names=(rng.choice(cur["names"]),)))
            continue
        cat = cats[i % len(cats)]
        phrases = CATEGORY_PHRASES[cat]
        body = " ".join(rng.choice(words) for _ in range(rng.randint(25, 45)))
        text = f"{rng.choice(phrases)} {body} {rng.choice(phrases)}"
        ids: tuple[tuple[str, str], ...] = (("account", f"bench:u{i // 2}"),)
        if i % 2:
            ids += (("phone", f"bench-phone-{i // 3}"),)  # not a real number: a unique per-seller token
        imgs = tuple(f"{rng.getrandbits(256):064x}" for _ in range(1 + (i % 3 == 0)))
        out.append(LinkRecord(post_id=f"b{i}", external_id=f"b{i}", site="bench", text=text, category=cat,
                              identifiers=ids, image_hashes=imgs))
    return out


def shingle_sets(texts: list[str], k: int = 3) -> list[set[bytes]]:
    import re

    out = []
    for t in texts:
        toks = re.sub(r"\d+", "0", t.lower())
        toks_l = re.findall(r"[a-z0-9\x80-\uffff]+", toks)
        out.append({" ".join(toks_l[j : j + k]).encode() for j in range(len(toks_l) - k + 1)})
    return out


def run_baseline(texts: list[str], params: MinHashParams) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    sets = shingle_sets(texts, params.shingle)
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    sigs = []
    for i, s in enumerate(sets):
        m = MinHash(num_perm=params.num_perm, seed=1)
        m.update_batch(list(s))
        sigs.append(m)
        lsh.insert(str(i), m)
    pairs = 0
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if int(j) > i and m.jaccard(sigs[int(j)]) >= params.threshold:
                pairs += 1
    seconds = time.perf_counter() - started
    return {"ads": len(texts), "seconds": round(seconds, 2), "us_per_ad": round(seconds / len(texts) * 1e6, 1),
            "pairs": pairs}


def timed_run(recs: list[LinkRecord], config: LinkConfig) -> tuple[dict[str, Any], Any]:
    """Link + templates once; wall and CPU seconds, and the result's counts."""
    gc.collect()
    t1 = time.perf_counter()
    c1 = time.process_time()
    result = link_records(recs, config)
    link_s = time.perf_counter() - t1
    link_cpu = time.process_time() - c1
    texts = {r.post_id: r.text for r in recs}
    names = {r.post_id: r.names for r in recs if r.names}
    clusters = {link.value: link.posts for n in result.networks for link in n.links if link.kind == "text"}
    t2 = time.perf_counter()
    c2 = time.process_time()
    templates = network_templates(clusters, texts, names=names, cities=[c[0] for c in CITIES])
    tpl_s = time.perf_counter() - t2
    tpl_cpu = time.process_time() - c2
    net_posts = {p for n in result.networks for link in n.links if link.kind == "text" for p in link.posts}
    out = {
        "link_s": round(link_s, 2),
        "templates_s": round(tpl_s, 2),
        "link_plus_templates_s": round(link_s + tpl_s, 2),
        "us_per_ad": round((link_s + tpl_s) / len(recs) * 1e6, 2),
        "link_plus_templates_cpu_s": round(link_cpu + tpl_cpu, 2),
        "networks": result.stats["networks"],
        "largest_network": result.stats["largest"],
        "text_edges": result.stats["text_edges"],
        "image_edges": result.stats["image_edges"],
        "hubs_ignored": result.stats["hubs"],
        "text_clusters": len(clusters),
        "templates": len(templates),
        "planted_ads_in_text_clusters": sum(1 for p in net_posts if p.startswith("n")),
    }
    return out, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--share", type=float, default=0.05)
    ap.add_argument("--baseline", type=int, default=0, help="ads for the datasketch baseline (0: skip it)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each configuration, alternating; best is kept")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    recs = make_corpus(args.count, args.seed, args.share)
    gen_s = time.perf_counter() - t0
    rss_corpus = rss_mb()
    configs = {"shipped": LinkConfig(), "previous_text_key": LinkConfig(text=MinHashParams())}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in configs}
    for _ in range(args.repeat):
        for name, config in configs.items():
            out, result = timed_run(recs, config)
            runs[name].append(out)
            del result
    best = {name: min(rs, key=lambda r: r["link_plus_templates_cpu_s"]) for name, rs in runs.items()}
    report: dict[str, Any] = {
        "machine": f"{platform.machine()} {platform.processor() or ''} {__import__('os').cpu_count()} cores".strip(),
        "python": platform.python_version(),
        "load_note": "wall clock on a 2-core machine shared with other agents; cpu_s is this process's CPU time",
        "load_average": [round(x, 2) for x in __import__("os").getloadavg()],
        "ads": args.count,
        "templated_share": args.share,
        "planted_ads": sum(1 for r in recs if r.post_id.startswith("n")),
        "generate_s": round(gen_s, 1),
        "rss_after_corpus_mb": round(rss_corpus),
        "runs": runs,
        "best": best,
        "cpu_ratio_shipped_over_previous": round(best["shipped"]["link_plus_templates_cpu_s"]
                                                 / best["previous_text_key"]["link_plus_templates_cpu_s"], 3),
        "peak_rss_mb": round(rss_mb()),
    }
    gc.collect()
    if args.baseline:
        config = configs["shipped"]
        sample = [r.text for r in recs[: args.baseline]]
        t3 = time.perf_counter()
        sigs, valid = text_signatures(sample, config.text)
        ours_pairs = lsh_edges(sigs, valid, config.text)[0].size
        ours_s = time.perf_counter() - t3
        base = run_baseline(sample, MinHashParams())
        ours_us = ours_s / len(sample) * 1e6
        report["baseline"] = {
            "datasketch": base,
            "ours_text_only": {"ads": len(sample), "seconds": round(ours_s, 2), "us_per_ad": round(ours_us, 1),
                               "pairs": int(ours_pairs)},
            "speedup_per_ad": round(base["us_per_ad"] / ours_us, 1),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
