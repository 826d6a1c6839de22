"""``/v1/networks``: networks of linked posts, and the network of one post."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Limit, Offset
from adwarden.api.restricted import redact_network, restricted_posts, sees_restricted
from adwarden.domain import NotFound
from adwarden.networks import service as network_service
from adwarden.permissions import ensure_permission
from adwarden.storage.sql.networks import get_network, list_networks, network_id_of_post
from adwarden.storage.sql.queries import get_post

router = APIRouter(tags=["networks"])


@router.get("/v1/networks", summary="Networks, riskiest first")
def get_networks(runtime: RuntimeDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0,
                 min_size: Annotated[int, Query(ge=2, le=1_000_000)] = 2) -> list[dict[str, Any]]:
    """Each network with its posts (external ids), the links that joined them, ignored hub identifiers, cities,
    first and last seen, risk (the highest latest risk of its posts, or its network evidence), facts and
    templates. Networks are rebuilt first when posts were added since the last build."""
    ensure_permission(actor, "network:view")
    network_service.ensure_fresh(runtime.db)
    with runtime.db.read() as conn:
        rows = [redact_network(conn, row, actor) for row in list_networks(conn, limit=limit, offset=offset,
                                                                            min_size=min_size)]
    return [r for r in rows if r["size"] >= min_size]


@router.get("/v1/networks/{network_id}", summary="One network")
def get_one(network_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "network:view")
    network_service.ensure_fresh(runtime.db)
    with runtime.db.read() as conn:
        row = get_network(conn, network_id)
        if row is None:
            raise NotFound(f"no network {network_id!r}")
        return redact_network(conn, row, actor)


@router.get("/v1/posts/{post_id}/network", summary="The network a post belongs to")
def post_network(post_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "network:view")
    network_service.ensure_fresh(runtime.db)
    with runtime.db.read() as conn:
        if get_post(conn, post_id) is None:
            raise NotFound(f"no post {post_id!r}")
        nid = network_id_of_post(conn, post_id)
        row = get_network(conn, nid) if nid else None
        if row is None or (not sees_restricted(actor) and restricted_posts(conn, [post_id])):
            raise NotFound(f"post {post_id!r} is not linked to any other post")
        return redact_network(conn, row, actor)


@router.get("/v1/posts/{post_id}/network/live", summary="The post's network as this process links it now")
def post_network_live(post_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    """The network the live linker puts the post in, from everything committed (what screening used for the
    post's verdict): member post ids, network id, facts, and the change-log position it reflects. Every server
    process answers the same for the same log position."""
    ensure_permission(actor, "network:view")
    with runtime.db.read() as conn:
        get_post(conn, post_id)
        net = runtime.networks.network_of(conn, post_id)
        facts = runtime.networks.facts_for(conn, post_id) if net is not None else {}
        members = list(net.posts) if net else []
        if not sees_restricted(actor):
            hidden = restricted_posts(conn, [post_id, *members])
            if post_id in hidden:
                raise NotFound(f"no post {post_id!r}")
            members = [m for m in members if m not in hidden]
    return {"post_id": post_id, "network_id": net.id if net else None, "posts": members,
            "facts": facts, "log_seq": runtime.networks.applied_seq()}
