"""``adwarden webhooks``: register endpoints, run the sender, inspect deliveries, dead letters and replay."""

from __future__ import annotations

import json
import signal
import sys
import threading
from typing import Any

import click

from adwarden.cli.common import emit_json, get_state, handle_errors


@click.group("webhooks")
def webhooks_group() -> None:
    """Platform webhooks: signed action events, delivered at least once after commit."""


def _print(obj: Any) -> None:
    emit_json(json.loads(json.dumps(obj, default=str)))


@webhooks_group.command("add")
@click.option("--site", required=True, help="The platform site whose events this endpoint receives.")
@click.option("--url", required=True, help="http(s) URL that receives POSTed events.")
@click.option("--description", default="")
@handle_errors
def add_cmd(site: str, url: str, description: str) -> None:
    """Register an endpoint; prints its id and secret (shown only now)."""
    from adwarden.actions.endpoints import register_endpoint

    state = get_state()
    e = register_endpoint(state.runtime.db, site=site, url=url, description=description, actor=state.actor)
    _print({"id": e.id, "site": e.site, "url": e.url, "secret": e.secret})


@webhooks_group.command("list")
@handle_errors
def list_cmd() -> None:
    """Registered endpoints (no secrets)."""
    from adwarden.actions.endpoints import list_endpoints

    state = get_state()
    _print([e.__dict__ | {"secret": None} for e in list_endpoints(state.runtime.db, actor=state.actor)])


@webhooks_group.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--poll-seconds", type=float, default=0.5, show_default=True)
@click.option("--lease-seconds", type=float, default=30.0, show_default=True,
              help="How long a claimed delivery waits before another sender retries it (after a crash).")
@click.option("--batch", type=int, default=200, show_default=True)
@click.option("--concurrency", type=int, default=8, show_default=True)
@click.option("--base-backoff", type=float, default=2.0, show_default=True, help="Seconds before the first retry.")
@handle_errors
def run_cmd(once: bool, poll_seconds: float, lease_seconds: float, batch: int, concurrency: int,
            base_backoff: float) -> None:
    """Run the webhook sender in the foreground (stop with Ctrl-C or SIGTERM)."""
    from adwarden.actions.delivery import DeliveryWorker, RetryPolicy

    state = get_state()
    s = state.runtime.settings
    worker = DeliveryWorker(state.runtime.db, batch=batch, concurrency=concurrency, timeout=s.webhook_timeout_seconds,
                            lease_seconds=lease_seconds,
                            retry=RetryPolicy(base_seconds=base_backoff, max_attempts=s.webhook_max_attempts))
    try:
        if once:
            click.echo(f"attempted {worker.drain()} deliveries")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        click.echo("webhook sender running", err=True)
        try:
            worker.run(stop, None, poll_seconds)
        except KeyboardInterrupt:
            pass
    finally:
        worker.close()


@webhooks_group.command("status")
@click.argument("event_id")
@handle_errors
def status_cmd(event_id: str) -> None:
    """One action event and its delivery status per endpoint."""
    from adwarden.actions.feed import delivery_status

    state = get_state()
    _print(delivery_status(state.runtime.db, event_id, actor=state.actor, sites=None))


@webhooks_group.command("dead")
@handle_errors
def dead_cmd() -> None:
    """The dead-letter list: deliveries that exhausted their attempts."""
    from adwarden.actions.feed import dead_letters

    state = get_state()
    _print(dead_letters(state.runtime.db, actor=state.actor, sites=None))


@webhooks_group.command("replay")
@click.argument("event_ids", nargs=-1)
@click.option("--all-dead", is_flag=True, help="Requeue every dead delivery.")
@handle_errors
def replay_cmd(event_ids: tuple[str, ...], all_dead: bool) -> None:
    """Queue deliveries again: the given events', or every dead one."""
    from adwarden.actions.feed import replay

    state = get_state()
    n = replay(state.runtime.db, actor=state.actor, sites=None, event_ids=list(event_ids) or None, all_dead=all_dead)
    click.echo(f"requeued {n} deliveries")


@webhooks_group.command("receive")
@click.option("--secret", required=True, help="The endpoint's secret (printed by `webhooks add`).")
@click.option("--port", type=int, default=8765, show_default=True)
@handle_errors
def receive_cmd(secret: str, port: int) -> None:
    """A local receiver on 127.0.0.1:PORT/hook: verifies each signature and prints each event (Ctrl-C stops)."""
    from adwarden.actions.receiver import Receiver

    def show(key: str, body: Any) -> None:
        click.echo(json.dumps({"idempotency_key": key, "type": body.get("type"), "data": body.get("data")}))
        sys.stdout.flush()  # one line per event, visible at once even when piped

    with Receiver(secret, port=port) as r:
        r.on_event = show
        click.echo(f"receiving on {r.url} (bad signatures are refused with 401)", err=True)
        try:
            r.thread.join()
        except KeyboardInterrupt:
            pass


commands = [webhooks_group]
