"""Quality of network linking on public data (weak labels), without copying any of it anywhere.

    .venv/bin/python bench/eval_networks.py --data /work/shared/data

1. ``clustering/backpage_wa_2013_ads.jsonl``: weak labels are the connected components of posts sharing an
   extracted phone number. Linking runs with every identifier kind switched off except text and images
   (``--no-link`` phone, e-mail, handle, payment, URL, account, device, IP), so it must rediscover the phone
   groups from near-duplicate text and shared images alone. Images are identified by URL (the files are dead
   links and are never fetched). Reported: pairwise precision and recall, adjusted Rand index (ARI), over all
   ads and over the ads that carry a phone.
2. ``sms_spam/SMSSpamCollection.tsv``: near-duplicate text clusters and their templates (counts, sizes,
   share of clusters that are all spam, slots by kind, compression). No message text is printed.

Parameters are the defaults of :class:`adwarden.detect.network.LinkConfig`; nothing is tuned on these files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path
from typing import Any

from adwarden.detect.network import LinkConfig, LinkRecord, link_records, record_from_post
from adwarden.detect.network.templates import network_templates
from adwarden.extract import extract_all

ID_KINDS = ("phone", "email", "handle", "payment", "url", "account", "device", "ip")


def pair_scores(pred: dict[str, int], gold: dict[str, int]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and adjusted Rand index of two labelings of the same items."""
    items = list(gold)
    cont: Counter[tuple[int, int]] = Counter((pred[i], gold[i]) for i in items)
    a: Counter[int] = Counter(pred[i] for i in items)
    b: Counter[int] = Counter(gold[i] for i in items)
    tp = sum(comb(v, 2) for v in cont.values())
    pp = sum(comb(v, 2) for v in a.values())
    gp = sum(comb(v, 2) for v in b.values())
    n = comb(len(items), 2)
    precision = tp / pp if pp else 1.0
    recall = tp / gp if gp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = pp * gp / n if n else 0.0
    max_index = (pp + gp) / 2
    ari = (tp - expected) / (max_index - expected) if max_index != expected else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "ari": round(ari, 4),
            "gold_pairs": gp, "predicted_pairs": pp, "true_pairs": tp}


def components(pairs: dict[str, list[str]], items: list[str]) -> dict[str, int]:
    """Union-find over items sharing a key."""
    parent = {i: i for i in items}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in pairs.values():
        for m in members[1:]:
            ra, rb = find(members[0]), find(m)
            if ra != rb:
                parent[rb] = ra
    roots: dict[str, int] = {}
    return {i: roots.setdefault(find(i), len(roots)) for i in items}


