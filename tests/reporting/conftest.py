"""Fixtures of the reporting tests: the stand-in NCMEC server on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adwarden.reporting.ncmec.standin import StandinServer

from .storefix import PASSWORD, USER


@pytest.fixture
def standin() -> Iterator[StandinServer]:
    with StandinServer(username=USER, password=PASSWORD) as server:
        yield server
