"""Networks as a service: build from storage or a corpus file, join posts at ingest, explain as JSON.

* :func:`build_from_storage` links every stored post (in-process, or through the Spark job the edge passes as ``link``
  job), computes each network's facts, templates and risk (the highest latest risk of its posts) and
  replaces the stored networks in one transaction with an audit event.
* :func:`build_from_file` links a corpus file of posts (the ingest JSON schema, one per line) without
  storing it: the analyst's and the benchmark's path.
* Stored networks are refreshed by :func:`ensure_fresh` when posts were added since the last build (bounded by
  ``max_posts``). At ingest, posts join networks through :class:`adwarden.networks.live.LiveNetworks`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from adwarden.audit.log import append_event
from adwarden.detect.network.detector import evidence_from_facts
from adwarden.detect.network.linker import LinkConfig, link_records
from adwarden.detect.network.model import LinkResult
from adwarden.detect.network.movement import network_facts
from adwarden.detect.network.records import LinkRecord, record_from_post
from adwarden.detect.network.templates import network_templates
from adwarden.domain import Actor, InputError
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.networks import (
    last_build,
    latest_risks,
    load_records,
    replace_networks,
    storage_marker,
)

__all__ = ["build_from_file", "build_from_storage", "ensure_fresh", "network_rows", "records_from_file"]



def network_risk_from_evidence(facts: Mapping[str, Any]) -> float:
    """A 0-100 risk from network evidence alone: the sum of its proposed points, capped at 100 (used when
    posts have no stored verdict, e.g. corpus files)."""
    return round(min(100.0, sum(max(e.weight, 0.0) for e in evidence_from_facts(facts))), 1)


def network_rows(
    records: Sequence[LinkRecord], result: LinkResult, *, risks: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """JSON-ready rows for ``result``: posts and link posts as external ids, facts, templates, risk."""
    by_id = {r.post_id: r for r in records}
    texts = {r.post_id: r.text for r in records}
    names = {r.post_id: r.names for r in records if r.names}
    rows: list[dict[str, Any]] = []
    for net in result.networks:
        members = [by_id[p] for p in net.posts]
        facts = network_facts(members)
        clusters = {link.value: link.posts for link in net.links if link.kind == "text"}
        cities = [c.split(", ")[0] for c in facts["cities"]]
        templates = network_templates(clusters, texts, names=names, cities=cities)
        if templates:
            facts["template_size"] = max(t.size for t in templates.values())
        facts["network_id"] = net.id
        image_posts = {p for link in net.links if link.kind in ("image", "image_sha256") for p in link.posts}
        facts["image_reuse"] = len(image_posts)
        if risks is not None:
            post_risk = max((risks.get(p, 0.0) for p in net.posts), default=0.0)
            risk = max(post_risk, network_risk_from_evidence(facts))
        else:
            risk = network_risk_from_evidence(facts)
        rows.append({
            "id": net.id,
            "size": net.size,
            "posts": [by_id[p].external_id for p in net.posts],
            "post_ids": list(net.posts),
            "sites": sorted({by_id[p].site for p in net.posts}),
            "links": [{"kind": link.kind,
                       "value": by_id[link.value].external_id if link.kind == "text" else link.value,
                       "posts": [by_id[p].external_id for p in link.posts],
                       **({"detail": dict(link.detail)} if link.detail else {})} for link in net.links],
            "ignored": [i.to_json() for i in net.ignored],
            "cities": facts["cities"],
            "first_seen": facts["first_seen"],
            "last_seen": facts["last_seen"],
            "risk": round(float(risk), 2),
            "facts": facts,
            "templates": [{"cluster": cid, **t.to_json()} for cid, t in templates.items()],
        })
    rows.sort(key=lambda r: (-r["risk"], -r["size"], r["id"]))
    return rows


#: How a set of records is linked: in process (the default) or by a distributed job the edge passes in (the
#: CLI passes the Spark job of :mod:`adwarden.batch.network_job`; services never import an edge).
Linker = Callable[[Sequence[LinkRecord], LinkConfig], LinkResult]


def records_from_file(path: str | Path) -> list[LinkRecord]:
    """Records from a JSONL corpus of posts in the ingest schema. Bad lines raise :class:`InputError`."""
    out: list[LinkRecord] = []
    opened = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed below
    with opened as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", record=f"line {n}") from exc
            if not isinstance(obj, dict):
                raise InputError("expected a JSON object", record=f"line {n}")
            if not obj.get("external_id"):
                raise InputError("missing", record=f"line {n}", field="external_id")
            out.append(record_from_post(obj))
    return out


def build_from_file(path: str | Path, *, config: LinkConfig | None = None,
                    link: Linker = link_records) -> list[dict[str, Any]]:
    """Link a corpus file without storing it; rows as :func:`network_rows` gives them (risk from network evidence)."""
    records = records_from_file(path)
    return network_rows(records, link(records, config or LinkConfig()))


def build_from_storage(
    db: Database, *, actor: Actor, config: LinkConfig | None = None, link: Linker = link_records,
    spark: bool = False,
) -> list[dict[str, Any]]:
    """Rebuild every stored network from stored posts; one transaction, one audit event."""
    cfg = config or LinkConfig()
    started = time.perf_counter()
    with db.read() as conn:
        records = load_records(conn)
        marker = storage_marker(conn)
    result = link(records, cfg)
    with db.transaction() as conn:
        networked = [p for n in result.networks for p in n.posts]
        rows = network_rows(records, result, risks=latest_risks(conn, networked))
        options = {"disabled": sorted(cfg.disabled), "spark": spark, "marker": marker}
        replace_networks(conn, rows, posts_total=len(records), seconds=time.perf_counter() - started,
                         options=options)
        append_event(conn, name="networks-built", actor=actor.name, subject_type="networks", subject_id="all",
                     payload={"posts": len(records), "networks": len(rows), "options": options})
    return rows


def ensure_fresh(db: Database, *, max_posts: int = 200_000) -> bool:
    """Rebuild stored networks when posts changed since the last build (default options). Returns True if built.

    Corpora larger than ``max_posts`` are left to ``adwarden networks build`` (or the Spark job)."""
    with db.read() as conn:
        marker = storage_marker(conn)
        build = last_build(conn)
    if build is not None and build["options"].get("marker") == marker:
        return False
    if build is not None and build["options"].get("disabled"):
        return False  # an operator's explicit build with link kinds switched off: keep it until rebuilt
    if marker["posts"] > max_posts or marker["posts"] == 0 and build is None:
        return False
    build_from_storage(db, actor=Actor.system("network-linker"))
    return True
