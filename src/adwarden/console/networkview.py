"""The network page's read model: members with their time, place and open case; links; templates; route.

Why the route is built only from posts with a posting time: a route between cities is a claim about
movement, and ordering posts by when AdWarden *received* them would invent one. Posts without ``posted_at``
are listed, and the page says how many were left out of the route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adwarden.domain import NotFound
from adwarden.storage.sql.case_page_store import NetworkMember, network_members
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.networks import get_network

_SLOT = re.compile(r"\{([a-z_]+)\}")


#: A post of the network as the page lists it (stored by :mod:`adwarden.storage.sql.case_page_store`).
Member = NetworkMember


@dataclass(frozen=True)
class Stop:
    city: str
    arrived: datetime
    left: datetime
    posts: int


@dataclass(frozen=True)
class NetworkView:
    network: dict[str, Any]
    members: list[Member]  # timeline order: posted_at, then those without
    route: list[Stop]
    untimed: int

    @property
    def open_cases(self) -> list[Member]:
        return [m for m in self.members if m.case_id]


def template_segments(skeleton: str) -> list[tuple[str, str | None]]:
    """``"Hi {name} in {city}"`` -> ``[("Hi ", None), ("name", "slot"), (" in ", None), ("city", "slot")]``."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in _SLOT.finditer(skeleton):
        if m.start() > pos:
            out.append((skeleton[pos:m.start()], None))
        out.append((m.group(1), "slot"))
        pos = m.end()
    if pos < len(skeleton):
        out.append((skeleton[pos:], None))
    return out


def route_of(members: list[Member]) -> tuple[list[Stop], int]:
    """Consecutive posts in the same city form one stop, in posting-time order."""
    timed = sorted((m.posted_at, m.location) for m in members if m.posted_at is not None and m.location)
    stops: list[Stop] = []
    for at, city in timed:
        if stops and stops[-1].city == city:
            last = stops[-1]
            stops[-1] = Stop(last.city, last.arrived, at, last.posts + 1)
        else:
            stops.append(Stop(city, at, at, 1))
    return stops, len(members) - len(timed)


def load_network_view(conn: Connection, network_id: str) -> NetworkView:
    network = get_network(conn, network_id)
    if network is None:
        raise NotFound(f"network {network_id} not found")
    members = network_members(conn, list(network["post_ids"]))
    members.sort(key=lambda m: (m.posted_at is None, m.posted_at or datetime.min, m.external_id))
    route, untimed = route_of(members)
    return NetworkView(network=network, members=members, route=route, untimed=untimed)
