"""Networks in storage: link records from stored posts, write a build, read networks back as JSON-ready dicts.

Records are rebuilt from what ingest stored (the current (live) version's text, its identifiers and media hashes), in
ingestion order, so a rebuild from storage links exactly like the incremental linker fed at ingest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from adwarden.detect.network.names import find_ages, find_names
from adwarden.detect.network.records import LinkRecord, link_identifier
from adwarden.storage.sql.tables import assessments, identifiers, post_versions, posts
from adwarden.storage.sql.tables_networks import network_builds, network_changes, network_posts, networks

_PDQ_RE = re.compile(r"^[0-9a-f]{64}$")

__all__ = [
    "get_network",
    "last_build",
    "list_networks",
    "load_records",
    "network_id_of_post",
    "replace_networks",
    "storage_marker",
    "stored_record",
]

def storage_marker(conn: Connection) -> dict[str, int]:
    """What a build was made from: post count and the newest version row. A different marker means stale."""
    n = conn.execute(select(func.count()).select_from(posts)).scalar_one()
    last = conn.execute(select(func.max(post_versions.c.id))).scalar_one()
    return {"posts": int(n), "last_version_row": int(last or 0)}


def load_records(conn: Connection, post_ids: Sequence[str] | None = None) -> list[LinkRecord]:
    """One :class:`LinkRecord` per stored post (its current, live version), in the order the posts joined the
    network log (ingestion order, the same in every process), optionally only ``post_ids``."""
    if post_ids is not None:
        out: list[LinkRecord] = []
        wanted = list(dict.fromkeys(post_ids))
        for lo in range(0, len(wanted), 500):
            out.extend(_load_records(conn, wanted[lo : lo + 500]))
        order = {p: i for i, p in enumerate(wanted)}
        return sorted(out, key=lambda r: order[r.post_id])
    return _load_records(conn, None)


def _load_records(conn: Connection, post_ids: Sequence[str] | None) -> list[LinkRecord]:
    added = (
        select(network_changes.c.post_id, func.max(network_changes.c.seq).label("added"))
        .where(network_changes.c.op == "add").group_by(network_changes.c.post_id).subquery()
    )
    q = (
        select(
            posts.c.id, posts.c.site, posts.c.external_id, post_versions.c.title, post_versions.c.body,
            post_versions.c.category, post_versions.c.location, post_versions.c.posted_at, posts.c.current_version,
        )
        .join(post_versions, (post_versions.c.post_id == posts.c.id)
              & (post_versions.c.version == posts.c.current_version))
        .join(added, added.c.post_id == posts.c.id, isouter=True)
        .order_by(func.coalesce(added.c.added, 2**62), post_versions.c.id)
    )
    if post_ids is not None:
        q = q.where(posts.c.id.in_(list(post_ids)))
    rows = conn.execute(q).all()
    ids: dict[str, list[tuple[str, str]]] = {}
    latest = {r.id: r.current_version for r in rows}
    iq = select(identifiers.c.post_id, identifiers.c.version, identifiers.c.kind, identifiers.c.value,
                identifiers.c.platform).order_by(identifiers.c.id)
    if post_ids is not None:
        iq = iq.where(identifiers.c.post_id.in_(list(post_ids)))
    pdqs: dict[str, list[str]] = {}
    for r in conn.execute(iq):
        if latest.get(r.post_id) != r.version:
            continue
        if r.kind == "pdq":
            pdqs.setdefault(r.post_id, []).append(str(r.value).lower())
            continue
        pair = link_identifier(r.kind, r.value, r.platform)
        if pair is not None:
            ids.setdefault(r.post_id, []).append(pair)
    return [_record(r.id, r.site, r.external_id, r.title, r.body, r.category, r.location, r.posted_at,
                    ids.get(r.id, ()), pdqs.get(r.id, ())) for r in rows]


def stored_record(*, post_id: str, site: str, external_id: str, title: str | None, body: str | None,
                  category: str | None, location: str | None, posted_at: datetime | None,
                  identifier_rows: Iterable[tuple[str, str, str | None]]) -> LinkRecord:
    """The record :func:`load_records` would read back for a version about to be stored with these values and
    identifier rows ``(kind, value, platform)``, in the order they are inserted.

    Why: ingest links the batch it is storing in the same transaction; building its records from what it is
    writing, instead of reading the rows back, saves a query per batch (one that scans the network log) while
    the two paths cannot disagree, because they share :func:`_record`."""
    ids: list[tuple[str, str]] = []
    pdqs: list[str] = []
    for kind, value, platform in identifier_rows:
        if kind == "pdq":
            pdqs.append(value.lower())
            continue
        pair = link_identifier(kind, value, platform)
        if pair is not None:
            ids.append(pair)
    return _record(post_id, site, external_id, title, body, category, location, posted_at, ids, pdqs)


def _record(post_id: str, site: str, external_id: str, title: str | None, body: str | None, category: str | None,
            location: str | None, posted_at: datetime | None, ids: Iterable[tuple[str, str]],
            pdqs: Iterable[str]) -> LinkRecord:
    text = "\n".join(p for p in (title, body) if p)
    if posted_at is not None:
        posted_at = posted_at.replace(tzinfo=UTC) if posted_at.tzinfo is None else posted_at.astimezone(UTC)
    return LinkRecord(
        post_id=post_id, external_id=external_id, site=site, text=text, identifiers=tuple(dict.fromkeys(ids)),
        image_hashes=tuple(dict.fromkeys(h for h in pdqs if _PDQ_RE.match(h))), posted_at=posted_at,
        location=location, names=find_names(text), ages=find_ages(text), category=category,
    )


def latest_risks(conn: Connection, post_ids: Iterable[str]) -> dict[str, float]:
    """Each post's latest assessed risk."""
    wanted = list(post_ids)
    out: dict[str, float] = {}
    for lo in range(0, len(wanted), 500):
        chunk = wanted[lo : lo + 500]
        q = (select(assessments.c.post_id, assessments.c.risk, assessments.c.created_at)
             .where(assessments.c.post_id.in_(chunk)).order_by(assessments.c.created_at, assessments.c.id))
        for r in conn.execute(q):
            out[r.post_id] = float(r.risk)
    return out


