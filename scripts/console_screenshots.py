"""Screenshots of the console's main pages for docs/console.md, from a synthetic demo store.

    .venv/bin/python scripts/console_screenshots.py --out docs/img

Builds a throwaway store from ``adwarden.demo`` (synthetic, non-explicit posts; media are generated abstract
images served on loopback), signs in as a demo admin in Debian's Chromium (Playwright, ``executable_path``)
and saves one PNG per page.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from adwarden.demo.images import serve_abstract_images

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "screenshot password 1"


def build_store(work: Path, images: str) -> Any:
    from adwarden.config import Settings
    from adwarden.console.comments import add_comment
    from adwarden.console.users import add_user
    from adwarden.demo.generate import generate_posts
    from adwarden.domain import Actor
    from adwarden.ingest.schema import validate_post
    from adwarden.legal.service import deadline_policy, do_intake_request
    from adwarden.networks.service import build_from_storage
    from adwarden.runtime import build_runtime

    rt = build_runtime(Settings(environment="development", data_dir=work, database_url=f"sqlite:///{work / 's.db'}",
                                rescan_worker_seconds=0, webhook_poll_seconds=0))
    admin = Actor("demo-admin", frozenset({"admin"}))
    raw = list(generate_posts(800, seed=5))
    for i, p in enumerate(raw):
        if p.get("media"):
            p["media"] = [{"url": f"{images}/img/{i}.png", "sha256": m.get("sha256")} for m in p["media"][:2]]
    rt.ingest([validate_post(p, record=f"line {i}") for i, p in enumerate(raw)], actor=Actor("shop", frozenset({"platform"})))
    build_from_storage(rt.db, actor=admin)
    add_user(rt.db, "demo-admin", PASSWORD, ["admin"], actor=admin)
    with rt.db.transaction() as conn:
        do_intake_request(conn, request_type="emergency", agency="Example County Sheriff",
                          authority="Emergency disclosure request", targets=["phone:+12065550101"], actor=admin,
                          policy=deadline_policy(rt.settings), contact_email="officer@sheriff.example.gov")
        do_intake_request(conn, request_type="subpoena", agency="Example City Police",
                          authority="Subpoena 2026-17", targets=["phone:+12065550102"], actor=admin,
                          policy=deadline_policy(rt.settings))
    from sqlalchemy import select

    from adwarden.storage.sql.tables import cases

    with rt.db.read() as conn:
        first = conn.execute(select(cases.c.id).where(cases.c.status == "open").order_by(cases.c.priority.desc())
                             .limit(1)).scalar_one()
    add_comment(rt.db, first, "Same phone as last week's ring in Tacoma; checking the template.", actor=admin)
    return rt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="docs/img")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    import uvicorn
    from playwright.sync_api import sync_playwright

    from adwarden.api.app import create_app

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    images = ExitStack().enter_context(serve_abstract_images())  # serves until the script exits
    rt = build_store(Path(tempfile.mkdtemp(prefix="adw-shots-")), images)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(runtime=rt), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/console"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/login")
        page.screenshot(path=str(out / "console-login.png"))
        page.fill("input[name=username]", "demo-admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/queues")
        page.screenshot(path=str(out / "console-queues.png"))
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/cases/*")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / "console-case.png"), full_page=True)
        page.keyboard.press("?")
        page.screenshot(path=str(out / "console-shortcuts.png"))
        page.keyboard.press("Escape")
        network = page.locator("a[data-key=w]")
        case_url = page.url
        if network.count():
            network.click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / "console-network.png"), full_page=True)
        page.goto(case_url + "/cybertip")
        page.check("input[name=escalate]")
        page.wait_for_function("() => document.querySelector('#cybertip-findings').innerText.includes('escalation')")
        page.screenshot(path=str(out / "console-cybertip.png"), full_page=True)
        for name in ("legal", "banks", "policy", "dashboard", "audit"):
            page.goto(f"{base}/{name}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"console-{name}.png"), full_page=name not in ("policy", "audit"))
        browser.close()
    server.should_exit = True
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
