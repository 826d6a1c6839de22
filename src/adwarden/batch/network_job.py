"""The network linking as an Apache Spark job, for corpora that outgrow one machine.

It builds the same graph as :mod:`adwarden.detect.network.linker`, with the heavy steps distributed:

1. records are numbered in input order (``zipWithIndex``), because text links depend on it;
2. postings ``(identifier, post)`` with the per-post identifier cap; hub statistics per identifier
   (posts, categories, sites) with ``reduceByKey``; hubs decided by the same :class:`HubRules`;
3. near-duplicate PDQ hashes: every distinct non-hub hash is emitted once per chunk; hashes sharing a chunk
   are compared inside the bucket (multi-index hashing, as in :mod:`~adwarden.detect.network.images`);
4. MinHash signatures per partition with the same vectorized code; LSH buckets per band; each member is
   checked against its bucket's lowest-index post;
5. connected components by iterated min-label propagation over the post/identifier graph.

:func:`link_with_spark` returns the component of every post and, when ``explain`` is true, the same
:class:`~adwarden.detect.network.model.LinkResult` the in-process linker gives (links and ignored
identifiers are assembled on the driver from the edges Spark computed). Tests check both agree.

Run it with ``adwarden networks build --from ads.jsonl --spark`` or::

    from adwarden.batch.network_job import link_with_spark
    out = link_with_spark(records, master="local[2]")
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from adwarden.detect.network.hubs import IgnoredPost
from adwarden.detect.network.images import MAX_BUCKET, chunk_bits_for, chunks, pdq_words
from adwarden.detect.network.linker import LinkConfig, _Graph, assemble, unique_records
from adwarden.detect.network.minhash import band_keys, text_signatures
from adwarden.detect.network.model import LinkResult
from adwarden.detect.network.records import LinkRecord

__all__ = ["SparkLinkOutput", "link_with_spark", "spark_session"]


@dataclass(frozen=True)
class SparkLinkOutput:
    """``components`` maps each post id to a component label; ``result`` is the explained result (or None)."""

    components: dict[str, int]
    result: LinkResult | None

    def partition(self, min_size: int = 2) -> set[frozenset[str]]:
        groups: dict[int, set[str]] = {}
        for post, label in self.components.items():
            groups.setdefault(label, set()).add(post)
        return {frozenset(g) for g in groups.values() if len(g) >= min_size}


def spark_session(master: str = "local[2]", app: str = "adwarden-networks") -> Any:
    """A small Spark session; quiet logs, few shuffle partitions (local mode)."""
    # workers must run the interpreter that has adwarden installed
    os.environ["PYSPARK_PYTHON"] = os.environ.get("PYSPARK_PYTHON") or sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = os.environ.get("PYSPARK_DRIVER_PYTHON") or sys.executable
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _postings(item: tuple[LinkRecord, int], config: LinkConfig) -> list[tuple[tuple[str, str], int]]:
    r, i = item
    disabled = config.disabled
    ids = [kv for kv in r.identifiers if kv[0] not in disabled]
    if "image" not in disabled:
        ids.extend(("image", h) for h in r.image_hashes)
    if len(ids) > config.hubs.max_identifiers_per_post:
        ids = [kv for kv in ids if kv[0] == "account"]
    return [(kv, i) for kv in dict.fromkeys(ids)]


def _signatures(rows: Iterator[tuple[LinkRecord, int]], config: LinkConfig) -> Iterator[tuple[int, Any, Any]]:
    batch = list(rows)
    if not batch:
        return
    sigs, valid = text_signatures([r.text for r, _ in batch], config.text)
    keys = band_keys(sigs, config.text)
    for (_, i), sig, ok, k in zip(batch, sigs, valid, keys, strict=True):
        if ok:
            yield i, sig, k


def _bucket_edges(members: Iterable[tuple[int, Any]], threshold: float) -> list[tuple[int, int]]:
    ms = sorted(members, key=lambda m: m[0])
    leader, lsig = ms[0]
    return [(leader, i) for i, sig in ms[1:] if float((lsig == sig).mean()) >= threshold]


def _image_bucket_pairs(members: Iterable[tuple[int, Any]], max_distance: int) -> list[tuple[int, int, int]]:
    ms = sorted(members, key=lambda m: m[0])
    if len(ms) > MAX_BUCKET:
        return []
    out = []
    for a in range(len(ms)):
        for b in range(a + 1, len(ms)):
            d = int(np.bitwise_count(ms[a][1] ^ ms[b][1]).sum())
            if 0 < d <= max_distance:
                out.append((ms[a][0], ms[b][0], d))
    return out


def _components(sc: Any, n_nodes: int, edges: Any) -> dict[int, int]:
    """Min-label propagation until no label changes (iterations ~ graph diameter).

    Labels only ever decrease, so an unchanged sum of labels means nothing changed: one cheap action per
    iteration instead of a join."""
    parts = max(2, sc.defaultParallelism)
    both = edges.flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).distinct(parts).cache()
    labels = sc.parallelize(range(n_nodes), parts).map(lambda x: (x, x)).cache()
    total = labels.values().sum()
    while True:
        msgs = both.join(labels, parts).map(lambda kv: (kv[1][0], kv[1][1]))
        new = labels.union(msgs).reduceByKey(min, parts).cache()
        new_total = new.values().sum()
        labels.unpersist()
        labels = new
        if new_total == total:
            break
        total = new_total
    out: dict[int, int] = dict(labels.collect())
    both.unpersist()
    return out


def link_with_spark(
    records: Sequence[LinkRecord],
    config: LinkConfig | None = None,
    *,
    master: str = "local[2]",
    spark: Any = None,
    explain: bool = True,
) -> SparkLinkOutput:
    """Link ``records`` with Spark (see the module docstring)."""
    cfg = config or LinkConfig()
    recs, dups = unique_records(records)
    session = spark or spark_session(master)
    sc = session.sparkContext
    n = len(recs)
    rdd = sc.parallelize(recs, max(1, min(8, n // 2000 + 1))).zipWithIndex().cache()
    postings = rdd.flatMap(lambda item: _postings(item, cfg)).cache()
    cats = {i: (r.category, r.site) for i, r in enumerate(recs)}
    bcats = sc.broadcast(cats)

    def stats(kv_posts: tuple[tuple[str, str], Iterable[int]]) -> tuple[tuple[str, str], int, str | None]:
        kv, ps = kv_posts
        plist = list(ps)
        ctx = bcats.value
        reason = cfg.hubs.reason(
            kv[0],
            posts=len(plist),
            categories=len({ctx[p][0] for p in plist}),
            sites=len({ctx[p][1] for p in plist}),
            corpus=n,
        )
        return kv, len(plist), reason

    key_stats = postings.groupByKey().map(stats).collect()
    # key numbering in order of first appearance, as the in-process linker numbers them (the driver holds the
    # records anyway; a cluster-scale variant would number keys with zipWithIndex over a sorted RDD)
    first_seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(recs):
        for kv, _ in _postings((r, i), cfg):
            first_seen.setdefault(kv, len(first_seen))
    ordered = sorted(key_stats, key=lambda s: first_seen[s[0]])
    key_index = {s[0]: k for k, s in enumerate(ordered)}
    hubs = {key_index[s[0]]: s[2] for s in ordered if s[2] is not None}
    bkey = sc.broadcast(key_index)
    bhub = sc.broadcast(set(hubs))
    edges_post_key = postings.map(lambda x: (x[1], bkey.value[x[0]])).cache()

    # images: multi-index hashing over distinct non-hub PDQ hashes
    img_edges: list[tuple[int, int, int]] = []
    if "image" not in cfg.disabled:
        img_keys = [(key_index[kv], kv[1]) for kv, _, reason in ordered if kv[0] == "image" and reason is None]
        bits = chunk_bits_for(len(img_keys), cfg.pdq_chunk_bits)
        maxd = cfg.pdq_max_distance

        def chunked(item: tuple[int, str]) -> list[tuple[tuple[int, int], tuple[int, Any]]]:
            k, pdq = item
            w = pdq_words([pdq])
            return [((c, int(v)), (k, w[0])) for c, v in enumerate(chunks(w, bits)[0].tolist())]

        img_edges = (
            sc.parallelize(img_keys, 2)
            .flatMap(chunked)
            .groupByKey()
            .flatMap(lambda kv: _image_bucket_pairs(kv[1], maxd))
            .distinct()
            .collect()
        )
    # text: signatures per partition, LSH buckets per band, check against the bucket's lowest index
    text_edges: list[tuple[int, int]] = []
    if "text" not in cfg.disabled and n >= 2:
        thr = cfg.text.threshold
        sigs = rdd.mapPartitions(lambda rows: _signatures(rows, cfg)).cache()
        text_edges = (
            sigs.flatMap(lambda x: [((b, int(k)), (x[0], x[1])) for b, k in enumerate(x[2].tolist())])
            .groupByKey()
            .filter(lambda kv: len(kv[1]) >= 2)
            .flatMap(lambda kv: _bucket_edges(kv[1], thr))
            .distinct()
            .collect()
        )
        sigs.unpersist()
    text_edges.sort()
    img_edges.sort()
    # connected components over posts (0..n-1) and identifiers (n..n+K-1)
    nk = len(ordered)
    graph_edges = (
        edges_post_key.filter(lambda e: e[1] not in bhub.value)
        .map(lambda e: (e[0], n + e[1]))
        .union(sc.parallelize([(n + a, n + b) for a, b, _ in img_edges] + list(text_edges) or [], 2))
    )
    labels = _components(sc, n + nk, graph_edges)
    components = {recs[i].post_id: labels[i] for i in range(n)}
    result = None
    if explain:
        pk = edges_post_key.collect()
        pk.sort(key=lambda e: (e[1], e[0]))
        hub_mask = np.zeros(nk, dtype=bool)
        for k in hubs:
            hub_mask[k] = True
        ignored_posts = [
            IgnoredPost(r.post_id, f"carries {c} identifiers (limit {cfg.hubs.max_identifiers_per_post}): "
                        "a list or directory, not one contact; only its account links it")
            for r in recs
            if (c := len([kv for kv in r.identifiers if kv[0] not in cfg.disabled])
                + (len(r.image_hashes) if "image" not in cfg.disabled else 0)) > cfg.hubs.max_identifiers_per_post
        ]
        graph = _Graph(
            records=recs,
            kinds=[kv[0] for kv, _, _ in ordered],
            values=[kv[1] for kv, _, _ in ordered],
            post_of=np.asarray([p for p, _ in pk], dtype=np.int64),
            key_of=np.asarray([k for _, k in pk], dtype=np.int64),
            hub=hub_mask,
            hub_reason={k: str(v) for k, v in hubs.items()},
            key_posts=np.asarray([c for _, c, _ in ordered], dtype=np.int64),
            image_src=np.asarray([a for a, _, _ in img_edges], dtype=np.int64),
            image_dst=np.asarray([b for _, b, _ in img_edges], dtype=np.int64),
            image_dist=np.asarray([d for _, _, d in img_edges], dtype=np.int64),
            text_src=np.asarray([a for a, _ in text_edges], dtype=np.int64),
            text_dst=np.asarray([b for _, b in text_edges], dtype=np.int64),
            ignored_posts=ignored_posts,
            duplicates=dups,
        )
        result = assemble(graph, cfg)
    rdd.unpersist()
    postings.unpersist()
    edges_post_key.unpersist()
    return SparkLinkOutput(components=components, result=result)
