"""One decision for a whole network (with per-post overrides) or an account: every post enforced, one
transaction, one platform event per post; restricted cases stay with child safety."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.networks import service as network_service
from adwarden.review.cases import open_case
from adwarden.review.claims import claim_case
from adwarden.review.decisions import decide_account, decide_network
from adwarden.review.enforcement import account_state_of, post_enforcement_of
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables_networks import network_posts
from adwarden.storage.sql.tables_review import action_events
from tests.factories import post

ADMIN = Actor.system("test")
MIA = Actor("mia", frozenset({"moderator"}))
NOOR = Actor("noor", frozenset({"moderator"}))


def _network(rt: Runtime) -> tuple[str, list[str]]:
    items = [post(f"n-{i}", body=f"Room {i} available, text 206-555-0133 or ring.{i}@example.com") for i in range(4)]
    items.append(post("loner", body="Garden tools, call 206-555-0188"))
    rt.ingest(items, actor=ADMIN)
    network_service.build_from_storage(rt.db, actor=ADMIN)
    with rt.db.read() as conn:
        rows = conn.execute(select(network_posts.c.network_id, network_posts.c.post_id)).all()
    by_net: dict[str, list[str]] = {}
    for r in rows:
        by_net.setdefault(r.network_id, []).append(r.post_id)
    nid, members = max(by_net.items(), key=lambda kv: len(kv[1]))
    assert len(members) == 4
    return nid, members


def test_network_decision_with_overrides_enforces_every_post(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    nid, members = _network(rt)
    spared, excluded = members[0], members[1]
    res = decide_network(rt.db, nid, "violating-trafficking", note="one ring", actor=MIA, policy=rt.screener.policy,
                         overrides={spared: ("not-violating", None), excluded: None})
    assert res.skipped == (excluded,) and len(res.decisions) == 3
    with rt.db.read() as conn:
        states = {p: (post_enforcement_of(conn, p) or {}).get("state") for p in members}
        n_events = len(conn.execute(select(action_events.c.id)).all())
    assert states[spared] == "allowed" and states[excluded] is None
    assert [states[p] for p in members[2:]] == ["removed", "removed"]
    assert n_events == 3 and all(d.scope == "network" and d.scope_id == nid for d in res.decisions)


def test_network_decision_refused_as_a_whole(runtime: Runtime) -> None:
    rt = runtime
    nid, members = _network(rt)
    with pytest.raises(NotFound):
        decide_network(rt.db, "net-missing", "violating-spam", actor=MIA, policy=rt.screener.policy)
    with pytest.raises(InputError, match="outside"):
        decide_network(rt.db, nid, "violating-spam", actor=MIA, policy=rt.screener.policy,
                       overrides={"p-elsewhere": None})
    # One post's case claimed by someone else: nothing at all changes.
    with rt.db.transaction() as conn:
        case_id = open_case(conn, post_id=members[2], queue="general", priority=50, risk=50.0, actor="t",
                            trigger="test", now=datetime.now(UTC))
    claim_case(rt.db, case_id, actor=NOOR, policy=rt.screener.policy)
    with pytest.raises(Conflict, match="claimed by noor"):
        decide_network(rt.db, nid, "violating-spam", actor=MIA, policy=rt.screener.policy)
    with rt.db.read() as conn:
        assert conn.execute(select(action_events.c.id)).first() is None
        assert all(post_enforcement_of(conn, p) is None for p in members)


def test_account_decision_bans_the_account_and_removes_its_posts(runtime: Runtime) -> None:
    rt = runtime
    from adwarden.domain import Account

    acc = Account(id="seller-7", email="s7@example.com")
    outs = rt.ingest([post(f"a-{i}", body=f"Item {i}", account=acc) for i in range(3)], actor=ADMIN)
    with rt.db.read() as conn:
        from adwarden.storage.sql.tables import posts

        account_id = conn.execute(select(posts.c.account_id).where(posts.c.id == outs[0].post_id)).scalar_one()
    res = decide_account(rt.db, account_id, "violating-scam", "ban-account", actor=MIA, policy=rt.screener.policy)
    assert len(res.decisions) == 3
    with rt.db.read() as conn:
        assert account_state_of(conn, account_id) == "banned"
        assert {(post_enforcement_of(conn, o.post_id) or {}).get("state") for o in outs} == {"removed"}
        types = conn.execute(select(action_events.c.type)).scalars().all()
    assert types.count("post.enforcement") == 3 and types.count("account.enforcement") == 1  # one ban, not three
