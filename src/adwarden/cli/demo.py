"""``adwarden demo``: the synthetic marketplace, and the main job that screens it and serves the API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from adwarden.cli.common import CliState, get_state, handle_errors


@click.group("demo")
def demo_group() -> None:
    """A synthetic, non-explicit marketplace with planted networks (555-01xx phones, example.com)."""


@demo_group.command("generate")
@click.option("--count", type=click.IntRange(1), default=3000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--network-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Share of posts that belong to planted networks.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True)
@click.option("--truth", type=click.Path(dir_okay=False), help="Also write the planted networks as JSON here.")
@handle_errors
def generate_cmd(count: int, seed: int, network_share: float, out: str, truth: str | None) -> None:
    """Write COUNT synthetic posts as JSONL (the ingest schema)."""
    from adwarden.demo.generate import generate_posts, planted_networks

    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for post in generate_posts(count, seed=seed, network_share=network_share):
            stream.write(json.dumps(post, ensure_ascii=False) + "\n")
    finally:
        if stream is not sys.stdout:
            stream.close()
    if truth:
        nets = planted_networks(count, seed=seed, network_share=network_share)
        Path(truth).write_text(json.dumps({k: list(v) for k, v in nets.items()}, indent=2), encoding="utf-8")


@demo_group.command("run")
@click.option("--count", type=click.IntRange(1), default=3000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the API afterwards.")
@click.option("--port", type=int, default=8000, show_default=True)
@handle_errors
def run_cmd(count: int, seed: int, serve: bool, port: int) -> None:
    """The main job: generate a marketplace, screen and store it, print the summary, serve the API on
    127.0.0.1."""
    state = get_state()
    data_dir = state.settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    corpus = data_dir / f"demo-{count}-{seed}.jsonl"
    ctx = click.get_current_context()
    ctx.invoke(generate_cmd, count=count, seed=seed, network_share=0.05, out=str(corpus),
               truth=str(data_dir / f"demo-{count}-{seed}-truth.json"))
    click.echo(f"generated {count} synthetic posts in {corpus}", err=True)
    from adwarden.cli.ingest import ingest_cmd

    ctx.invoke(ingest_cmd, file=str(corpus), fmt="jsonl", mapping=(), as_json=False, batch_size=None,
               progress=None)
    _show_networks(ctx)
    from adwarden.cli.cases import list_cmd

    ctx.invoke(list_cmd, status="open", queues=(), limit=10, as_json=False)
    _print_console_users(state, port)
    if serve:
        from adwarden.cli.serve import serve_cmd

        ctx.invoke(serve_cmd, host="127.0.0.1", port=port, log_level="warning")


def _print_console_users(state: CliState, port: int) -> None:
    """The console URL and one demo user per role (fresh passwords each run)."""
    from adwarden.demo.users import ensure_demo_users

    users = ensure_demo_users(state.runtime.db, actor=state.actor, environment=state.settings.environment)
    click.echo(f"\nReviewer console: http://127.0.0.1:{port}/console/  (sign in as one of these)")
    for name, role, password in users:
        click.echo(f"  {role:<13} user {name:<18} password {password}")
    click.echo("Keyboard: Enter claims the next case, t/n/x/s/f/o decide, e escalates, ? lists every key.\n")


def _show_networks(ctx: click.Context) -> None:
    """Print the largest networks, when this build has the networks command (in-process: same database)."""
    from adwarden.cli.main import cli

    group = cli.commands.get("networks")
    if isinstance(group, click.Group) and "list" in group.commands:
        ctx.invoke(group.commands["list"], limit=10)


commands = [demo_group]
