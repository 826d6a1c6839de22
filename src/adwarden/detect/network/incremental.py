"""Incremental linking: a post joins or merges networks as it is ingested.

Why: a reviewer looking at a post held at ingest needs its network now, not after tonight's batch. The
:class:`IncrementalLinker` keeps the same graph as the batch linker (:mod:`~adwarden.detect.network.linker`)
-- postings of identifiers, near-duplicate PDQ edges, MinHash LSH text edges -- and a union-find over it, so
adding a post costs a few dictionary look-ups, one MinHash signature and a few unions (well under a
millisecond on average).

Equivalence with a full rebuild: every edge is decided exactly as the batch linker decides it (text
candidates are checked against the first post of their LSH bucket, which is the bucket's lowest index in
both), and hub rules depend only on an identifier's final counts. When an identifier's hub status changes
(it crosses a ceiling, or the corpus grows past a share threshold), unions made through it may be wrong, so
the union-find is rebuilt from the stored edges; that happens rarely (each identifier crosses a ceiling at
most once), so the cost stays amortized. ``result()`` then equals ``link_records()`` over the same posts in
the same order (tested).

>>> from adwarden.detect.network.records import LinkRecord
>>> lk = IncrementalLinker()
>>> lk.add(LinkRecord("a", identifiers=(("phone", "+12065550147"),))) is None
True
>>> lk.add(LinkRecord("b", identifiers=(("phone", "+12065550147"),))).posts
('a', 'b')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from adwarden.detect.network.hubs import IgnoredPost
from adwarden.detect.network.images import MAX_BUCKET
from adwarden.detect.network.linker import LinkConfig, _Graph, assemble
from adwarden.detect.network.minhash import TextSignature, band_keys, text_signatures
from adwarden.detect.network.model import LinkResult, Network, network_id
from adwarden.detect.network.movement import network_facts
from adwarden.detect.network.records import LinkRecord

__all__ = ["EXACT_FACTS_UP_TO", "FACTS_REFRESH_GROWTH", "IncrementalLinker"]

#: Networks up to this many posts get their facts recomputed whenever they change (see :meth:`facts_of`).
EXACT_FACTS_UP_TO = 1000
#: Past :data:`EXACT_FACTS_UP_TO`, a network's facts are recomputed once it has grown by this share.
FACTS_REFRESH_GROWTH = 0.05


class _UnionFind:
    """Union by size with path halving; keeps each root's post members for O(size) network look-ups, and the
    least post id of each root so that a network's id (:func:`network_id`) costs nothing to read."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.size: list[int] = []
        self.members: dict[int, list[int]] = {}
        self.least: dict[int, str] = {}

    def add(self, post: int | None, label: str | None = None) -> int:
        node = len(self.parent)
        self.parent.append(node)
        self.size.append(1)
        if post is not None:
            self.members[node] = [post]
        if label is not None:
            self.least[node] = label
        return node

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        moved = self.members.pop(rb, None)
        if moved:
            self.members.setdefault(ra, []).extend(moved)
        low = self.least.pop(rb, None)
        if low is not None:
            mine = self.least.get(ra)
            if mine is None or low < mine:
                self.least[ra] = low
        return ra

    def isolate(self, node: int, post: int | None, label: str | None) -> None:
        """Make ``node`` a root of its own again (a partial rebuild re-links it afterwards)."""
        self.parent[node] = node
        self.size[node] = 1
        self.members.pop(node, None)
        self.least.pop(node, None)
        if post is not None:
            self.members[node] = [post]
        if label is not None:
            self.least[node] = label

    def reset(self, post_of_node: Sequence[int | None], labels: Sequence[str | None]) -> None:
        self.parent = list(range(len(post_of_node)))
        self.size = [1] * len(post_of_node)
        self.members = {n: [p] for n, p in enumerate(post_of_node) if p is not None}
        self.least = {n: label for n, label in enumerate(labels) if label is not None}


