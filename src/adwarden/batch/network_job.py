"""The network linking as an Apache Spark job: the same graph as the in-process linker, built and solved with
distributed aggregations, so a corpus can outgrow one machine.

Input is a DataFrame of posts (:data:`adwarden.batch.spark_input.POST_DDL`: identifiers, PDQ hashes, MinHash
signature and band keys, ``order`` = corpus order), read and screened on the executors
(:func:`~adwarden.batch.spark_input.read_posts`) or made from in-memory records (:func:`link_with_spark`).

1. Repeated post ids: the first in corpus order wins (``groupBy(post_id).min(order)``).
2. Postings ``(post, identifier)`` with the per-post identifier cap (:func:`post_keys`, the linker's rule).
3. Hub statistics per identifier (posts, categories, sites) with ``groupBy``; hubs decided by the same
   :class:`~adwarden.detect.network.hubs.HubRules` on the executors.
4. Near-duplicate PDQ hashes: each distinct non-hub hash is emitted once per chunk (multi-index hashing);
   hashes sharing a chunk are compared inside their bucket.
5. Text: posts sharing a band key form a bucket; each member is checked against the bucket's lowest-order
   post (the linker's leader rule, so the same edges).
6. Connected components by large-star/small-star (:mod:`adwarden.batch.components`) over post nodes
   (``2 * order``) and identifier nodes (``2 * key id + 1``).

Nothing proportional to the corpus reaches the driver: it sees counts, and writes networks, memberships,
links and ignored identifiers as Parquet from the executors (:func:`write_networks`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from adwarden.detect.network.hubs import IgnoredPost
from adwarden.detect.network.images import MAX_BUCKET, chunk_bits_for, chunks, pdq_words
from adwarden.detect.network.linker import LinkConfig, _Graph, assemble, unique_records
from adwarden.detect.network.minhash import band_keys, text_signatures
from adwarden.detect.network.model import LinkResult
from adwarden.detect.network.records import LinkRecord

__all__ = ["SparkGraph", "SparkLinkOutput", "build_graph", "link_with_spark", "post_keys", "spark_session",
           "write_networks"]


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


def spark_session(master: str = "local[2]", app: str = "adwarden-networks", *, partitions: int | None = None,
                  driver_memory: str = "2g") -> Any:
    """A Spark session: quiet logs; in local mode few shuffle partitions (one machine's cores)."""
    # workers must run the interpreter that has adwarden installed
    os.environ["PYSPARK_PYTHON"] = os.environ.get("PYSPARK_PYTHON") or sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = os.environ.get("PYSPARK_DRIVER_PYTHON") or sys.executable
    from pyspark.sql import SparkSession

    parts = partitions or (4 if master.startswith("local") else 200)
    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(parts))
        .config("spark.default.parallelism", str(parts))
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
        # plain pickled Python UDFs: Arrow-optimised ones need pandas, which AdWarden does not depend on
        .config("spark.sql.execution.pythonUDF.arrow.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def post_keys(kinds: Sequence[str], values: Sequence[str], images: Sequence[str],
              config: LinkConfig) -> tuple[list[tuple[str, str]], int]:
    """The identifiers a post links by, and how many it carried before the cap (the linker's
    ``collect_postings`` rule: more than ``max_identifiers_per_post`` means only the account links it)."""
    disabled = config.disabled
    ids = [(k, v) for k, v in zip(kinds, values, strict=True) if k not in disabled]
    if "image" not in disabled:
        ids.extend(("image", h) for h in images)
    carried = len(ids)
    if carried > config.hubs.max_identifiers_per_post:
        ids = [kv for kv in ids if kv[0] == "account"]
    return list(dict.fromkeys(ids)), carried


def _image_pairs(members: Iterable[Any], max_distance: int) -> list[tuple[int, int, int]]:
    ms = sorted((int(m["key_id"]), m["value"]) for m in members)
    if len(ms) > MAX_BUCKET:
        return []
    words = pdq_words([v for _, v in ms])
    out = []
    for a in range(len(ms)):
        d = np.bitwise_count(words[a] ^ words[a + 1 :]).sum(axis=1)
        for off in np.flatnonzero((d > 0) & (d <= max_distance)).tolist():
            out.append((ms[a][0], ms[a + 1 + off][0], int(d[off])))
    return out


