"""``adwarden policy``: check, diff (backtest against stored posts) and activate (audited) policy files.

Exit codes: ``check`` 0 when valid, 1 with every problem printed as FILE:LINE: message; ``diff`` 0; ``activate``
0, or 1 when the file is invalid (nothing is activated), 3 permission denied.
"""

from __future__ import annotations

from pathlib import Path

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.domain import PolicyError
from adwarden.policy import load_policy
from adwarden.retro.policies import activate_policy, backtest
from adwarden.retro.rescan import run_rescan

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("policy")
def policy_group() -> None:
    """Policy files: validate, backtest and activate (see docs/policy.md)."""


@policy_group.command("check")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True)
def check_cmd(file: Path, as_json: bool) -> None:
    """Validate FILE; exit 0 when valid, 1 with every problem as FILE:LINE: message."""
    try:
        p = load_policy(file)
    except PolicyError as exc:
        if as_json:
            emit_json({"valid": False, "problems": exc.problems})
        else:
            for problem in exc.problems:
                click.echo(problem, err=True)
            click.echo(f"{len(exc.problems)} problem(s)", err=True)
        raise SystemExit(1) from None
    if as_json:
        emit_json({"valid": True, "version": p.version, "digest": p.digest, "rules": len(p.rules),
                   "queues": list(p.queues)})
    else:
        click.echo(f"{file}: valid (version {p.version}, {len(p.rules)} rules, queues: {', '.join(p.queues)})")


@policy_group.command("diff")
@click.argument("old", type=_FILE)
@click.argument("new", type=_FILE)
@click.option("--limit", type=int, help="Replay at most this many stored posts.")
@click.option("--examples", type=int, default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def diff_cmd(old: Path, new: Path, limit: int | None, examples: int, as_json: bool) -> None:
    """Replay stored posts under OLD and NEW: how many verdicts change, with examples (a backtest)."""
    state = get_state()
    rt = state.runtime
    a, b = load_policy(old), load_policy(new)
    d = backtest(rt.db, rt.screener, a, b, limit=limit, max_examples=examples)
    if as_json:
        emit_json(d.to_json())
        return
    click.echo(f"{d.total} stored posts replayed: {d.changed} verdicts change, {d.risk_only} only change risk")
    for t, n in sorted(d.transitions.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {t:30s} {n}")
    for c in d.examples:
        j = c.to_json()
        click.echo(f"  {c.post_id}: {j['old']['action']}/{j['old']['queue']} risk {j['old']['risk']:g} -> "
                   f"{j['new']['action']}/{j['new']['queue']} risk {j['new']['risk']:g}")


@policy_group.command("activate")
@click.argument("file", type=_FILE)
@click.option("--no-wait", is_flag=True, help="Queue the rescan without running it now.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def activate_cmd(file: Path, no_wait: bool, as_json: bool) -> None:
    """Activate FILE (audited): every process screens with it from now on; stored posts are re-assessed."""
    state = get_state()
    rt = state.runtime
    policy, job_id = activate_policy(rt.db, file, actor=state.actor)
    rt.refresh_screener()
    job = None
    if job_id and not no_wait:
        job = run_rescan(rt, job_id, actor=state.actor)
    out = {"version": policy.version, "digest": policy.digest,
           "rescan": job.to_json() if job else ({"id": job_id, "status": "pending"} if job_id else None)}
    if as_json:
        emit_json(out)
        return
    click.echo(f"policy {policy.version} ({policy.digest[:12]}) activated")
    if job:
        click.echo(f"rescan {job.id}: {job.done} posts re-assessed, {job.changed} verdicts changed")


commands = [policy_group]
