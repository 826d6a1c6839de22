"""Two API server processes on one PostgreSQL database plus a concurrent CLI ingest agree on every post's
network, and all of them equal a full rebuild from storage. Failed before: each process linked in its own
memory, warmed once, and never learned of posts the others stored."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from adwarden.config import Settings
from adwarden.detect.network.linker import link_records
from adwarden.ingest.identity import post_id_for
from adwarden.runtime import BaseDetectors, build_runtime
from adwarden.storage.sql.networks import load_records
from tests.conftest import _new_pg_database

pytestmark = pytest.mark.postgres

SRC = str(Path(__file__).resolve().parents[2] / "src")
KEYS = {"plat-key": "shop:platform", "admin-key": "ana:admin"}
SITE = "example-classifieds"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(url: str, data: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC, "ADWARDEN_DATABASE_URL": url, "ADWARDEN_DATA_DIR": str(data),
            "ADWARDEN_ENVIRONMENT": "test", "ADWARDEN_API_KEYS": json.dumps(KEYS)}


@pytest.fixture
def pg_settings(pg_template: str, tmp_path: Path) -> Iterator[Settings]:
    url, drop = _new_pg_database(pg_template)
    yield Settings(environment="test", database_url=url, data_dir=tmp_path / "data", api_keys=KEYS)
    drop()


def _serve(settings: Settings, tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - the process owns it until it ends
    proc = subprocess.Popen([sys.executable, "-m", "adwarden", "serve", "--port", str(port)],
                            env=_env(settings.resolved_database_url, tmp_path / name), stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"server {name} did not start: {(tmp_path / f'{name}.log').read_text()[-2000:]}")


WORDS = ("oak", "maple", "walnut", "chair", "table", "lamp", "shelf", "desk", "sofa", "rug", "mirror", "bench",
         "drawer", "cabinet", "stool", "vase", "clock", "frame", "basket", "quilt", "kettle", "bowl", "crate", "easel")


def _ad(i: int, *, edited: bool = False) -> dict[str, object]:
    """Groups of five posts share one fictional phone; an edited post drops it. Texts differ (no template)."""
    import random

    rnd = random.Random(i)
    phone = f"206-555-01{i // 5:02d}"
    body = " ".join(rnd.choice(WORDS) for _ in range(14)) + ("" if edited else f". Call {phone}.")
    return {"external_id": f"ad-{i}", "site": SITE, "title": f"Listing {i}", "body": body}


def test_two_servers_and_a_cli_agree_on_every_network(pg_settings: Settings, tmp_path: Path,
                                                       shared_base: BaseDetectors) -> None:
    build_runtime(pg_settings, migrate=False, base=shared_base).db.dispose()
    servers = [_serve(pg_settings, tmp_path, f"api-{k}") for k in (1, 2)]
    try:
        corpus = tmp_path / "cli.jsonl"
        corpus.write_text("".join(json.dumps(_ad(i)) + "\n" for i in range(40, 60)), encoding="utf-8")
        cli = subprocess.Popen([sys.executable, "-m", "adwarden", "ingest", str(corpus), "--batch-size", "3"],
                               env=_env(pg_settings.resolved_database_url, tmp_path / "cli"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        plat = {"Authorization": "Bearer plat-key"}

        def send(i: int) -> None:
            base = servers[i % 2][1]
            r = httpx.post(base + "/v1/posts", json=_ad(i), headers=plat, timeout=60)
            assert r.status_code in (200, 201), r.text

        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(send, range(40)))
        # edits through the other server: posts 3 and 12 leave their phone's network
        for i in (3, 12):
            r = httpx.post(servers[(i + 1) % 2][1] + "/v1/posts", json=_ad(i, edited=True), headers=plat, timeout=60)
            assert r.status_code in (200, 201), r.text
        out, err = cli.communicate(timeout=300)
        assert cli.returncode == 0, err.decode()[-2000:]

        admin = {"Authorization": "Bearer admin-key"}
        views: list[Callable[[str], tuple[str, ...]]] = []
        for _proc, base in servers:
            def over_http(pid: str, base: str = base) -> tuple[str, ...]:
                r = httpx.get(f"{base}/v1/posts/{pid}/network/live", headers=admin, timeout=60)
                assert r.status_code == 200, r.text
                return tuple(sorted(r.json()["posts"]))
            views.append(over_http)
        fresh = build_runtime(pg_settings, migrate=False, base=shared_base)  # a third process, built now
        try:
            with fresh.db.read() as conn:
                records = load_records(conn)
            rebuilt = {p: tuple(sorted(n.posts)) for n in link_records(records).networks for p in n.posts}

            def in_cli(pid: str) -> tuple[str, ...]:
                with fresh.db.read() as conn:
                    net = fresh.networks.network_of(conn, pid)
                return tuple(sorted(net.posts)) if net else ()
            views.append(in_cli)
            assert len(records) == 60
            for i in range(60):
                pid = post_id_for(SITE, f"ad-{i}")
                answers = {view(pid) for view in views}
                assert answers == {rebuilt.get(pid, ())}, (i, answers)
            edited = post_id_for(SITE, "ad-3")
            assert rebuilt.get(edited, ()) == ()  # the edit took it out of its phone's network
            assert len(rebuilt[post_id_for(SITE, "ad-0")]) == 4
        finally:
            fresh.db.dispose()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=30)