def _text_pairs(members: Iterable[Any], threshold: float) -> list[tuple[int, int]]:
    ms = sorted((int(m["order"]), bytes(m["sig"])) for m in members)
    leader, lsig = ms[0]
    lead = np.frombuffer(lsig, dtype=np.uint32)
    return [(leader, o) for o, sig in ms[1:] if float((np.frombuffer(sig, dtype=np.uint32) == lead).mean())
            >= threshold]


@dataclass
class SparkGraph:
    """The distributed graph: ``posts`` (deduplicated), ``keys`` (``key_id, kind, value, posts, reason``),
    ``postings`` (``order, key_id``), ``image_edges`` (``a, b, d`` key ids), ``text_edges`` (``a, b`` orders),
    ``labels`` (``order, component`` for posts in a component with an edge), ``stats`` (counts)."""

    posts: Any
    keys: Any
    postings: Any
    image_edges: Any
    text_edges: Any
    labels: Any
    stats: dict[str, int]


def build_graph(spark: Any, posts: Any, config: LinkConfig) -> SparkGraph:
    """Every edge of the linking graph and its components (see the module docstring)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from adwarden.batch.components import connected_components

    cfg = config
    good = posts.where(F.col("error").isNull())
    first = good.groupBy("post_id").agg(F.min("order").alias("order"))
    uniq = good.join(first, ["post_id", "order"], "left_semi").persist()
    n = uniq.count()
    key_t = T.StructType([T.StructField("keys", T.ArrayType(T.StructType([
        T.StructField("kind", T.StringType()), T.StructField("value", T.StringType())]))),
        T.StructField("carried", T.IntegerType())])
    keys_udf = F.udf(lambda k, v, i: post_keys(k or [], v or [], i or [], cfg), key_t)
    with_keys = uniq.withColumn("pk", keys_udf("ident_kinds", "ident_values", "images"))
    postings_kv = (with_keys.select("order", F.coalesce("category", F.lit("\x00none")).alias("category"), "site",
                                    F.explode("pk.keys").alias("k"))
                   .select("order", "category", "site", F.col("k.kind").alias("kind"), F.col("k.value").alias("value"))
                   .persist())
    rules = cfg.hubs
    reason_udf = F.udf(lambda kind, p, c, s: rules.reason(kind, posts=p, categories=c, sites=s, corpus=n),
                       T.StringType())
    keys = (postings_kv.groupBy("kind", "value")
            .agg(F.count("*").alias("posts"), F.countDistinct("category").alias("categories"),
                 F.countDistinct("site").alias("sites"))
            .withColumn("reason", reason_udf("kind", "posts", "categories", "sites"))
            .withColumn("key_id", F.monotonically_increasing_id())
            .localCheckpoint())  # materialised once: the ids must not change if a partition is recomputed
    postings = postings_kv.join(keys.select("kind", "value", "key_id"), ["kind", "value"]).select(
        "order", "key_id").persist()
    live = keys.where(F.col("reason").isNull())
    edges = [postings.join(live.select("key_id"), "key_id")
             .select((F.col("order") * 2).alias("u"), (F.col("key_id") * 2 + 1).alias("v"))]
    empty_img = spark.createDataFrame([], "a long, b long, d int")
    image_edges = empty_img
    if "image" not in cfg.disabled:
        images = live.where(F.col("kind") == "image").select("key_id", "value")
        n_img = images.count()
        if n_img >= 2:
            bits = chunk_bits_for(n_img, cfg.pdq_chunk_bits)
            chunk_udf = F.udf(lambda v: [int(x) for x in chunks(pdq_words([v]), bits)[0].astype(np.int64)],
                              T.ArrayType(T.LongType()))
            maxd = cfg.pdq_max_distance
            pair_udf = F.udf(lambda ms: _image_pairs(ms, maxd), "array<struct<a:long,b:long,d:int>>")
            image_edges = (images.select("key_id", "value", F.posexplode(chunk_udf("value")).alias("c", "cv"))
                           .groupBy("c", "cv").agg(F.collect_list(F.struct("key_id", "value")).alias("ms"))
                           .where(F.size("ms") >= 2)
                           .select(F.explode(pair_udf("ms")).alias("p")).select("p.a", "p.b", "p.d")
                           .distinct().persist())
            edges.append(image_edges.select((F.col("a") * 2 + 1).alias("u"), (F.col("b") * 2 + 1).alias("v")))
    text_edges = spark.createDataFrame([], "a long, b long")
    if "text" not in cfg.disabled and n >= 2:
        thr = cfg.text.threshold
        pair_udf = F.udf(lambda ms: _text_pairs(ms, thr), "array<struct<a:long,b:long>>")
        text_edges = (uniq.where(F.col("text_valid"))
                      .select("order", "sig", F.posexplode("bands").alias("band", "bk"))
                      .groupBy("band", "bk").agg(F.collect_list(F.struct("order", "sig")).alias("ms"))
                      .where(F.size("ms") >= 2)
                      .select(F.explode(pair_udf("ms")).alias("p")).select("p.a", "p.b").distinct().persist())
        edges.append(text_edges.select((F.col("a") * 2).alias("u"), (F.col("b") * 2).alias("v")))
    all_edges = edges[0]
    for e in edges[1:]:
        all_edges = all_edges.union(e)
    comps = connected_components(all_edges)
    labels = (comps.where(F.col("node") % 2 == 0)
              .select((F.col("node") / 2).cast("long").alias("order"), F.col("component")).persist())
    stats = {"posts": n, "identifiers": keys.count(), "hubs": live.count()}
    stats["hubs"] = stats["identifiers"] - stats["hubs"]
    return SparkGraph(uniq, keys, postings, image_edges, text_edges, labels, stats)


def memberships(graph: SparkGraph, config: LinkConfig) -> Any:
    """``order, post_id, external_id, site, network_id, size`` of every post in a network."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    joined = graph.labels.join(graph.posts.select("order", "post_id", "external_id", "site"), "order")
    w = Window.partitionBy("component")
    return (joined.withColumn("size", F.count("*").over(w))
            .withColumn("first", F.min("post_id").over(w))
            .where(F.col("size") >= config.min_network_size)
            .withColumn("network_id", F.concat(F.lit("net-"), F.substring(F.sha1(F.col("first")), 1, 12)))
            .drop("component", "first"))


