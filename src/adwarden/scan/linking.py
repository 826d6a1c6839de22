"""Link a scanned corpus with the batch linker's graph, from the chunks' keys and signatures instead of records.

The batch linker (:func:`~adwarden.detect.network.linker.link_records`) keys every record's identifiers and
computes MinHash signatures from the records' texts. A scan did both already, chunk by chunk: the workers
keyed each record with the linker's own rule (:func:`~adwarden.detect.network.linker.linkable_identifiers`,
:mod:`adwarden.scan.packing`), the main process numbered the keys corpus-wide in order of first use as the
linker does, and the signatures were computed with the same function and parameters. So here the graph is
assembled from those arrays (hubs from the keys' final counts, PDQ near duplicates among the image keys, text
edges from the signatures): the same nodes and edges, hence the same networks, without a Python pass over a
million records. A persona key depends on the whole corpus's records, so with ``LinkConfig.persona`` the
records are rebuilt and linked the batch linker's way.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from adwarden.detect.network.hubs import IgnoredPost
from adwarden.detect.network.linker import (
    LinkConfig,
    _Graph,
    assemble,
    build_graph,
    find_hubs_coded,
    image_edges,
)
from adwarden.detect.network.minhash import lsh_edges
from adwarden.detect.network.model import LinkResult
from adwarden.scan.state import ScanState

__all__ = ["link_state"]


def _codes(state: ScanState, column: str) -> np.ndarray:
    """Integer codes of one string column of the posts (nulls get a code of their own)."""
    col = state.table.column(column).combine_chunks()
    return np.asarray(col.dictionary_encode(null_encoding="encode").indices, dtype=np.int64)


def _graph(state: ScanState, config: LinkConfig) -> _Graph:
    n = state.count
    ids = state.post_ids
    if config.persona is not None and "persona" not in config.disabled:
        graph = build_graph(state.records_at(range(n)), replace(config, disabled=config.disabled | {"text"}))
        graph.records, graph.ids = [], ids
        return graph
    post_of, key_of = state.postings
    if post_of.size:
        # a record may list one identifier twice; count each (post, key) once (as collect_postings does)
        pair = np.unique(key_of * np.int64(n) + post_of)
        key_of, post_of = pair // n, pair % n
    kinds, values = state.kinds, state.values
    hub, reasons, counts = find_hubs_coded(n, _codes(state, "category"), _codes(state, "site"), kinds, post_of,
                                           key_of, config.hubs)
    img_src, img_dst, img_dist = image_edges(kinds, values, hub, config)
    empty = np.zeros(0, dtype=np.int64)
    return _Graph(records=[], kinds=kinds, values=values, post_of=post_of, key_of=key_of, hub=hub,
                  hub_reason=reasons, key_posts=counts, image_src=img_src, image_dst=img_dst, image_dist=img_dist,
                  text_src=empty, text_dst=empty,
                  ignored_posts=[IgnoredPost(ids[p], why) for p, why in state.capped], duplicates=[], ids=ids)


def link_state(state: ScanState, config: LinkConfig) -> LinkResult:
    """Networks of every post in ``state`` (see the module docstring)."""
    graph = _graph(state, config)
    if "text" not in config.disabled and state.count >= 2:
        sigs = state.signatures
        if sigs.shape[0] != state.count:
            raise AssertionError("one signature per record is expected")
        graph.text_src, graph.text_dst = lsh_edges(sigs, state.text_valid, config.text)
    return assemble(graph, config)
