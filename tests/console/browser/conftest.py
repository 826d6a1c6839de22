"""Browser tests: a live AdWarden server on loopback (uvicorn in a thread), Debian's Chromium driven by
Playwright through ``executable_path`` (never a downloaded browser), and a loopback server of generated
abstract images for the media tests.

``scripts/test.sh`` installs Chromium first (``scripts/ensure-chromium.sh``); under CI a missing browser fails
the run instead of skipping.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adwarden.config import Settings
from adwarden.demo.images import serve_abstract_images
from adwarden.runtime import Runtime, build_runtime

CHROMIUM = Path(os.environ.get("ADWARDEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    runtime: Runtime


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    """The real app (API + console) under uvicorn, with the in-process webhook sender running."""
    import uvicorn

    from adwarden.api.app import create_app

    settings = Settings(environment="development", data_dir=tmp_path / "data",
                        database_url=f"sqlite:///{tmp_path / 'live.db'}", rescan_worker_seconds=0,
                        webhook_poll_seconds=0.2, webhook_timeout_seconds=2.0)
    runtime = build_runtime(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(runtime=runtime), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", runtime)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        runtime.db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI: run scripts/ensure-chromium.sh")
        pytest.skip(f"{CHROMIUM} not installed (scripts/ensure-chromium.sh installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


@pytest.fixture
def image_server() -> Iterator[str]:
    """Serves /img/N.png (generated abstract images) on loopback; yields its base URL."""
    with serve_abstract_images() as url:
        yield url


def sign_in(page: Any, live: LiveServer, name: str, password: str) -> None:
    page.goto(f"{live.url}/console/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}/console/**")
