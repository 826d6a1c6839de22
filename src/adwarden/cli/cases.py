"""``adwarden cases``: the review queue from the command line: list, show, claim, decide, reopen."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.review.labels import DecisionAction
from adwarden.review.listing import CaseFilter, list_case_rows


@click.group("cases")
def cases_group() -> None:
    """Cases: review queue, detail, claims (leases), decisions that act on the platform."""


def _print(obj: Any) -> None:
    emit_json(json.loads(json.dumps(obj, default=str)))


@cases_group.command("list")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True)
@click.option("--queue", "queues", multiple=True, help="Only these queues (repeatable).")
@click.option("--assignee", default=None, help="A reviewer's name, or 'none' for unclaimed cases.")
@click.option("--sla", type=click.Choice(["ok", "due-soon", "overdue"]), default=None)
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@handle_errors
def list_cmd(status: str, queues: tuple[str, ...], assignee: str | None, sla: str | None, limit: int,
             as_json: bool) -> None:
    """List cases: overdue first, then priority, risk and age."""
    from adwarden.permissions import ensure_permission

    state = get_state()
    rt = state.runtime
    ensure_permission(state.actor, "case:view")
    f = CaseFilter(status=None if status == "all" else status, queues=queues, assignee=assignee,
                   sla=sla)  # type: ignore[arg-type]
    with rt.db.read() as conn:
        rows = list_case_rows(conn, rt.screener.policy, actor=state.actor, f=f, limit=limit)
    if as_json:
        _print(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("case", "post", "queue", "priority", "risk", "sla", "assignee", "opened")
    for c in rows:
        table.add_row(str(c["id"]), str(c["external_id"]), str(c["queue"]), str(c["priority"]),
                      f"{c['risk']:.0f}", str(c["sla_state"] or c["outcome"] or ""), str(c["assignee"] or ""),
                      str(c["opened_at"])[:19])
    Console().print(table)


@cases_group.command("show")
@click.argument("case_id")
@handle_errors
def show_cmd(case_id: str) -> None:
    """Case detail as JSON: post versions with evidence spans, reasons, account, network, flags, history."""
    from adwarden.review.detail import case_detail

    state = get_state()
    rt = state.runtime
    with rt.db.read() as conn:
        _print(case_detail(conn, case_id, actor=state.actor, policy=rt.screener.policy))


@cases_group.command("claim-next")
@click.argument("queue")
@click.option("--lease-minutes", type=float, default=None, help="Default: ADWARDEN_REVIEW_LEASE_MINUTES.")
@handle_errors
def claim_next_cmd(queue: str, lease_minutes: float | None) -> None:
    """Claim the highest-priority, then oldest, unclaimed case of QUEUE; exit 3 when there is none."""
    from adwarden.review.claims import claim_next

    state = get_state()
    rt = state.runtime
    c = claim_next(rt.db, queue, actor=state.actor, policy=rt.screener.policy,
                   lease=timedelta(minutes=lease_minutes or rt.settings.review_lease_minutes))
    if c is None:
        click.echo(f"no unclaimed open case in {queue}", err=True)
        raise SystemExit(3)
    click.echo(f"{c.case_id}: claimed by {c.assignee} until {c.expires_at.isoformat()}")


@cases_group.command("release")
@click.argument("case_id")
@handle_errors
def release_cmd(case_id: str) -> None:
    """Give a claimed case back to its queue."""
    from adwarden.review.claims import release

    state = get_state()
    release(state.runtime.db, case_id, actor=state.actor, policy=state.runtime.screener.policy)
    click.echo(f"{case_id}: released")


@cases_group.command("decide")
@click.argument("case_id")
@click.option("--label", default=None, help="A label from the policy (e.g. violating-trafficking, not-violating).")
@click.option("--action", type=click.Choice([a.value for a in DecisionAction]), default=None,
              help="Default: remove for a violating label, allow otherwise.")
@click.option("--appeal", type=click.Choice(["uphold", "overturn"]), default=None, help="For appeal cases.")
@click.option("--note", default="", help="Why: kept in the decision and the audit log.")
@handle_errors
def decide_cmd(case_id: str, label: str | None, action: str | None, appeal: str | None, note: str) -> None:
    """Decide an open case: sets the post's enforcement and queues the platform action."""
    from adwarden.review.appeals import decide_appeal
    from adwarden.review.decisions import record_decision

    state = get_state()
    rt = state.runtime
    if appeal:
        d = decide_appeal(rt.db, case_id, appeal, note, actor=state.actor, policy=rt.screener.policy)
    else:
        d = record_decision(rt.db, case_id, label, action, note, actor=state.actor, policy=rt.screener.policy)
    from adwarden.review.followups import after_decision

    report_id = after_decision(rt.db, rt.settings, d, actor=state.actor)
    click.echo(f"{d.case_id}: {d.label or '-'} / {d.action} by {d.actor} ({len(d.action_events)} platform event(s))"
               + (f"; CyberTipline draft {report_id}" if report_id else ""))


@cases_group.command("reopen")
@click.argument("case_id")
@click.option("--reason", required=True, help="Why the case is reopened (kept in its history).")
@handle_errors
def reopen_cmd(case_id: str, reason: str) -> None:
    """Reopen a closed case; the next decision supersedes the last one."""
    from adwarden.review.decisions import reopen_case

    state = get_state()
    reopen_case(state.runtime.db, case_id, reason, actor=state.actor, policy=state.runtime.screener.policy)
    click.echo(f"{case_id}: reopened")


commands = [cases_group]
