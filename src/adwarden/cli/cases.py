"""``adwarden cases``: the review queue from the command line."""

from __future__ import annotations

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.permissions import ensure_permission, has_permission
from adwarden.review.queues import visible_queues
from adwarden.storage.sql.queries import list_cases


@click.group("cases")
def cases_group() -> None:
    """Cases opened for posts at or above the review threshold."""


@cases_group.command("list")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True)
@click.option("--queue", "queues", multiple=True, help="Only these queues (repeatable).")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@handle_errors
def list_cmd(status: str, queues: tuple[str, ...], limit: int, as_json: bool) -> None:
    """List cases, highest priority and risk first."""
    state = get_state()
    rt = state.runtime
    ensure_permission(state.actor, "case:view")
    allowed = visible_queues(rt.screener.policy, restricted=has_permission(state.actor, "case:view-restricted"))
    wanted = list(queues) or None
    if allowed is not None:
        wanted = [q for q in (wanted or allowed) if q in allowed]
    with rt.db.read() as conn:
        rows = list_cases(conn, status=None if status == "all" else status, queues=wanted, limit=limit)
    out = [{"id": c.id, "post_id": c.post_id, "external_id": c.external_id, "site": c.site,
            "status": c.status.value, "queue": c.queue, "priority": c.priority, "risk": c.risk,
            "opened_at": c.opened_at.isoformat()} for c in rows]
    if as_json:
        emit_json(out)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("case", "post", "queue", "priority", "risk", "opened")
    for c in out:
        table.add_row(str(c["id"]), str(c["external_id"]), str(c["queue"]), str(c["priority"]),
                      f"{c['risk']:.0f}", str(c["opened_at"])[:19])
    Console().print(table)


@cases_group.command("decide")
@click.argument("case_id")
@click.option("--outcome", required=True,
              type=click.Choice(["violating-trafficking", "violating-possible-minor", "violating-other",
                                 "not-violating", "escalate"]))
@click.option("--note", default="", help="Why: kept in the decision and the audit log.")
@handle_errors
def decide_cmd(case_id: str, outcome: str, note: str) -> None:
    """Record a decision on an open case (every outcome but escalate closes it)."""
    from adwarden.review.decisions import record_decision

    state = get_state()
    d = record_decision(state.runtime.db, case_id, outcome, note, actor=state.actor,
                        restricted_queues=state.runtime.screener.policy.restricted_queues)
    click.echo(f"{d.case_id}: {d.outcome} by {d.actor}")


commands = [cases_group]
