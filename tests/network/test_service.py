"""Networks in storage, at ingest, in the CLI and the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adwarden.demo import generate_marketplace
from adwarden.detect.network import LinkConfig, link_records
from adwarden.detect.network.incremental import IncrementalLinker
from adwarden.domain import Actor
from adwarden.ingest.schema import PostIn
from adwarden.networks import service as network_service
from adwarden.runtime import Runtime
from adwarden.storage.sql.networks import list_networks, load_records
from tests.conftest import Cli

LIST_KEYS = {"id", "size", "posts", "links", "ignored", "cities", "first_seen", "last_seen", "risk"}


def corpus(n: int = 160, seed: int = 4) -> tuple[list[dict[str, Any]], dict[str, str]]:
    m = generate_marketplace(n, seed=seed, network_share=0.2)
    return list(m.posts()), m.truth()


def write(path: Path, posts: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")
    return path


def ingest(runtime: Runtime, posts: list[dict[str, Any]], batch: int = 40) -> None:
    items = [PostIn.model_validate(p).to_domain() for p in posts]
    for lo in range(0, len(items), batch):
        runtime.ingest(items[lo : lo + batch], actor=Actor.system("test"))


def test_ingest_joins_networks_and_screening_sees_them(runtime: Runtime) -> None:
    posts, truth = corpus()
    ingest(runtime, posts)
    with runtime.db.read() as conn:
        records = load_records(conn)
        reasons = [str(r[0]) for r in conn.exec_driver_sql("SELECT reasons FROM assessments")]
    assert [r.external_id for r in records] == [p["external_id"] for p in posts]
    assert any('"detector": "network"' in r for r in reasons)
    # the linker fed at ingest and a full rebuild from storage give the same networks
    rebuilt = link_records(records)
    with runtime.db.read() as conn:
        at_ingest = runtime.networks.result(conn)
    assert at_ingest.networks == rebuilt.networks
    fresh = IncrementalLinker()
    fresh.add_many(records)
    assert fresh.result().partition() == rebuilt.partition()
    planted = {p for p, _ in truth.items()}
    ext = {r.post_id: r.external_id for r in records}
    networked = {ext[p] for n in rebuilt.networks for p in n.posts}
    assert planted <= networked


def test_build_from_storage_writes_networks_and_audits(runtime: Runtime) -> None:
    posts, truth = corpus()
    ingest(runtime, posts)
    rows = network_service.build_from_storage(runtime.db, actor=Actor("ana", frozenset({"admin"})))
    with runtime.db.read() as conn:
        stored = list_networks(conn, limit=1000)
        events = [r[0] for r in conn.exec_driver_sql("SELECT name FROM audit_events WHERE name='networks-built'")]
    assert events == ["networks-built"]
    assert {r["id"] for r in stored} == {r["id"] for r in rows}
    biggest = max(stored, key=lambda r: r["size"])
    assert set(biggest) >= LIST_KEYS | {"facts", "templates"}
    assert biggest["posts"] and biggest["links"] and biggest["first_seen"] <= biggest["last_seen"]
    planted_net = next(r for r in stored if truth.get(r["posts"][0]))
    assert {truth.get(p) for p in planted_net["posts"]} == {truth[planted_net["posts"][0]]}
    # ensure_fresh: nothing changed, nothing rebuilt
    assert network_service.ensure_fresh(runtime.db) is False


def test_cli_build_list_show(cli: Cli, tmp_path: Path) -> None:
    posts, _ = corpus()
    f = write(tmp_path / "c.jsonl", posts)
    assert cli("ingest", str(f), "--json").exit_code == 0
    r = cli("networks", "build", "--json")
    assert r.exit_code == 0, r.output
    built = json.loads(r.output)
    r = cli("networks", "list", "--json")
    listed = json.loads(r.output)
    assert listed and all(set(n) == LIST_KEYS for n in listed)
    assert {n["id"] for n in listed} == {n["id"] for n in built}
    assert all(n["size"] == len(n["posts"]) >= 2 for n in listed)
    link = listed[0]["links"][0]
    assert set(link) >= {"kind", "value", "posts"}
    shown = cli("networks", "show", listed[0]["id"])
    assert shown.exit_code == 0 and listed[0]["id"] in shown.output and "linked by" in shown.output
    missing = cli("networks", "show", "net-nope")
    assert missing.exit_code == 1 and "no network" in missing.output


def test_cli_build_from_file_and_no_link(cli: Cli, tmp_path: Path) -> None:
    posts, truth = corpus(seed=8)
    f = write(tmp_path / "c.jsonl", posts)
    all_links = json.loads(cli("networks", "build", "--from", str(f), "--json").output)
    no_phone = json.loads(cli("networks", "build", "--from", str(f), "--json", "--no-link", "phone",
                              "--no-link", "account").output)
    assert all(set(n) == LIST_KEYS for n in all_links)
    assert not any(link["kind"] in ("phone", "account") for n in no_phone for link in n["links"])
    assert any(link["kind"] == "phone" for n in all_links for link in n["links"])
    bad = cli("networks", "build", "--from", str(f), "--no-link", "telepathy")
    assert bad.exit_code == 2


def test_build_from_file_reports_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"external_id": "a", "body": "x"}\n{oops\n', encoding="utf-8")
    from adwarden.domain import InputError

    with pytest.raises(InputError, match="line 2"):
        network_service.build_from_file(f)


@pytest.fixture
def keyed(runtime: Runtime) -> Iterator[TestClient]:
    from adwarden.api.app import create_app

    runtime.settings.api_keys = {"mod": "mia:moderator", "plat": "shop:platform"}
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def test_api_networks(keyed: TestClient, runtime: Runtime) -> None:
    posts, _ = corpus()
    ingest(runtime, posts)
    h = {"authorization": "Bearer mod"}
    r = keyed.get("/v1/networks", headers=h)
    assert r.status_code == 200, r.text
    nets = r.json()
    assert nets and set(nets[0]) >= LIST_KEYS
    one = keyed.get(f"/v1/networks/{nets[0]['id']}", headers=h)
    assert one.status_code == 200 and one.json()["posts"] == nets[0]["posts"]
    pid = nets[0]["post_ids"][0]
    mine = keyed.get(f"/v1/posts/{pid}/network", headers=h)
    assert mine.status_code == 200 and mine.json()["id"] == nets[0]["id"]
    assert keyed.get("/v1/networks/net-nope", headers=h).status_code == 404
    assert keyed.get("/v1/posts/p-nope/network", headers=h).status_code == 404
    assert keyed.get("/v1/networks", headers={"authorization": "Bearer plat"}).status_code == 403


def test_rebuild_with_spark_option_off_by_default_config() -> None:
    with pytest.raises(ValueError):
        LinkConfig(disabled=frozenset({"nope"}))


def test_networks_storage_on_every_backend(backend_runtime: Runtime) -> None:
    """Build, list, get and per-post look-up on SQLite and PostgreSQL (when ADWARDEN_TEST_POSTGRES_URL is set)."""
    from adwarden.storage.sql.networks import get_network, network_id_of_post

    posts, truth = corpus(120, seed=6)
    ingest(backend_runtime, posts)
    rows = network_service.build_from_storage(backend_runtime.db, actor=Actor.system("test"))
    assert rows
    with backend_runtime.db.read() as conn:
        listed = list_networks(conn, limit=500)
        first = get_network(conn, listed[0]["id"])
        assert first is not None and first["posts"] == listed[0]["posts"]
        assert network_id_of_post(conn, first["post_ids"][0]) == first["id"]
    assert sum(r["size"] for r in listed) == sum(r["size"] for r in rows)
    # a second build replaces, never duplicates
    network_service.build_from_storage(backend_runtime.db, actor=Actor.system("test"))
    with backend_runtime.db.read() as conn:
        assert len(list_networks(conn, limit=500)) == len(listed)
