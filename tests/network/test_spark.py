"""The Spark job links like the in-process linker (local mode, small input)."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from adwarden.demo import generate_marketplace
from adwarden.detect.network import LinkConfig, LinkRecord, link_records, record_from_post

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.fail("java is missing: run scripts/ensure-java.sh")
    pytest.importorskip("pyspark")
    from adwarden.batch.network_job import spark_session

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        session = spark_session("local[2]")
    yield session
    session.stop()


def test_spark_job_agrees_with_in_process_linker(spark: Any) -> None:
    from adwarden.batch.network_job import link_with_spark

    recs = [record_from_post(p) for p in generate_marketplace(120, seed=21, network_share=0.25).posts()]
    hub = "+12065550100"  # one phone in a quarter of the posts, across categories: a hub both must ignore
    recs = [LinkRecord(**{**{f: getattr(r, f) for f in r.__slots__},  # type: ignore[attr-defined]
                          "identifiers": (*r.identifiers, ("phone", hub)) if i % 4 == 0 else r.identifiers})
            for i, r in enumerate(recs)]
    cfg = LinkConfig()
    local = link_records(recs, cfg)
    out = link_with_spark(recs, cfg, spark=spark)
    assert out.partition() == local.partition()
    assert out.result is not None
    assert out.result.networks == local.networks
    assert out.result.ignored == local.ignored and any(i.value == hub for i in local.ignored)