def replace_networks(conn: Connection, rows: Sequence[Mapping[str, Any]], *, posts_total: int, seconds: float,
                     options: Mapping[str, Any]) -> None:
    """Replace every stored network with ``rows`` (dicts with ``id``, ``post_ids`` and the JSON fields)."""
    now = datetime.now(UTC)
    conn.execute(delete(network_posts))
    conn.execute(delete(networks))
    net_rows = [{
        "id": r["id"], "size": r["size"], "links": r["links"], "ignored": r["ignored"], "cities": r["cities"],
        "facts": r["facts"], "templates": r["templates"], "first_seen": r["first_seen"],
        "last_seen": r["last_seen"], "risk": r["risk"], "built_at": now,
    } for r in rows]
    member_rows = [{"post_id": p, "network_id": r["id"], "position": i}
                   for r in rows for i, p in enumerate(r["post_ids"])]
    for lo in range(0, len(net_rows), 1000):
        conn.execute(insert(networks), net_rows[lo : lo + 1000])
    for lo in range(0, len(member_rows), 5000):
        conn.execute(insert(network_posts), member_rows[lo : lo + 5000])
    conn.execute(insert(network_builds).values(built_at=now, posts=posts_total, networks=len(rows),
                                               seconds=seconds, options=dict(options)))


def last_build(conn: Connection) -> dict[str, Any] | None:
    r = conn.execute(select(network_builds).order_by(network_builds.c.id.desc()).limit(1)).first()
    if r is None:
        return None
    return {"built_at": r.built_at, "posts": r.posts, "networks": r.networks, "seconds": r.seconds,
            "options": r.options}


def _members(conn: Connection, network_ids: Sequence[str]) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for lo in range(0, len(network_ids), 500):
        chunk = list(network_ids[lo : lo + 500])
        q = (select(network_posts.c.network_id, posts.c.id, posts.c.external_id, posts.c.site)
             .join(posts, posts.c.id == network_posts.c.post_id)
             .where(network_posts.c.network_id.in_(chunk)).order_by(network_posts.c.network_id,
                                                                    network_posts.c.position))
        for r in conn.execute(q):
            out.setdefault(r.network_id, []).append((r.id, r.external_id, r.site))
    return out


def _as_dict(r: Any, members: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "id": r.id, "size": r.size, "posts": [m[1] for m in members], "post_ids": [m[0] for m in members],
        "sites": sorted({m[2] for m in members}), "links": r.links, "ignored": r.ignored, "cities": r.cities,
        "first_seen": r.first_seen, "last_seen": r.last_seen, "risk": r.risk, "facts": r.facts,
        "templates": r.templates,
    }


def list_networks(conn: Connection, *, limit: int = 100, offset: int = 0, min_size: int = 2) -> list[dict[str, Any]]:
    """Stored networks, riskiest and largest first."""
    q = (select(networks).where(networks.c.size >= min_size)
         .order_by(networks.c.risk.desc(), networks.c.size.desc(), networks.c.id).limit(limit).offset(offset))
    rows = conn.execute(q).all()
    members = _members(conn, [r.id for r in rows])
    return [_as_dict(r, members.get(r.id, [])) for r in rows]


def get_network(conn: Connection, network_id: str) -> dict[str, Any] | None:
    r = conn.execute(select(networks).where(networks.c.id == network_id)).first()
    if r is None:
        return None
    return _as_dict(r, _members(conn, [r.id]).get(r.id, []))


def network_id_of_post(conn: Connection, post_id: str) -> str | None:
    return conn.execute(select(network_posts.c.network_id).where(network_posts.c.post_id == post_id)).scalar()