def eval_backpage(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    records: list[LinkRecord] = []
    phones: dict[str, list[str]] = {}
    for r in rows:
        text = "\n".join(x for x in (r.get("title"), r.get("body")) if x)
        post = {"external_id": str(r.get("sid")), "site": r.get("source") or "backpage", "title": r.get("title"),
                "body": r.get("body"), "location": r.get("location"), "posted_at": r.get("created"),
                "url": None}  # sitekey is the city sub-site, not an ad category: left out
        ex = extract_all(text)
        rec = record_from_post(post, extraction=ex)
        images = tuple(("image_sha256", "url:" + u) for u in r.get("image_urls") or [] if isinstance(u, str))
        rec = LinkRecord(**{**{f: getattr(rec, f) for f in LinkRecord.__slots__},  # type: ignore[attr-defined]
                            "identifiers": rec.identifiers + images})
        records.append(rec)
        for f in ex.phones:
            phones.setdefault(f.value, []).append(rec.post_id)
    ids = [r.post_id for r in records]
    gold = components({k: v for k, v in phones.items() if len(v) >= 2}, ids)
    with_phone = {p for v in phones.values() for p in v}
    gold_sizes = Counter(Counter(gold.values()).values())
    out: dict[str, Any] = {
        "ads": len(records),
        "distinct_phones": len(phones),
        "phones_in_2plus_ads": sum(1 for v in phones.values() if len(set(v)) >= 2),
        "ads_in_weak_label_groups": sum(n * c for n, c in gold_sizes.items() if n >= 2),
        "weak_label_groups": sum(c for n, c in gold_sizes.items() if n >= 2),
    }
    for name, disabled in (("text_and_images", frozenset(ID_KINDS)), ("text_only", frozenset(ID_KINDS) | {"image", "image_sha256"}),
                           ("images_only", frozenset(ID_KINDS) | {"text"})):
        started = time.perf_counter()
        res = link_records(records, LinkConfig(disabled=disabled))
        seconds = time.perf_counter() - started
        pred_map = {p: k for k, n in enumerate(res.networks) for p in n.posts}
        pred = {p: pred_map.get(p, -1 - i) for i, p in enumerate(ids)}
        scores_all = pair_scores(pred, gold)
        sub = [p for p in ids if p in with_phone]
        scores_phone = pair_scores({p: pred[p] for p in sub}, {p: gold[p] for p in sub})
        out[name] = {"seconds": round(seconds, 2), "networks": len(res.networks),
                     "largest": res.stats["largest"], "networked_ads": res.stats["networked_posts"],
                     "all_ads": scores_all, "ads_with_a_phone": scores_phone}
    return out


def eval_sms(path: Path) -> dict[str, Any]:
    labels: list[str] = []
    records: list[LinkRecord] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter="\t")):
            if len(row) < 2 or row[0] not in ("ham", "spam"):
                continue
            labels.append(row[0])
            records.append(LinkRecord(post_id=f"m{i}", external_id=f"m{i}", site="sms", text=row[1]))
    cfg = LinkConfig(disabled=frozenset(k for k in ("phone", "email", "handle", "payment", "url", "account",
                                                    "device", "ip", "image", "image_sha256")))
    started = time.perf_counter()
    res = link_records(records, cfg)
    label_of = {r.post_id: lab for r, lab in zip(records, labels, strict=True)}
    texts = {r.post_id: r.text for r in records}
    clusters = {link.value: link.posts for n in res.networks for link in n.links if link.kind == "text"}
    templates = network_templates(clusters, texts)
    seconds = time.perf_counter() - started
    sizes = sorted((len(v) for v in clusters.values()), reverse=True)
    purity = Counter("spam" if all(label_of[p] == "spam" for p in v) else
                     "ham" if all(label_of[p] == "ham" for p in v) else "mixed" for v in clusters.values())
    slot_kinds: Counter[str] = Counter(s.kind for t in templates.values() for s in t.slots)
    spam_total = labels.count("spam")
    spam_clustered = sum(1 for v in clusters.values() for p in v if label_of[p] == "spam")
    comp = sorted(t.compression for t in templates.values())
    return {
        "messages": len(records), "spam": spam_total, "seconds": round(seconds, 2),
        "text_clusters": len(clusters), "messages_in_clusters": sum(sizes),
        "cluster_size_max": sizes[0] if sizes else 0,
        "cluster_size_median": sizes[len(sizes) // 2] if sizes else 0,
        "clusters_of_size_5_plus": sum(1 for s in sizes if s >= 5),
        "clusters_all_spam": purity["spam"], "clusters_all_ham": purity["ham"], "clusters_mixed": purity["mixed"],
        "spam_in_clusters_share": round(spam_clustered / spam_total, 4) if spam_total else 0.0,
        "templates": len(templates), "templates_with_slots": sum(1 for t in templates.values() if t.slots),
        "slots_by_kind": dict(slot_kinds.most_common()),
        "median_compression": round(comp[len(comp) // 2], 3) if comp else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="the shared data directory")
    args = ap.parse_args()
    bp = args.data / "clustering" / "backpage_wa_2013_ads.jsonl"
    sms = args.data / "sms_spam" / "SMSSpamCollection.tsv"
    report: dict[str, Any] = {}
    if bp.exists():
        report["backpage_wa_2013"] = eval_backpage(bp)
    if sms.exists():
        report["sms_spam"] = eval_sms(sms)
    if not report:
        sys.exit(f"no evaluation files under {args.data}")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
