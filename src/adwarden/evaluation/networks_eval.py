"""How well linking finds the networks behind ads, on public data with weak labels (``adwarden eval networks``).

``evaluate(data_dir)`` reads (never copies) ``clustering/backpage_wa_2013_ads.jsonl`` and, when present,
``sms_spam/SMSSpamCollection.tsv`` under ``data_dir`` and returns the figures as one dict.

**Backpage WA 2013.** No file labels networks, so the labels are weak: two ads belong together when they share
a phone number that AdWarden's extractor finds in the text (connected components over shared phones). The
question asked is the one a ring raises: *with phones switched off, does linking still find the ads that share
a phone?* Each configuration links the corpus and is scored by pairwise precision and recall against those
groups (and the adjusted Rand index):

* ``phones_off``: every link kind except ``phone`` (text, images, e-mails, handles, URLs);
* ``text_and_images``: text and images only (every identifier kind off);
* ``phones_off_previous_text_key``: ``phones_off`` with the text key AdWarden used before (word 3-shingles,
  digits masked, no slot masking), measured in the same run as a baseline;
* ``phones_off_verified``: ``phones_off`` plus the second stage (template alignment on candidate clusters,
  :mod:`adwarden.detect.network.verify`);
* ``phones_on``: everything on; its recall is the share of phone-linked pairs that stay linked (hub guards
  may drop some), and its precision says how often text links join two different phone groups;
* ``phones_on_previous_text_key``: ``phones_on`` with the previous text key;
* ``phones_off_persona`` / ``phones_on_persona``: ``phones_off`` / ``phones_on`` plus persona keys (the same
  names with the same age or body details, :mod:`adwarden.detect.network.persona`);
* ``phones_off_persona_any_anchor``: ``phones_off_persona`` where any specific enough combination of stated
  details links (e.g. the same age, place and height), not only one with a name or measurements;
* ``phones_off_persona_poisson`` / ``..._poisson_any``: the same two with the Poisson test (a combination
  links when as many ads carrying it are unlikely under independence, Bonferroni-corrected at 0.05);
* ``..._guarded``: persona keys never join two networks the other links found (``merge_networks=False``).

Rows are ads as the file gives them, except that rows repeating an ad id (``sid``: the same posting crawled
again) are one ad (the first row), so an ad is never scored as linked to its own copy. Images are identified
by their URL only (the files are dead links and are never fetched).

Splits: the figures are given for the whole corpus and for two halves by the ad's city (``sitekey``):
``tune`` (Bellingham and Tacoma), on which the text parameters were chosen, and ``held_out`` (Olympia and
Seattle), which was only measured. Pairs across the halves count only in ``all``.

**SMS spam.** Text links only: near-duplicate clusters and their templates (counts, sizes, share of clusters
that are all spam, slot kinds, compression). No message text is reported.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from math import comb
from pathlib import Path
from typing import Any

from adwarden.detect.network import LinkConfig, LinkRecord, link_records, record_from_post
from adwarden.detect.network.minhash import MinHashParams
from adwarden.detect.network.persona import KINDS, PersonaParams
from adwarden.detect.network.templates import network_templates
from adwarden.detect.network.verify import VerifyParams
from adwarden.extract import extract_all

__all__ = ["CONFIGS", "SPLITS", "evaluate", "pair_scores", "phone_groups", "wa_records"]

WA_FILE = Path("clustering") / "backpage_wa_2013_ads.jsonl"
SMS_FILE = Path("sms_spam") / "SMSSpamCollection.tsv"

ID_KINDS = frozenset({"phone", "email", "handle", "payment", "url", "account", "device", "ip"})

#: Link configurations compared on the WA corpus (name -> config).
CONFIGS: Mapping[str, LinkConfig] = {
    "phones_off": LinkConfig(disabled=frozenset({"phone"})),
    "text_and_images": LinkConfig(disabled=ID_KINDS),
    "phones_off_previous_text_key": LinkConfig(disabled=frozenset({"phone"}), text=MinHashParams()),
    "phones_off_verified": LinkConfig(disabled=frozenset({"phone"}), verify=VerifyParams()),
    "phones_on": LinkConfig(),
    "phones_on_previous_text_key": LinkConfig(text=MinHashParams()),
    "phones_off_persona": LinkConfig(disabled=frozenset({"phone"}), persona=PersonaParams()),
    "phones_off_persona_any_anchor": LinkConfig(disabled=frozenset({"phone"}), persona=PersonaParams(anchors=KINDS)),
    "phones_off_persona_poisson": LinkConfig(disabled=frozenset({"phone"}), persona=PersonaParams(alpha=0.05)),
    "phones_off_persona_poisson_any": LinkConfig(disabled=frozenset({"phone"}),
                                                 persona=PersonaParams(alpha=0.05, anchors=KINDS)),
    "phones_off_persona_guarded": LinkConfig(disabled=frozenset({"phone"}), persona=PersonaParams(merge_networks=False)),
    "phones_off_persona_poisson_any_guarded": LinkConfig(
        disabled=frozenset({"phone"}), persona=PersonaParams(alpha=0.05, anchors=KINDS, merge_networks=False)),
    "phones_on_persona": LinkConfig(persona=PersonaParams()),
}

#: City halves of the WA corpus (``sitekey``): parameters were chosen on ``tune`` only.
SPLITS: Mapping[str, frozenset[str] | None] = {
    "all": None,
    "tune": frozenset({"bellingham", "tacoma"}),
    "held_out": frozenset({"olympia", "seattle"}),
}


def pair_scores(pred: Mapping[str, int], gold: Mapping[str, int]) -> dict[str, Any]:
    """Pairwise precision, recall, F1 and adjusted Rand index of two labelings of the same items."""
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


def phone_groups(records: Sequence[LinkRecord]) -> dict[str, int]:
    """Weak labels: each post id -> the connected component of posts sharing a phone identifier."""
    parent = list(range(len(records)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, int] = {}
    for i, r in enumerate(records):
        for kind, value in r.identifiers:
            if kind != "phone":
                continue
            j = first.setdefault(value, i)
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[ri] = rj
    return {r.post_id: find(i) for i, r in enumerate(records)}


def wa_records(rows: Iterable[Mapping[str, Any]]) -> tuple[list[LinkRecord], list[str], int]:
    """Records of the WA corpus rows (first row per ``sid``), their cities, and the number of repeated rows."""
    records: list[LinkRecord] = []
    cities: list[str] = []
    seen: set[str] = set()
    repeated = 0
    for r in rows:
        sid = str(r.get("sid") or "")
        if sid in seen:
            repeated += 1
            continue
        seen.add(sid)
        post = {"external_id": sid, "site": r.get("source") or "backpage", "title": r.get("title"),
                "body": r.get("body"), "location": r.get("location"), "posted_at": r.get("created")}
        text = "\n".join(str(x) for x in (r.get("title"), r.get("body")) if x)
        rec = record_from_post(post, extraction=extract_all(text))
        images = tuple(("image_sha256", "url:" + u) for u in r.get("image_urls") or [] if isinstance(u, str))
        records.append(replace(rec, identifiers=rec.identifiers + images))
        cities.append(str(r.get("sitekey") or ""))
    return records, cities, repeated


def _score(records: Sequence[LinkRecord], config: LinkConfig) -> dict[str, Any]:
    gold = phone_groups(records)
    started = time.perf_counter()
    res = link_records(records, config)
    seconds = time.perf_counter() - started
    net_of = {p: k for k, n in enumerate(res.networks) for p in n.posts}
    pred = {r.post_id: net_of.get(r.post_id, -1 - i) for i, r in enumerate(records)}
    return {"seconds": round(seconds, 3), "networks": len(res.networks), "largest": res.stats["largest"],
            **pair_scores(pred, gold)}


def eval_wa(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    records, cities, repeated = wa_records(rows)
    out: dict[str, Any] = {"rows": len(rows), "ads": len(records), "repeated_rows_dropped": repeated}
    for split, keep in SPLITS.items():
        subset = [r for r, c in zip(records, cities, strict=True) if keep is None or c in keep]
        gold = phone_groups(subset)
        sizes = Counter(Counter(gold.values()).values())
        block: dict[str, Any] = {
            "ads": len(subset),
            "phone_groups": sum(c for n, c in sizes.items() if n >= 2),
            "ads_in_phone_groups": sum(n * c for n, c in sizes.items() if n >= 2),
        }
        for name, config in CONFIGS.items():
            block[name] = _score(subset, config)
        out[split] = block
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
    started = time.perf_counter()
    res = link_records(records, LinkConfig(disabled=ID_KINDS | {"image", "image_sha256"}))
    label_of = {r.post_id: lab for r, lab in zip(records, labels, strict=True)}
    texts = {r.post_id: r.text for r in records}
    clusters = {link.value: link.posts for n in res.networks for link in n.links if link.kind == "text"}
    templates = network_templates(clusters, texts)
    seconds = time.perf_counter() - started
    sizes = sorted((len(v) for v in clusters.values()), reverse=True)
    purity = Counter("spam" if all(label_of[p] == "spam" for p in v) else
                     "ham" if all(label_of[p] == "ham" for p in v) else "mixed" for v in clusters.values())
    spam_total = labels.count("spam")
    spam_clustered = sum(1 for v in clusters.values() for p in v if label_of[p] == "spam")
    comp = sorted(t.compression for t in templates.values())
    return {
        "messages": len(records), "spam": spam_total, "seconds": round(seconds, 2),
        "text_clusters": len(clusters), "messages_in_clusters": sum(sizes),
        "cluster_size_max": sizes[0] if sizes else 0,
        "clusters_all_spam": purity["spam"], "clusters_all_ham": purity["ham"], "clusters_mixed": purity["mixed"],
        "spam_in_clusters_share": round(spam_clustered / spam_total, 4) if spam_total else 0.0,
        "templates_with_slots": sum(1 for t in templates.values() if t.slots),
        "slots_by_kind": dict(Counter(s.kind for t in templates.values() for s in t.slots).most_common()),
        "median_compression": round(comp[len(comp) // 2], 3) if comp else None,
    }


def evaluate(data_dir: Path) -> dict[str, Any]:
    """Every figure for the files found under ``data_dir``; a missing file is reported as skipped."""
    out: dict[str, Any] = {}
    for key, rel, fn in (("backpage_wa_2013", WA_FILE, eval_wa), ("sms_spam", SMS_FILE, eval_sms)):
        path = data_dir / rel
        out[key] = fn(path) if path.exists() else {"skipped": f"{rel} not found under {data_dir}"}
    return out


def table(report: Mapping[str, Any]) -> str:
    """The WA figures as a plain-text table (one row per split and configuration)."""
    wa = report.get("backpage_wa_2013", {})
    if "skipped" in wa or not wa:
        return f"backpage_wa_2013: {wa.get('skipped', 'no data')}"
    lines = [f"Backpage WA 2013: {wa['ads']} ads ({wa['repeated_rows_dropped']} repeated rows dropped); "
             "pairs of ads that share a phone",
             f"{'split':<9} {'links':<38} {'precision':>9} {'recall':>7} {'F1':>6} {'ARI':>6} {'networks':>8}"]
    for split in SPLITS:
        block = wa[split]
        for name in CONFIGS:
            s = block[name]
            lines.append(f"{split:<9} {name:<38} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
                         f"{s['ari']:>6.3f} {s['networks']:>8}")
    return "\n".join(lines)