def write_networks(spark: Any, graph: SparkGraph, config: LinkConfig, out_dir: str) -> dict[str, Any]:
    """Write ``memberships``, ``networks``, ``links`` and ``ignored`` Parquet datasets under ``out_dir``;
    returns counts (the only things the driver collects)."""
    from pyspark.sql import functions as F

    members = memberships(graph, config).persist()
    members.write.mode("overwrite").parquet(os.path.join(out_dir, "memberships.parquet"))
    posts = graph.posts
    nets = (members.join(posts.select("order", "risk", "posted_at", "location"), "order")
            .groupBy("network_id")
            .agg(F.count("*").alias("size"),
                 F.transform(F.array_sort(F.collect_list(F.struct("order", "external_id"))),
                             lambda x: x["external_id"]).alias("posts"),
                 F.max("risk").alias("max_post_risk"), F.min("posted_at").alias("first_seen"),
                 F.max("posted_at").alias("last_seen"), F.collect_set("site").alias("sites"),
                 F.slice(F.collect_set("location"), 1, 20).alias("locations")))
    nets.write.mode("overwrite").parquet(os.path.join(out_dir, "networks.parquet"))
    keyed = graph.postings.join(graph.keys, "key_id").join(members.select("order", "network_id", "external_id"),
                                                            "order")
    links = (keyed.where(F.col("reason").isNull() & (F.col("posts") >= 2))
             .groupBy("network_id", "kind", "value")
             .agg(F.count("*").alias("count"), F.slice(F.collect_list("external_id"), 1, 50).alias("posts")))
    links.write.mode("overwrite").parquet(os.path.join(out_dir, "links.parquet"))
    ignored = (keyed.where(F.col("reason").isNotNull())
               .select("network_id", "kind", "value", "posts", "reason").distinct())
    ignored.write.mode("overwrite").parquet(os.path.join(out_dir, "ignored.parquet"))
    counts = members.groupBy("network_id").count().agg(
        F.count("*").alias("networks"), F.sum("count").alias("networked_posts"),
        F.max("count").alias("largest")).first()
    members.unpersist()
    return {**graph.stats, "networks": int(counts["networks"] or 0),
            "networked_posts": int(counts["networked_posts"] or 0), "largest": int(counts["largest"] or 0)}


# --- in-memory records (the storage rebuild) -----------------------------------------------------------------