class IncrementalLinker:
    """Link posts one at a time; :meth:`result` equals the batch linker over the same posts in the same order."""

    def __init__(self, config: LinkConfig | None = None, *, pdq_chunk_bits: int | None = None) -> None:
        self.config = config or LinkConfig()
        self._bits = pdq_chunk_bits or self.config.pdq_chunk_bits or 16
        self.records: list[LinkRecord] = []
        self._index: dict[str, int] = {}
        self._duplicates: list[str] = []
        self._ignored_posts: list[IgnoredPost] = []
        self._keys: dict[tuple[str, str], int] = {}
        self._kinds: list[str] = []
        self._values: list[str] = []
        self._postings: list[list[int]] = []
        self._contexts: dict[int, tuple[set[str | None], set[str]]] = {}
        self._hub: dict[int, str] = {}
        self._share_hubs: set[int] = set()
        self._uf = _UnionFind()
        self._post_node: list[int] = []
        self._key_node: list[int] = []
        self._node_post: list[int | None] = []
        self._text_edges: list[tuple[int, int]] = []
        self._text_adj: dict[int, list[int]] = {}
        self._buckets: dict[tuple[int, int], int] = {}
        self._sigs: list[npt.NDArray[np.uint32] | None] = []
        self._img_buckets: dict[int, list[int]] = {}  # (chunk << bits) | its value -> image keys
        self._img_values: dict[int, int] = {}
        self._img_edges: list[tuple[int, int, int]] = []
        self._dirty = False
        # Identifiers whose hub status changed since the last rebuild: new hubs may split their component,
        # former hubs only add links.
        self._new_hubs: set[int] = set()
        self._former_hubs: set[int] = set()
        self._post_keys: list[list[int]] = []
        self.rebuilds = 0
        rules = self.config.hubs
        self._floor = min(rules.context_min_posts, min(list(rules.max_posts.values()) + [rules.default_max_posts]) + 1)
        self._img_adj: dict[int, list[int]] = {}
        self._facts_cache: dict[int, tuple[int, dict[str, Any]]] = {}
        # Posts joined by text edges alone, node i being post i: the size of a post's near-duplicate text cluster
        # in O(α) instead of a walk over the cluster (which made each post of a large templated network cost
        # time proportional to the template's size). Text edges never depend on hub rules: never rebuilt.
        self._texts = _UnionFind()

    # -- adding -------------------------------------------------------------------------------------------------
    def add(self, record: LinkRecord) -> Network | None:
        """Link ``record``; return its network (``None`` while it is alone)."""
        self.add_many([record])
        return self.network_of(record.post_id)

    def add_many(self, records: Iterable[LinkRecord], *,
                 signatures: Mapping[str, TextSignature] | None = None) -> None:
        """Link several records; text signatures are computed for the batch at once (faster than one by one).

        ``signatures`` may carry records' signatures computed beforehand (:func:`signature_of`, by a file
        ingest's screening worker), keyed by post id; one made with other parameters than this linker's is
        not used, and records without one are signed here."""
        batch = [r for r in records]
        if not batch:
            return
        sigs: npt.NDArray[np.uint32] | None = None
        valid: npt.NDArray[np.bool_] | None = None
        keys: npt.NDArray[np.uint64] | None = None
        if "text" not in self.config.disabled:
            sigs, valid = self._signatures(batch, signatures or {})
            keys = band_keys(sigs, self.config.text)
        share_min = self.config.hubs.share_min_corpus
        for j, r in enumerate(batch):
            if r.post_id in self._index:
                self._duplicates.append(r.post_id)
                continue
            i = len(self.records)
            self.records.append(r)
            self._index[r.post_id] = i
            node = self._node(i)
            self._texts.add(None)
            self._post_node.append(node)
            self._post_keys.append([])
            self._link_identifiers(i, r)
            if self._share_hubs or len(self.records) == share_min:
                self._recheck_share()
            if sigs is not None and valid is not None and keys is not None and bool(valid[j]):
                self._link_text(i, sigs[j], keys[j])
            else:
                self._sigs.append(None)
        if self._dirty:
            self._rebuild()

    def _signatures(self, batch: Sequence[LinkRecord], given: Mapping[str, TextSignature]) -> tuple[
            npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
        params = self.config.text
        rows: list[bytes | None] = []
        flags: list[bool] = []
        for r in batch:
            g = given.get(r.post_id)
            ok = g is not None and g.params == params
            rows.append(g.sig if g is not None and ok else None)
            flags.append(bool(g.valid) if g is not None and ok else False)
        todo = [j for j, row in enumerate(rows) if row is None]
        if len(todo) == len(batch):
            return text_signatures([r.text for r in batch], params)
        sigs = np.frombuffer(b"".join(row or bytes(4 * params.num_perm) for row in rows),
                             dtype=np.uint32).reshape(len(batch), params.num_perm).copy()
        valid = np.asarray(flags, dtype=np.bool_)
        if todo:
            fresh, fresh_valid = text_signatures([batch[j].text for j in todo], params)
            sigs[todo] = fresh
            valid[todo] = fresh_valid
        return sigs, valid

    def _node(self, post: int | None) -> int:
        self._node_post.append(post)
        return self._uf.add(post, self._label(len(self._node_post) - 1))

    def _label(self, node: int) -> str | None:
        post = self._node_post[node]
        return None if post is None else self.records[post].post_id

    def _new_key(self, kv: tuple[str, str]) -> int:
        """Register an identifier not seen before, with its node (a root of its own, no post, no label)."""
        k = self._keys[kv] = len(self._kinds)
        self._kinds.append(kv[0])
        self._values.append(kv[1])
        self._postings.append([])
        self._node_post.append(None)
        self._key_node.append(self._uf.add(None))
        return k

    def _link_identifiers(self, i: int, r: LinkRecord) -> None:
        cfg = self.config
        disabled = cfg.disabled
        ids = [kv for kv in r.identifiers if kv[0] not in disabled]
        if "image" not in disabled:
            ids.extend(("image", h) for h in r.image_hashes)
        rules = cfg.hubs
        if len(ids) > rules.max_identifiers_per_post:
            self._ignored_posts.append(
                IgnoredPost(
                    r.post_id,
                    f"carries {len(ids)} identifiers (limit {rules.max_identifiers_per_post}): "
                    "a list or directory, not one contact; only its account links it",
                )
            )
            ids = [kv for kv in ids if kv[0] == "account"]
        # The loop below runs for every identifier of every post (about 7 per post): it reads what it needs
        # into locals, calls the full hub check only when some rule could apply (``_update_hub``'s own fast
        # path, tested here first), and joins a brand-new identifier's node (a root of size one, no members)
        # to the post's root directly, which is what ``union`` would do to it.
        keys, postings, contexts, hub = self._keys, self._postings, self._contexts, self._hub
        uf = self._uf
        parent, size = uf.parent, uf.size
        key_node = self._key_node
        mine = self._post_keys[i]
        post_node = self._post_node[i]
        n_records = len(self.records)
        floor = self._floor
        share_limit = rules.max_share * n_records if n_records >= rules.share_min_corpus else None
        context_min = rules.context_min_posts
        for kv in dict.fromkeys(ids):
            k = keys.get(kv)
            new = k is None
            if k is None:
                k = self._new_key(kv)
            posting = postings[k]
            posting.append(i)
            mine.append(k)
            n_posts = len(posting)
            ctx = contexts.get(k)
            if ctx is not None:
                ctx[0].add(r.category)
                ctx[1].add(r.site)
            elif n_posts >= context_min and rules.needs_context(kv[0], n_posts):
                contexts[k] = (
                    {self.records[p].category for p in posting},
                    {self.records[p].site for p in posting},
                )
            if k in hub or n_posts >= floor or (share_limit is not None and n_posts > share_limit):
                self._update_hub(k)
            if k not in hub:
                kn = key_node[k]
                if new:  # a root of size one, made just now: attach it under the post's root
                    root = uf.find(post_node)
                    parent[kn] = root
                    size[root] += 1
                else:
                    uf.union(post_node, kn)
            if new and kv[0] == "image":
                self._link_image(k, kv[1])

    def _status(self, k: int) -> str | None:
        ctx = self._contexts.get(k)
        return self.config.hubs.reason(
            self._kinds[k],
            posts=len(self._postings[k]),
            categories=len(ctx[0]) if ctx else 1,
            sites=len(ctx[1]) if ctx else 1,
            corpus=len(self.records),
        )

    def _update_hub(self, k: int) -> None:
        n_posts = len(self._postings[k])
        if k not in self._hub and n_posts < self._floor and (
            len(self.records) < self.config.hubs.share_min_corpus or n_posts <= self.config.hubs.max_share * len(self.records)
        ):
            return  # too few posts for any hub rule: skip the full check (the common case)
        reason = self._status(k)
        was = k in self._hub
        if reason is None:
            if was:
                del self._hub[k]
                self._share_hubs.discard(k)
                self._dirty = True
                if k in self._new_hubs:
                    self._new_hubs.discard(k)
                else:
                    self._former_hubs.add(k)
            return
        self._hub[k] = reason
        if "of the corpus" in reason:
            self._share_hubs.add(k)
        else:
            self._share_hubs.discard(k)
        if not was:
            self._dirty = True
            if k in self._former_hubs:
                self._former_hubs.discard(k)
            else:
                self._new_hubs.add(k)

    def _recheck_share(self) -> None:
        rules = self.config.hubs
        n = len(self.records)
        if n == rules.share_min_corpus:
            # the share rule starts to apply: every identifier that could exceed it is checked once
            limit = rules.max_share * n
            for k, posting in enumerate(self._postings):
                if len(posting) > limit:
                    self._update_hub(k)
        for k in list(self._share_hubs):
            self._update_hub(k)

    def _link_image(self, k: int, pdq: str) -> None:
        """Compare a new PDQ hash with those sharing a chunk (plain integers: one hash at a time is faster
        without NumPy); chunk ``c`` is the same bit range as in :func:`~adwarden.detect.network.images.chunks`."""
        value = int(pdq, 16)
        bits = self._bits
        mask = (1 << bits) - 1
        per_word = 64 // bits
        seen: set[int] = set()
        buckets = self._img_buckets
        c = 0
        for w in range(4):
            word = value >> (64 * (3 - w))
            for j in range(per_word):
                key = (c << bits) | ((word >> (j * bits)) & mask)  # chunk c's value, one int per (c, value)
                bucket = buckets.get(key)
                if bucket is None:
                    buckets[key] = [k]
                else:
                    if len(bucket) < MAX_BUCKET:
                        seen.update(bucket)
                    bucket.append(k)
                c += 1
        self._img_values[k] = value
        limit = self.config.pdq_max_distance
        for o in sorted(seen):
            d = (self._img_values[o] ^ value).bit_count()
            if 0 < d <= limit:
                self._img_edges.append((min(o, k), max(o, k), d))
                self._img_adj.setdefault(o, []).append(k)
                self._img_adj.setdefault(k, []).append(o)
                if o not in self._hub and k not in self._hub:
                    self._uf.union(self._key_node[o], self._key_node[k])

    def _link_text(self, i: int, sig: npt.NDArray[np.uint32], keys: npt.NDArray[np.uint64]) -> None:
        self._sigs.append(sig)
        threshold = self.config.text.threshold
        linked: set[int] = set()
        for band, key in enumerate(keys.tolist()):
            leader = self._buckets.setdefault((band, key), i)
            if leader == i or leader in linked:
                continue
            lsig = self._sigs[leader]
            if lsig is not None and np.count_nonzero(lsig == sig) / len(sig) >= threshold:  # the share of equal slots
                linked.add(leader)
                self._text_edges.append((leader, i))
                self._text_adj.setdefault(leader, []).append(i)
                self._text_adj.setdefault(i, []).append(leader)
                self._uf.union(self._post_node[leader], self._post_node[i])
                self._texts.union(leader, i)

    def _rebuild(self) -> None:
        """Bring the union-find up to date after identifiers changed hub status, touching only what can change.

        A new hub can only split the one component its key node is in: that component's nodes are reset and
        re-linked from their stored edges (identifier postings, image and text edges), skipping hubs. A former
        hub only adds links: its postings and image neighbours are united. Both give exactly what
        :meth:`_rebuild_all` gives, in time proportional to the affected component instead of the corpus
        (a full rebuild stalled ingest for hundreds of milliseconds on a corpus of ten thousand posts)."""
        uf = self._uf
        hub = self._hub
        if self._new_hubs:
            roots = {uf.find(self._key_node[k]) for k in self._new_hubs}
            posts = [p for r in roots for p in uf.members.get(r, [])]
            keys = {k for p in posts for k in self._post_keys[p]} | self._new_hubs
            keys |= {o for k in keys for o in self._img_adj.get(k, ())}
            # Only nodes of the affected components are reset: a hub's key node or an image neighbour may
            # belong to another component, which must stay as it is.
            keys = {k for k in keys if uf.find(self._key_node[k]) in roots}
            for r in roots:
                uf.members.pop(r, None)
                uf.least.pop(r, None)
            for n in [self._post_node[p] for p in posts] + [self._key_node[k] for k in keys]:
                uf.isolate(n, self._node_post[n], self._label(n))
            for k in keys:
                if k not in hub:
                    self._union_key(k, hub)
            for p in posts:
                for q in self._text_adj.get(p, ()):
                    uf.union(self._post_node[p], self._post_node[q])
        for k in self._former_hubs:
            self._union_key(k, hub)
        self._new_hubs.clear()
        self._former_hubs.clear()
        self._dirty = False
        self._facts_cache.clear()
        self.rebuilds += 1

    def _union_key(self, k: int, hub: Mapping[int, str]) -> None:
        """Join identifier ``k``'s node to its posts and to its near-duplicate (PDQ) neighbours that are no hubs."""
        uf = self._uf
        kn = self._key_node[k]
        for p in self._postings[k]:
            uf.union(self._post_node[p], kn)
        for o in self._img_adj.get(k, ()):
            if o not in hub:
                uf.union(kn, self._key_node[o])

    def _rebuild_all(self) -> None:
        """Recompute the whole union-find from stored edges (the reference :meth:`_rebuild` must agree with)."""
        uf = self._uf
        uf.reset(self._node_post, [self._label(n) for n in range(len(self._node_post))])
        hub = self._hub
        for k, posting in enumerate(self._postings):
            if k in hub:
                continue
            kn = self._key_node[k]
            for p in posting:
                uf.union(self._post_node[p], kn)
        for a, b, _ in self._img_edges:
            if a not in hub and b not in hub:
                uf.union(self._key_node[a], self._key_node[b])
        for a, b in self._text_edges:
            uf.union(self._post_node[a], self._post_node[b])
        self._dirty = False
        self._facts_cache.clear()
        self.rebuilds += 1

    # -- reading ------------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, post_id: object) -> bool:
        return post_id in self._index

    def members(self, post_id: str) -> tuple[str, ...]:
        """Post ids in the same component as ``post_id`` (itself alone when unlinked), in input order."""
        i = self._index[post_id]
        root = self._uf.find(self._post_node[i])
        posts = sorted(self._uf.members.get(root, [i]))
        return tuple(self.records[p].post_id for p in posts)

    def network_of(self, post_id: str) -> Network | None:
        """The post's network (posts only; links and ignored identifiers are in :meth:`result`)."""
        if post_id not in self._index:
            return None
        posts = self.members(post_id)
        if len(posts) < self.config.min_network_size:
            return None
        return Network(id=network_id(posts), posts=posts)

    def facts_of(self, post_id: str) -> dict[str, Any]:
        """:func:`~adwarden.detect.network.movement.network_facts` of the post's network plus its id.

        Cost: the network's size and id are read from the union-find's root, and its facts are cached per root.
        Up to :data:`EXACT_FACTS_UP_TO` posts they are recomputed whenever the network changed; past it, only when
        it has grown by :data:`FACTS_REFRESH_GROWTH` since they were computed (``size`` is always exact, and
        ``facts_as_of_size`` says when the rest were computed at a smaller size). Recomputing a network's facts
        on every post made each post of a network of n posts cost O(n log n): a load test's stored rate fell
        from 147 to 19 posts/s as one network grew to 40,000 posts. With the growth rule the recomputations form
        a geometric series, so a post costs O(1) amortized however large its network."""
        i = self._index.get(post_id)
        if i is None:
            return {}
        root = self._uf.find(self._post_node[i])
        size = len(self._uf.members.get(root, (i,)))
        if size < self.config.min_network_size:
            return {}
        net_id = network_id((self._uf.least[root],))
        cached = self._facts_cache.get(root)
        fresh = (
            cached is not None
            and cached[1].get("network_id") == net_id
            and (cached[0] == size or (size > EXACT_FACTS_UP_TO and size < cached[0] * (1 + FACTS_REFRESH_GROWTH)))
        )
        if cached is not None and fresh:
            facts = dict(cached[1])
        else:
            posts = sorted(self._uf.members.get(root, [i]))
            facts = network_facts([self.records[p] for p in posts])
            facts["network_id"] = net_id
            self._facts_cache[root] = (size, dict(facts))
        if facts["size"] != size:
            facts["facts_as_of_size"] = facts["size"]
            facts["size"] = size
        facts["template_size"] = self._texts.size[self._texts.find(i)] if i in self._text_adj else 0
        facts["image_reuse"] = self._image_reuse(i)
        return facts

    def _image_reuse(self, i: int) -> int:
        """Other posts sharing an image (exact hash, or PDQ within the distance) with post ``i``."""
        r = self.records[i]
        keys = [self._keys.get(("image_sha256", v)) for k, v in r.identifiers if k == "image_sha256"]
        keys += [self._keys.get(("image", h)) for h in r.image_hashes]
        mine = {k for k in keys if k is not None and k not in self._hub}
        near = set(mine)
        for k in mine:
            near.update(o for o in self._img_adj.get(k, ()) if o not in self._hub)
        posts = {p for k in near for p in self._postings[k]}
        posts.discard(i)
        return len(posts)

    def result(self) -> LinkResult:
        """All networks with links and ignored identifiers, exactly as the batch linker reports them."""
        if self._dirty:
            self._rebuild()
        nk = len(self._kinds)
        post_col: list[int] = []
        key_col: list[int] = []
        for k, posting in enumerate(self._postings):
            post_col.extend(posting)
            key_col.extend([k] * len(posting))
        hub = np.zeros(nk, dtype=bool)
        for k in self._hub:
            hub[k] = True
        img = [(a, b, d) for a, b, d in self._img_edges if not hub[a] and not hub[b]]
        text = sorted(set(self._text_edges))
        graph = _Graph(
            records=list(self.records),
            kinds=list(self._kinds),
            values=list(self._values),
            post_of=np.asarray(post_col, dtype=np.int64),
            key_of=np.asarray(key_col, dtype=np.int64),
            hub=hub,
            hub_reason=dict(self._hub),
            key_posts=np.asarray([len(p) for p in self._postings], dtype=np.int64),
            image_src=np.asarray([a for a, _, _ in img], dtype=np.int64),
            image_dst=np.asarray([b for _, b, _ in img], dtype=np.int64),
            image_dist=np.asarray([d for _, _, d in img], dtype=np.int64),
            text_src=np.asarray([a for a, _ in text], dtype=np.int64),
            text_dst=np.asarray([b for _, b in text], dtype=np.int64),
            ignored_posts=list(self._ignored_posts),
            duplicates=list(self._duplicates),
        )
        return assemble(graph, self.config)
