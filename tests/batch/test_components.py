"""Large-star/small-star components equal SciPy's on chains, stars, cycles and random graphs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components

from adwarden.batch.components import connected_components

pytestmark = pytest.mark.spark


def _expected(edges: list[tuple[int, int]]) -> dict[int, int]:
    nodes = sorted({x for e in edges for x in e})
    index = {n: i for i, n in enumerate(nodes)}
    src = [index[a] for a, _ in edges]
    dst = [index[b] for _, b in edges]
    g = coo_matrix((np.ones(len(edges)), (src, dst)), shape=(len(nodes), len(nodes)))
    _, labels = scipy_components(g, directed=False)
    smallest: dict[int, int] = {}
    for n, lab in zip(nodes, labels, strict=True):
        smallest[int(lab)] = min(smallest.get(int(lab), n), n)
    return {n: smallest[int(lab)] for n, lab in zip(nodes, labels, strict=True)}


@pytest.mark.timeout(900)  # ~80 s on an idle 2-core box; many small Spark jobs
def test_components_equal_scipy(spark: Any) -> None:
    rng = np.random.default_rng(3)
    chain = [(i, i + 1) for i in range(1000, 1300)]  # a long chain: many rounds of label propagation
    star = [(5000, 5000 + i) for i in range(1, 50)]
    cycle = [(7000 + i, 7000 + (i + 1) % 40) for i in range(40)]
    rand = [(int(a), int(b)) for a, b in rng.integers(10_000, 12_000, size=(1500, 2))]
    loop = [(20_000, 20_000)]
    edges = chain + star + cycle + rand + loop
    df = spark.createDataFrame(edges, "u long, v long")
    got = {r["node"]: r["component"] for r in connected_components(df).collect()}
    assert got == _expected(edges)
