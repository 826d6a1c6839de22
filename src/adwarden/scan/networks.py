"""Networks of a scan as rows: members, shared identifiers, movement facts, risk, and templates for the top.

A network's risk is the highest risk of its posts (the policy's verdicts) or the points of its own network
evidence (:func:`~adwarden.detect.network.detector.evidence_from_facts`, capped at 100), whichever is higher:
the same rule a stored network uses. Templates (slow-ish: an alignment per cluster) are computed only for the
networks the report shows.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from adwarden.detect.network.detector import evidence_from_facts
from adwarden.detect.network.model import LinkResult, Network
from adwarden.detect.network.movement import network_facts
from adwarden.detect.network.templates import network_templates
from adwarden.scan.state import ScanState

__all__ = ["RowsJob", "add_templates", "network_rows"]

#: Shared identifiers listed per network (the most shared first); the JSON keeps all of them.
MAX_LINKS_SHOWN = 12


def _risk(facts: dict[str, Any], post_risk: float) -> float:
    own = min(100.0, sum(max(e.weight, 0.0) for e in evidence_from_facts(facts)))
    return round(max(post_risk, own), 2)


def network_rows(state: ScanState, result: LinkResult) -> list[dict[str, Any]]:
    """One JSON-ready row per network, riskiest first, then largest."""
    return _sorted(_rows(state, result.networks))


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows.sort(key=lambda r: (-r["risk"], -r["size"], r["id"]))
    return rows


#: Networks from which :class:`RowsJob` builds half the rows in a forked process (below, a fork costs more
#: than it saves).
PARALLEL_MIN_NETWORKS = 4000

_SHARED: tuple[ScanState, Sequence[Network]] | None = None


def _rows_of_shared(lo: int, hi: int) -> list[dict[str, Any]]:
    assert _SHARED is not None, "the process was not forked from one that set the networks"
    state, nets = _SHARED
    return _rows(state, nets[lo:hi])


class RowsJob:
    """:func:`network_rows` on two cores: the rows of the second half of the networks are built in a process
    forked here (it inherits the state, so nothing is sent to it but two numbers), the first half in this
    one when :meth:`rows` is called. Why: a network's facts are per-network Python (``network_facts``), the
    largest part of the summary at a million posts. Start it before any other thread of this process runs
    (forking a process whose threads hold locks is unsafe)."""

    def __init__(self, state: ScanState, result: LinkResult, *, min_networks: int = PARALLEL_MIN_NETWORKS) -> None:
        global _SHARED
        self._state, self._nets = state, result.networks
        self._half = len(self._nets)
        self._pool: Any = None
        self._other: Any = None
        if len(self._nets) >= max(min_networks, 2) and "fork" in multiprocessing.get_all_start_methods():
            state.risk  # noqa: B018  (concatenated once, before the fork, for both processes)
            self._half = len(self._nets) // 2
            _SHARED = (state, self._nets)
            # an executor, not a Pool: if the forked process dies (out of memory) the result raises instead of
            # never arriving; with fork it starts its process before its own management thread
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            self._other = self._pool.submit(_rows_of_shared, self._half, len(self._nets))
            _SHARED = None

    def rows(self) -> list[dict[str, Any]]:
        """Every row, riskiest first, then largest (the same list as :func:`network_rows`)."""
        rows = _rows(self._state, self._nets[: self._half])
        if self._pool is not None:
            try:
                rows.extend(self._other.result())
            finally:
                self._pool.shutdown()
        return _sorted(rows)


def _rows(state: ScanState, nets: Sequence[Network]) -> list[dict[str, Any]]:
    index = state.index
    risk = state.risk
    members_of = [[index[p] for p in net.posts] for net in nets]
    every = [i for members in members_of for i in members]
    recs = dict(zip(every, state.records_at(every), strict=True))  # only networked posts are rebuilt
    rows: list[dict[str, Any]] = []
    for net, members in zip(nets, members_of, strict=True):
        facts = network_facts([recs[i] for i in members])
        facts["network_id"] = net.id
        facts["image_reuse"] = len({p for link in net.links if link.kind in ("image", "image_sha256")
                                    for p in link.posts})
        top_post = max(members, key=lambda i: float(risk[i]))
        rows.append({
            "id": net.id,
            "size": net.size,
            "risk": _risk(facts, float(risk[top_post])),
            "riskiest_post": recs[top_post].external_id,
            "posts": [recs[i].external_id for i in members],
            "post_ids": list(net.posts),
            "sites": sorted({recs[i].site for i in members}),
            "links": _links(net, recs, index),
            "ignored": [i.to_json() for i in net.ignored],
            "cities": facts["cities"],
            "first_seen": facts["first_seen"],
            "last_seen": facts["last_seen"],
            "facts": facts,
            "templates": [],
            "_members": members,
        })
    return rows


def _links(net: Network, recs: Mapping[int, Any], index: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for link in sorted(net.links, key=lambda x: (-len(x.posts), x.kind, x.value)):
        value = recs[index[link.value]].external_id if link.kind == "text" else link.value
        row: dict[str, Any] = {"kind": link.kind, "value": value, "count": len(link.posts),
                               "posts": [recs[index[p]].external_id for p in link.posts]}
        if link.detail:
            row["detail"] = dict(link.detail)
        out.append(row)
    return out


def add_templates(state: ScanState, result: LinkResult, rows: Sequence[dict[str, Any]], *,
                  max_members: int = 25) -> None:
    """Fill ``templates`` (skeleton with ``{slot}`` markers) of the given rows, in place."""
    by_id = {n.id: n for n in result.networks}
    index = state.index
    for row in rows:
        net = by_id[row["id"]]
        clusters = {link.value: link.posts for link in net.links if link.kind == "text"}
        if not clusters:
            continue
        wanted = [index[p] for posts in clusters.values() for p in posts[:max_members]]
        texts_by_index = state.texts_of(wanted)
        recs = dict(zip(wanted, state.records_at(wanted), strict=True))
        texts = {recs[i].post_id: t for i, t in texts_by_index.items()}
        names = {recs[i].post_id: recs[i].names for i in wanted}
        cities = [c.split(", ")[0] for c in row["cities"]]
        templates = network_templates(clusters, texts, names=names, cities=cities, max_members=max_members)
        external = dict(zip(row["post_ids"], row["posts"], strict=True))
        row["templates"] = [
            {"cluster": external[cid], **t.to_json()}
            for cid, t in sorted(templates.items(), key=lambda kv: -kv[1].size)
        ]


def size_histogram(rows: Sequence[dict[str, Any]]) -> list[tuple[str, int]]:
    """Networks per size bucket (2, 3-5, 6-10, 11-25, 26-100, 101+)."""
    edges = [(2, 2), (3, 5), (6, 10), (11, 25), (26, 100), (101, 10**12)]
    sizes = np.asarray([r["size"] for r in rows], dtype=np.int64)
    out = []
    for lo, hi in edges:
        label = f"{lo}" if lo == hi else (f"{lo}+" if hi >= 10**12 else f"{lo}-{hi}")
        out.append((label, int(((sizes >= lo) & (sizes <= hi)).sum())))
    return out