def _records_frame(spark: Any, recs: Sequence[LinkRecord], config: LinkConfig) -> Any:
    from adwarden.batch.spark_input import POST_DDL

    sigs, valid = text_signatures([r.text for r in recs], config.text)
    bands = band_keys(sigs, config.text).view(np.int64) if recs else np.zeros((0, 0), dtype=np.int64)
    rows: list[tuple[Any, ...]] = [(i, "", i + 1, None, None, r.post_id, r.external_id, r.site, r.category, r.location, r.posted_at,
             r.lat, r.lon, list(r.names), list(r.ages), [k for k, _ in r.identifiers], [v for _, v in r.identifiers],
             list(r.image_hashes), 0.0, "allow", [], None, sigs[i].tobytes(), bool(valid[i]), bands[i].tolist(), "")
            for i, r in enumerate(recs)]
    return spark.createDataFrame(rows, POST_DDL)


def link_with_spark(
    records: Sequence[LinkRecord],
    config: LinkConfig | None = None,
    *,
    master: str = "local[2]",
    spark: Any = None,
    explain: bool = True,
) -> SparkLinkOutput:
    """Link in-memory ``records`` with the distributed graph; with ``explain`` the driver assembles the same
    explained :class:`LinkResult` as the in-process linker from the edges Spark found (the records are on the
    driver already in this use: the storage rebuild)."""
    cfg = config or LinkConfig()
    recs, dups = unique_records(records)
    session = spark or spark_session(master)
    g = build_graph(session, _records_frame(session, recs, cfg), cfg)
    labels = dict(g.labels.collect())
    components = {r.post_id: int(labels.get(i, -1 - i)) for i, r in enumerate(recs)}
    result = _explain(g, recs, dups, cfg) if explain else None
    for df in (g.posts, g.keys, g.postings, g.labels):
        df.unpersist()
    return SparkLinkOutput(components=components, result=result)


def _explain(g: SparkGraph, recs: Sequence[LinkRecord], dups: list[str], cfg: LinkConfig) -> LinkResult:
    keys = {int(k["key_id"]): k for k in g.keys.collect()}
    # number keys in order of first appearance, as the in-process linker does
    order: dict[tuple[str, str], int] = {}
    for r in recs:
        for kv in post_keys([k for k, _ in r.identifiers], [v for _, v in r.identifiers], r.image_hashes, cfg)[0]:
            order.setdefault(kv, len(order))
    local = {kid: order[(k["kind"], k["value"])] for kid, k in keys.items()}
    nk = len(order)
    kinds, values = [""] * nk, [""] * nk
    counts = np.zeros(nk, dtype=np.int64)
    hub = np.zeros(nk, dtype=bool)
    reasons: dict[int, str] = {}
    for kid, k in keys.items():
        j = local[kid]
        kinds[j], values[j], counts[j] = k["kind"], k["value"], int(k["posts"])
        if k["reason"] is not None:
            hub[j] = True
            reasons[j] = k["reason"]
    pk = sorted((local[int(r["key_id"])], int(r["order"])) for r in g.postings.collect())
    img = sorted((min(local[int(r["a"])], local[int(r["b"])]), max(local[int(r["a"])], local[int(r["b"])]),
                  int(r["d"])) for r in g.image_edges.collect())
    txt = sorted((int(r["a"]), int(r["b"])) for r in g.text_edges.collect())
    ignored_posts = []
    for r in recs:
        carried = post_keys([k for k, _ in r.identifiers], [v for _, v in r.identifiers], r.image_hashes, cfg)[1]
        if carried > cfg.hubs.max_identifiers_per_post:
            ignored_posts.append(IgnoredPost(r.post_id, f"carries {carried} identifiers (limit "
                                             f"{cfg.hubs.max_identifiers_per_post}): a list or directory, not one "
                                             "contact; only its account links it"))

    def arr(xs: Iterable[int]) -> Any:
        return np.asarray(list(xs), dtype=np.int64)

    graph = _Graph(records=list(recs), kinds=kinds, values=values, post_of=arr(p for _, p in pk),
                   key_of=arr(k for k, _ in pk), hub=hub, hub_reason=reasons, key_posts=counts,
                   image_src=arr(a for a, _, _ in img), image_dst=arr(b for _, b, _ in img),
                   image_dist=arr(d for _, _, d in img), text_src=arr(a for a, _ in txt),
                   text_dst=arr(b for _, b in txt), ignored_posts=ignored_posts, duplicates=dups)
    return assemble(graph, cfg)
