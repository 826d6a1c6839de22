"""Networks are durable state: updated only from what committed, correct after edits, reverts and purges, the
same whichever runtime (process) asks. Each test failed before networks moved out of one process's memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from adwarden.domain import Actor
from adwarden.ingest.identity import post_id_for
from adwarden.legal.retention import purge
from adwarden.runtime import BaseDetectors, Runtime, build_runtime
from adwarden.storage.sql.tables import posts
from tests.factories import post

ACTOR = Actor.system("test")
ADMIN = Actor("ana", frozenset({"admin"}))


def _members(rt: Runtime, external_id: str) -> tuple[str, ...]:
    pid = post_id_for("example-classifieds", external_id)
    with rt.db.read() as conn:
        net = rt.networks.network_of(conn, pid)
    return tuple(sorted(net.posts)) if net else ()


def _pid(external_id: str) -> str:
    return post_id_for("example-classifieds", external_id)


def _twin(rt: Runtime, base: BaseDetectors) -> Runtime:
    """A second process on the same database: nothing shared in memory."""
    return build_runtime(rt.settings, migrate=False, base=base)


def test_a_rolled_back_batch_leaves_no_link(backend_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = backend_runtime
    rt.ingest([post("a", body="Desk, call 206-555-0101")], actor=ACTOR)
    from adwarden.screening import service

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("crash after linking, before commit")

    monkeypatch.setattr(service, "_assess", boom)
    with pytest.raises(RuntimeError):
        rt.ingest([post("b", body="Chair, call 206-555-0101")], actor=ACTOR)
    monkeypatch.undo()
    assert _members(rt, "a") == ()  # "b" never committed: it is in no network
    rt.ingest([post("c", body="Lamp, call 206-555-0101")], actor=ACTOR)
    assert _members(rt, "a") == tuple(sorted((_pid("a"), _pid("c"))))


def test_an_edit_and_a_revert_relink(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    rt.ingest([post("a", body="Desk, call 206-555-0102"), post("b", body="Chair, call 206-555-0102")], actor=ACTOR)
    assert len(_members(rt, "a")) == 2
    rt.ingest([post("b", body="Chair, e-mail only")], actor=ACTOR)  # the edit removes the shared phone
    assert _members(rt, "a") == ()
    rt.ingest([post("b", body="Chair, call 206-555-0102")], actor=ACTOR)  # reverted: linked again
    assert len(_members(rt, "a")) == 2


def test_a_purged_post_leaves_its_network(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    rt.ingest([post("a", body="Desk, call 206-555-0103"), post("b", body="Chair, call 206-555-0103")], actor=ACTOR)
    assert len(_members(rt, "a")) == 2
    old = datetime.now(UTC) - timedelta(days=400)
    with rt.db.transaction() as conn:
        conn.execute(update(posts).where(posts.c.id == _pid("b")).values(created_at=old))
        result = purge(conn, older_than_days=365, actor=ADMIN)
    assert result.purged == (_pid("b"),)
    assert _members(rt, "a") == ()


def test_two_processes_agree_and_follow_each_other(backend_runtime: Runtime, shared_base: BaseDetectors) -> None:
    one = backend_runtime
    two = _twin(one, shared_base)
    try:
        one.ingest([post("a", body="Desk, call 206-555-0104")], actor=ACTOR)
        two.ingest([post("b", body="Chair, call 206-555-0104")], actor=ACTOR)  # joins what the other stored
        one.ingest([post("c", body="Lamp, call 206-555-0104")], actor=ACTOR)
        expected = tuple(sorted(_pid(x) for x in "abc"))
        assert _members(one, "b") == _members(two, "b") == expected
        two.ingest([post("c", body="Lamp, no phone")], actor=ACTOR)  # an edit in the other process
        assert _members(one, "a") == _members(two, "a") == tuple(sorted((_pid("a"), _pid("b"))))
        # screening saw the network: the second post's verdict carries network evidence of size 2
        with one.db.read() as conn:
            facts = one.networks.facts_for(conn, _pid("b"))
        assert facts["size"] == 2
    finally:
        two.db.dispose()
