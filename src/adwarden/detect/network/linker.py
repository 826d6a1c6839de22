"""Batch linking: posts -> networks (connected components over shared identifiers, images and text).

The graph has a node per post and a node per identifier (phone, e-mail, handle, payment handle, URL, account,
device, IP, exact image, PDQ hash). A post is joined to each identifier it carries, PDQ hashes within Hamming
distance 31 are joined to each other, and posts whose texts are near duplicates (MinHash LSH) are joined
directly. Networks are the connected components with at least two posts. Hub identifiers
(:mod:`~adwarden.detect.network.hubs`) are left out of the graph and reported.

Components are computed with SciPy's sparse-graph routine, so a million posts link in seconds; the
incremental linker (:mod:`~adwarden.detect.network.incremental`) and the Spark job build the same graph edge
for edge and therefore the same networks.

>>> from adwarden.detect.network.records import LinkRecord
>>> recs = [LinkRecord("a", identifiers=(("phone", "+12065550147"),)),
...         LinkRecord("b", identifiers=(("phone", "+12065550147"),)),
...         LinkRecord("c", identifiers=(("phone", "+12065550148"),))]
>>> [n.posts for n in link_records(recs).networks]
[('a', 'b')]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from adwarden.detect.network.hubs import HubRules, IgnoredIdentifier, IgnoredPost
from adwarden.detect.network.images import near_duplicate_pairs, pdq_words
from adwarden.detect.network.minhash import RING_TEXT, MinHashParams, lsh_edges, text_signatures
from adwarden.detect.network.model import Link, LinkResult, Network, network_id
from adwarden.detect.network.persona import PersonaParams, bridging_keys, with_persona_keys
from adwarden.detect.network.records import LINK_KINDS, LinkRecord
from adwarden.detect.network.verify import VerifyParams, verified_pairs

__all__ = ["LinkConfig", "find_hubs_coded", "image_edges", "link_records", "linkable_identifiers"]

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LinkConfig:
    """How to link. ``disabled`` switches link kinds off (``{"phone"}`` for an evaluation on text and images).

    ``text`` is the text key (default :data:`~adwarden.detect.network.minhash.RING_TEXT`: slot-masked character
    8-shingles; ``MinHashParams()`` is the previous word 3-shingle key). ``verify`` switches on the second stage
    (:mod:`~adwarden.detect.network.verify`, template alignment on candidate clusters); the incremental linker
    does not run it, so it is for corpus runs and evaluations. ``persona`` adds persona keys (the same name with
    the same age or body details, :mod:`~adwarden.detect.network.persona`) as ``persona`` identifiers; they
    depend on the whole corpus, so likewise only corpus runs compute them.
    """

    disabled: frozenset[str] = frozenset()
    hubs: HubRules = field(default_factory=HubRules)
    text: MinHashParams = RING_TEXT
    pdq_max_distance: int = 31
    pdq_chunk_bits: int | None = None
    min_network_size: int = 2
    verify: VerifyParams | None = None
    persona: PersonaParams | None = None

    def __post_init__(self) -> None:
        unknown = set(self.disabled) - set(LINK_KINDS)
        if unknown:
            raise ValueError(f"unknown link kind(s) {sorted(unknown)}; expected some of {', '.join(LINK_KINDS)}")
        if not 0 <= self.pdq_max_distance <= 256:
            raise ValueError("pdq_max_distance must be between 0 and 256")
        if self.min_network_size < 2:
            raise ValueError("min_network_size must be >= 2")


@dataclass
class _Graph:
    """The linking graph in flat arrays (shared by the batch linker and the Spark job's driver side)."""

    records: list[LinkRecord]
    kinds: list[str]
    values: list[str]
    post_of: I64  # postings: post index ...
    key_of: I64  # ... carries key index
    hub: npt.NDArray[np.bool_]
    hub_reason: dict[int, str]
    key_posts: npt.NDArray[np.int64]
    image_src: I64  # key index pairs of near-duplicate PDQ hashes
    image_dst: I64
    image_dist: I64
    text_src: I64  # post index pairs of near-duplicate texts
    text_dst: I64
    ignored_posts: list[IgnoredPost]
    duplicates: list[str]
    #: post ids in node order when ``records`` is left empty (a scan links from columns, not records)
    ids: list[str] | None = None


def unique_records(records: Sequence[LinkRecord]) -> tuple[list[LinkRecord], list[str]]:
    """Drop repeated post ids (first one wins) and return the ids that repeated."""
    seen: set[str] = set()
    out: list[LinkRecord] = []
    dups: list[str] = []
    for r in records:
        if r.post_id in seen:
            dups.append(r.post_id)
            continue
        seen.add(r.post_id)
        out.append(r)
    return out, dups


def linkable_identifiers(
    r: LinkRecord, disabled: frozenset[str], use_image: bool, rules: HubRules
) -> tuple[list[tuple[str, str]], str | None]:
    """The ``(kind, value)`` keys one record joins (its identifiers of enabled kinds, then its PDQ hashes as
    ``image`` keys), and the reason when it carries more than ``max_identifiers_per_post`` (then only its
    accounts count). One function, so a scan that keys records chunk by chunk keys them as this linker does."""
    ids = [kv for kv in r.identifiers if kv[0] not in disabled] if disabled else list(r.identifiers)
    if use_image and r.image_hashes:
        ids.extend(("image", h) for h in r.image_hashes)
    if len(ids) > rules.max_identifiers_per_post:
        reason = (f"carries {len(ids)} identifiers (limit {rules.max_identifiers_per_post}): "
                  "a list or directory, not one contact; only its account links it")
        return [kv for kv in ids if kv[0] == "account"], reason
    return ids, None


def collect_postings(
    records: Sequence[LinkRecord], config: LinkConfig
) -> tuple[list[str], list[str], I64, I64, list[IgnoredPost]]:
    """Key every identifier and list ``(post index, key index)`` postings; apply the per-post identifier cap."""
    rules = config.hubs
    keys: dict[tuple[str, str], int] = {}
    kinds: list[str] = []
    values: list[str] = []
    posts_col: list[int] = []
    keys_col: list[int] = []
    ignored: list[IgnoredPost] = []
    disabled = config.disabled
    use_image = "image" not in disabled
    for i, r in enumerate(records):
        ids, capped = linkable_identifiers(r, disabled, use_image, rules)
        if capped is not None:
            ignored.append(IgnoredPost(r.post_id, capped))
        for kv in ids:
            k = keys.get(kv)
            if k is None:
                k = keys[kv] = len(kinds)
                kinds.append(kv[0])
                values.append(kv[1])
            posts_col.append(i)
            keys_col.append(k)
    post_of = np.asarray(posts_col, dtype=np.int64)
    key_of = np.asarray(keys_col, dtype=np.int64)
    if post_of.size:
        # a record may list one identifier twice; count each (post, key) once
        pair = np.unique(key_of * np.int64(len(records)) + post_of)
        key_of, post_of = pair // len(records), pair % len(records)
    return kinds, values, post_of, key_of, ignored


def _codes(labels: Sequence[str | None]) -> npt.NDArray[np.int64]:
    table: dict[str | None, int] = {}
    return np.fromiter((table.setdefault(x, len(table)) for x in labels), dtype=np.int64, count=len(labels))


def find_hubs(
    records: Sequence[LinkRecord], kinds: list[str], post_of: I64, key_of: I64, rules: HubRules
) -> tuple[npt.NDArray[np.bool_], dict[int, str], npt.NDArray[np.int64]]:
    """Decide which keys are hubs from their final counts. Returns (hub mask, reasons, posts per key)."""
    cats = _codes([r.category for r in records])
    sites = _codes([r.site for r in records])
    return find_hubs_coded(len(records), cats, sites, kinds, post_of, key_of, rules)


def find_hubs_coded(
    n: int, cats: npt.NDArray[np.int64], sites: npt.NDArray[np.int64], kinds: list[str], post_of: I64, key_of: I64,
    rules: HubRules,
) -> tuple[npt.NDArray[np.bool_], dict[int, str], npt.NDArray[np.int64]]:
    """:func:`find_hubs` from each post's category and site as integer codes (any coding: only the number of
    distinct codes per key counts), for callers that hold columns rather than records."""
    nk = len(kinds)
    counts = np.bincount(key_of, minlength=nk).astype(np.int64)
    hub = np.zeros(nk, dtype=bool)
    reasons: dict[int, str] = {}
    min_limit = min([rules.limit(k) for k in set(kinds)] or [rules.default_max_posts])
    floor = min(rules.context_min_posts, min_limit + 1)
    if n >= rules.share_min_corpus:
        floor = min(floor, max(2, math.floor(rules.max_share * n) + 1))
    cand = np.flatnonzero(counts >= max(floor, 2))
    if cand.size == 0:
        return hub, reasons, counts
    in_cand = np.zeros(nk, dtype=bool)
    in_cand[cand] = True
    m = in_cand[key_of]
    ck, cp = key_of[m], post_of[m]
    n_cat = np.bincount(np.unique(ck * np.int64(cats.max() + 1) + cats[cp]) // (cats.max() + 1), minlength=nk)
    n_site = np.bincount(np.unique(ck * np.int64(sites.max() + 1) + sites[cp]) // (sites.max() + 1), minlength=nk)
    for k in cand.tolist():
        reason = rules.reason(
            kinds[k], posts=int(counts[k]), categories=int(n_cat[k]), sites=int(n_site[k]), corpus=n
        )
        if reason is not None:
            hub[k] = True
            reasons[k] = reason
    return hub, reasons, counts


def image_edges(kinds: Sequence[str], values: Sequence[str], hub: npt.NDArray[np.bool_], config: LinkConfig
                ) -> tuple[I64, I64, I64]:
    """Key index pairs (and distances) of near-duplicate PDQ hashes among the image keys that are not hubs."""
    empty = np.zeros(0, dtype=np.int64)
    if "image" in config.disabled:
        return empty, empty, empty
    img_keys = np.asarray([k for k, kind in enumerate(kinds) if kind == "image" and not hub[k]], dtype=np.int64)
    if img_keys.size < 2:
        return empty, empty, empty
    words = pdq_words([values[k] for k in img_keys.tolist()])
    a, b, d = near_duplicate_pairs(words, max_distance=config.pdq_max_distance, chunk_bits=config.pdq_chunk_bits)
    return img_keys[a], img_keys[b], d


def build_graph(records: Sequence[LinkRecord], config: LinkConfig) -> _Graph:
    """Every edge of the linking graph, with hubs decided (no components yet)."""
    recs, dups = unique_records(records)
    if config.persona is not None and "persona" not in config.disabled:
        recs = with_persona_keys(recs, config.persona)
    kinds, values, post_of, key_of, ignored_posts = collect_postings(recs, config)
    hub, reasons, counts = find_hubs(recs, kinds, post_of, key_of, config.hubs)
    empty = np.zeros(0, dtype=np.int64)
    img_src, img_dst, img_dist = image_edges(kinds, values, hub, config)
    txt_src, txt_dst = empty, empty
    if "text" not in config.disabled and len(recs) >= 2:
        sigs, valid = text_signatures([r.text for r in recs], config.text)
        if config.verify is None:
            txt_src, txt_dst = lsh_edges(sigs, valid, config.text)
        else:
            txt_src, txt_dst = _verified_text_edges(recs, sigs, valid, config.text, config.verify)
    graph = _Graph(
        records=recs,
        kinds=kinds,
        values=values,
        post_of=post_of,
        key_of=key_of,
        hub=hub,
        hub_reason=reasons,
        key_posts=counts,
        image_src=img_src,
        image_dst=img_dst,
        image_dist=img_dist,
        text_src=txt_src,
        text_dst=txt_dst,
        ignored_posts=ignored_posts,
        duplicates=dups,
    )
    if config.persona is not None and not config.persona.merge_networks:
        _set_aside_persona_bridges(graph)
    return graph


def _set_aside_persona_bridges(graph: _Graph) -> None:
    """Mark as hubs the persona keys that would join networks the other links keep apart (persona module)."""
    n, is_persona = len(graph.records), np.asarray([k == "persona" for k in graph.kinds], dtype=bool)
    if not is_persona.any():
        return
    use = ~(graph.hub | is_persona)[graph.key_of]
    src = np.concatenate([graph.post_of[use], graph.image_src + n, graph.text_src])
    dst = np.concatenate([graph.key_of[use] + n, graph.image_dst + n, graph.text_dst])
    base = _components(n + len(graph.kinds), src, dst)[:n].tolist()
    mine = is_persona[graph.key_of] & ~graph.hub[graph.key_of]
    key_posts: dict[int, list[int]] = {}
    for p, k in zip(graph.post_of[mine].tolist(), graph.key_of[mine].tolist(), strict=True):
        key_posts.setdefault(k, []).append(p)
    for k, why in bridging_keys(base, key_posts).items():
        graph.hub[k] = True
        graph.hub_reason[k] = why


def _verified_text_edges(
    recs: Sequence[LinkRecord], sigs: npt.NDArray[np.uint32], valid: npt.NDArray[np.bool_], text: MinHashParams,
    verify: VerifyParams,
) -> tuple[I64, I64]:
    """Second stage (:mod:`~adwarden.detect.network.verify`): looser LSH candidates, verified by alignment."""
    loose = replace(text, threshold=min(text.threshold, verify.candidate_threshold))
    cs, cd = lsh_edges(sigs, valid, loose)
    strong = (sigs[cs] == sigs[cd]).mean(axis=1) >= text.threshold if cs.size else np.zeros(0, dtype=bool)
    pairs = verified_pairs([r.text for r in recs], list(zip(cs.tolist(), cd.tolist(), strict=True)), verify,
                           keep=strong.tolist())
    src = np.asarray([a for a, _ in pairs], dtype=np.int64)
    dst = np.asarray([b for _, b in pairs], dtype=np.int64)
    return src, dst


def _components(n_nodes: int, src: I64, dst: I64) -> npt.NDArray[np.int32]:
    """Component label of each node. SciPy is imported here, not with the module: the module is imported by
    every process that links incrementally (an ingest's storing process, the API), which never call this, and
    importing SciPy's sparse graphs cost about 0.2 s of each one's start-up."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if n_nodes == 0:
        return np.zeros(0, dtype=np.int32)
    g = coo_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(n_nodes, n_nodes))
    _, labels = connected_components(g, directed=False)
    out: npt.NDArray[np.int32] = np.asarray(labels, dtype=np.int32)
    return out


def _groups(labels: npt.NDArray[Any], members: I64) -> list[list[int]]:
    """Group ``members`` by ``labels`` (same length); each group keeps input order. Returns Python lists
    (slicing one list is much faster than ``np.split`` into hundreds of thousands of small arrays)."""
    if members.size == 0:
        return []
    order = np.argsort(labels, kind="stable")
    ls = labels[order]
    cuts = [0, *(np.flatnonzero(ls[1:] != ls[:-1]) + 1).tolist(), int(members.size)]
    flat = members[order].tolist()
    return [flat[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def assemble(graph: _Graph, config: LinkConfig) -> LinkResult:
    """Components of ``graph`` -> explained networks."""
    ids = graph.ids if graph.ids is not None else [r.post_id for r in graph.records]
    n = len(ids)
    nk = len(graph.kinds)
    keep = ~graph.hub[graph.key_of] if graph.key_of.size else np.zeros(0, dtype=bool)
    src = np.concatenate([graph.post_of[keep], graph.image_src + n, graph.text_src])
    dst = np.concatenate([graph.key_of[keep] + n, graph.image_dst + n, graph.text_dst])
    labels = _components(n + nk, src, dst)
    post_labels = labels[:n]
    sizes = np.bincount(post_labels, minlength=n + nk) if n else np.zeros(0, dtype=np.int64)
    is_net = sizes >= config.min_network_size

    links: dict[int, list[Link]] = {}
    # identifier links (images are grouped below)
    kp, kk = graph.post_of[keep], graph.key_of[keep]
    not_image = np.asarray([k != "image" for k in graph.kinds], dtype=bool)
    sel = not_image[kk] if kk.size else np.zeros(0, dtype=bool)
    multi = graph.key_posts >= 2
    sel &= multi[kk] if kk.size else sel
    for grp_posts, grp_key in zip(_groups(kk[sel], kp[sel]), _group_keys(kk[sel]), strict=True):
        lab = int(post_labels[grp_posts[0]])
        if is_net[lab]:
            links.setdefault(lab, []).append(
                Link(graph.kinds[grp_key], graph.values[grp_key], tuple(ids[p] for p in grp_posts))
            )
    # image groups: PDQ hashes joined by near-duplicate edges, plus their posts
    if "image" not in config.disabled:
        _image_links(graph, kp, kk, post_labels, is_net, ids, links)
    # text clusters: components of the text edges alone
    if graph.text_src.size:
        tl = _components(n, graph.text_src, graph.text_dst)
        tsizes = np.bincount(tl)
        in_cluster = np.flatnonzero(tsizes[tl] >= 2)
        for members in _groups(tl[in_cluster], in_cluster):
            lab = int(post_labels[members[0]])
            if is_net[lab]:
                links.setdefault(lab, []).append(Link("text", ids[members[0]], tuple(ids[p] for p in members)))
    # hubs touching networks
    ignored_by_net: dict[int, list[IgnoredIdentifier]] = {}
    all_ignored: list[IgnoredIdentifier] = []
    if graph.hub.any():
        hub_keys = np.flatnonzero(graph.hub)
        ignored_of = {
            int(k): IgnoredIdentifier(
                graph.kinds[k], graph.values[k], int(graph.key_posts[k]), graph.hub_reason[int(k)]
            )
            for k in hub_keys.tolist()
        }
        all_ignored = list(ignored_of.values())
        hk = graph.key_of[~keep]
        hl = post_labels[graph.post_of[~keep]].astype(np.int64)
        net_mask = is_net[hl]
        pairs = np.unique(hl[net_mask] * np.int64(nk) + hk[net_mask])
        for lab, k in zip((pairs // nk).tolist(), (pairs % nk).tolist(), strict=True):
            ignored_by_net.setdefault(lab, []).append(ignored_of[k])
    networks: list[Network] = []
    net_posts = np.flatnonzero(is_net[post_labels]) if n else np.zeros(0, dtype=np.int64)
    for members in _groups(post_labels[net_posts], net_posts):
        lab = int(post_labels[members[0]])
        member_ids = tuple(ids[p] for p in members)
        networks.append(
            Network(
                id=network_id(member_ids),
                posts=member_ids,
                links=tuple(sorted(links.get(lab, ()), key=lambda x: (x.kind, x.value))),
                ignored=tuple(ignored_by_net.get(lab, ())),
            )
        )
    networks.sort(key=lambda x: (-x.size, x.id))
    stats = {
        "posts": n,
        "identifiers": nk,
        "hubs": len(all_ignored),
        "image_edges": int(graph.image_src.size),
        "text_edges": int(graph.text_src.size),
        "networks": len(networks),
        "largest": networks[0].size if networks else 0,
        "networked_posts": int(net_posts.size),
    }
    return LinkResult(
        networks=tuple(networks),
        ignored=tuple(all_ignored),
        ignored_posts=tuple(graph.ignored_posts),
        duplicates=tuple(graph.duplicates),
        stats=stats,
    )


def _group_keys(keys: I64) -> list[int]:
    if keys.size == 0:
        return []
    order = np.argsort(keys, kind="stable")
    ks = keys[order]
    first = np.ones(ks.size, dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    return [int(k) for k in ks[first].tolist()]


def _image_links(
    graph: _Graph,
    kp: I64,
    kk: I64,
    post_labels: npt.NDArray[np.int32],
    is_net: npt.NDArray[np.bool_],
    ids: list[str],
    links: dict[int, list[Link]],
) -> None:
    nk = len(graph.kinds)
    is_img = np.asarray([k == "image" for k in graph.kinds], dtype=bool)
    sel = is_img[kk] if kk.size else np.zeros(0, dtype=bool)
    if not sel.any():
        return
    ip, ik = kp[sel], kk[sel]
    # group image keys by near-duplicate components (keys without edges are their own group)
    glabels = _components(nk, graph.image_src, graph.image_dst)
    max_dist: dict[int, int] = {}
    for a, d in zip(graph.image_src.tolist(), graph.image_dist.tolist(), strict=True):
        g = int(glabels[a])
        max_dist[g] = max(max_dist.get(g, 0), int(d))
    g_of_posting = glabels[ik].astype(np.int64)
    # unique (group, post) pairs; only groups seen in two or more posts can link anything
    pair = np.unique(g_of_posting * np.int64(len(ids) + 1) + ip)
    pg, pp = pair // (len(ids) + 1), pair % (len(ids) + 1)
    multi = np.bincount(pg, minlength=nk) >= 2
    keep = multi[pg]
    pg, pp = pg[keep], pp[keep]
    if pg.size == 0:
        return
    vsel = multi[g_of_posting]
    variants: dict[int, set[int]] = {}
    for g, k in zip(g_of_posting[vsel].tolist(), ik[vsel].tolist(), strict=True):
        variants.setdefault(g, set()).add(k)
    cuts = [0, *(np.flatnonzero(pg[1:] != pg[:-1]) + 1).tolist(), int(pg.size)]
    pg_l, pp_l = pg.tolist(), pp.tolist()
    for a, b in zip(cuts, cuts[1:], strict=False):
        posts_l = pp_l[a:b]
        g = pg_l[a]
        lab = int(post_labels[posts_l[0]])
        if not is_net[lab]:
            continue
        keys = variants[g]
        value = min(graph.values[k] for k in keys)
        detail: dict[str, Any] = {"variants": len(keys)}
        if g in max_dist:
            detail["max_distance"] = max_dist[g]
        links.setdefault(lab, []).append(Link("image", value, tuple(ids[p] for p in sorted(posts_l)), detail))


def link_records(records: Sequence[LinkRecord], config: LinkConfig | None = None) -> LinkResult:
    """Link a corpus of records into networks (see the module docstring)."""
    cfg = config or LinkConfig()
    return assemble(build_graph(records, cfg), cfg)
