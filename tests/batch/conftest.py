"""A local Spark session shared by the batch tests (Java is provisioned by scripts/ensure-java.sh)."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.fail("java is missing: run scripts/ensure-java.sh")
    from adwarden.batch.network_job import spark_session

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        session = spark_session("local[2]")
    yield session
    session.stop()
