"""Link a scanned corpus with the batch linker, from signatures instead of texts.

The batch linker (:func:`~adwarden.detect.network.linker.link_records`) computes MinHash signatures from the
records' texts. A scan computed them already, in the workers, with the same function and parameters, so here
the graph is built with text linking switched off and the text edges are added from the signatures: the same
edges, hence the same networks, without holding a million texts in one process.
"""

from __future__ import annotations

from dataclasses import replace

from adwarden.detect.network.linker import LinkConfig, assemble, build_graph
from adwarden.detect.network.minhash import lsh_edges
from adwarden.detect.network.model import LinkResult
from adwarden.scan.state import ScanState

__all__ = ["link_state"]


def link_state(state: ScanState, config: LinkConfig) -> LinkResult:
    """Networks of every post in ``state`` (see the module docstring)."""
    graph = build_graph(state.records, replace(config, disabled=config.disabled | {"text"}))
    if "text" not in config.disabled and len(state.records) >= 2:
        sigs = state.signatures
        if sigs.shape[0] != len(state.records):
            raise AssertionError("one signature per record is expected")
        graph.text_src, graph.text_dst = lsh_edges(sigs, state.text_valid, config.text)
    return assemble(graph, config)
