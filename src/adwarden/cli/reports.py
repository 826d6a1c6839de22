"""``adwarden reports``: CyberTipline drafts, validation, submission to NCMEC, and IC3 packages.

Exit codes: 0 success; 1 invalid input (``validate`` with schema errors, a case missing requirements);
3 permission denied; 4 NCMEC error (its code and description are printed); 2 configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.domain import AdWardenError
from adwarden.reporting.ncmec.lint import lint_report_xml
from adwarden.reporting.ncmec.model import IncidentType
from adwarden.reporting.ncmec.validate import parse_with_lines, validate_xml

if TYPE_CHECKING:
    from adwarden.reporting.service import StoredReport

INCIDENT_TYPES = {t.name.lower().replace("_", "-"): t for t in IncidentType}


def _incident(name: str) -> IncidentType:
    return INCIDENT_TYPES[name]


def _print_report(report: StoredReport) -> None:
    click.echo(f"report {report.id} for case {report.case_id}: {report.status} ({report.environment})")
    if report.ncmec_report_id:
        click.echo(f"  NCMEC report id: {report.ncmec_report_id}")
    if report.hold_id:
        click.echo(f"  preservation hold: {report.hold_id}")
    for item in report.warnings.get("missing", []):
        click.echo(f"  missing: {item}", err=True)
    for w in report.warnings.get("lint", []):
        click.echo(f"  warning {w['code']}: {w['message']}", err=True)
    if report.last_error:
        click.echo(f"  last error: {report.last_error}", err=True)


@click.group("reports")
def reports_group() -> None:
    """CyberTipline reports to NCMEC and IC3 complaint packages (see docs/reporting.md)."""


@reports_group.command("draft")
@click.argument("case_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report XML here.")
@click.option("--incident-type", type=click.Choice(sorted(INCIDENT_TYPES)), default="child-sex-trafficking",
              show_default=True, help="CyberTipline incident type.")
@click.option("--escalate", "escalation_reason", help="Escalate to high priority, with this reason (imminent danger).")
@click.option("--media-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Directory of media files named by SHA-256, to upload with the report.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored draft as JSON.")
@handle_errors
def draft_cmd(case_id: str, out: Path | None, incident_type: str, escalation_reason: str | None,
              media_dir: Path | None, as_json: bool) -> None:
    """Draft (and store) a CyberTipline report for CASE_ID; list what is missing and quality warnings."""
    from adwarden.reporting.service import do_draft_report

    state = get_state()
    rt = state.runtime
    report = do_draft_report(rt.db, case_id, actor=state.actor, settings=state.settings,
                             incident_type=_incident(incident_type), escalation_reason=escalation_reason,
                             media_dir=media_dir)
    if out is not None:
        out.write_bytes(report.report_xml)
    if as_json:
        emit_json(report.to_json())
    else:
        _print_report(report)
        if out is not None:
            click.echo(f"  XML written to {out}")


@reports_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@handle_errors
def validate_cmd(file: Path) -> None:
    """Validate a <report> or <fileDetails> XML file against NCMEC's XSD; exit 1 listing every error."""
    from adwarden.reporting.service import active_xsd

    data = file.read_bytes()
    problems = validate_xml(data, xsd=active_xsd(get_state().settings))
    if problems:
        for p in problems:
            click.echo(f"{file}:{p.line or 0}: {p.path}: {p.message}")
        click.echo(f"{len(problems)} error(s)", err=True)
        sys.exit(1)
    click.echo(f"{file}: valid")


@reports_group.command("lint")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--victim-hint", "victim_hints", multiple=True, help="A fact about a possible victim in the case.")
@click.option("--no-db", is_flag=True, help="Do not look up earlier reports for duplicates.")
@handle_errors
def lint_cmd(file: Path, victim_hints: tuple[str, ...], no_db: bool) -> None:
    """Warn about what makes a report non-actionable (no e-mail, IP, location, victim; duplicates)."""
    data = file.read_bytes()
    prior: set[str] = set()
    if not no_db:
        from adwarden.reporting.service import list_reports

        rt = get_state().runtime
        with rt.db.read() as conn:
            prior = {r.fingerprint for r in list_reports(conn, statuses=["finished"], limit=100_000)}
    warnings = lint_report_xml(data, prior_fingerprints=prior, victim_hints=victim_hints)
    for w in warnings:
        click.echo(f"{file}: {w.code}: {w.message}")
    click.echo(f"{len(warnings)} warning(s)" if warnings else f"{file}: no warnings", err=bool(warnings))


@reports_group.command("approve")
@click.argument("report_id")
@handle_errors
def approve_cmd(report_id: str) -> None:
    """Approve a draft as the second reviewer (when ADWARDEN_REPORT_REQUIRES_SECOND_APPROVAL is set).

    Needs ADWARDEN_CLI_API_KEY: four eyes means two authenticated identities, not two names."""
    from adwarden.reporting.service import do_approve_report

    state = get_state()
    report = do_approve_report(state.runtime.db, report_id, actor=state.authenticated_actor("approving a report"))
    click.echo(f"report {report.id} approved by {report.approved_by}")


@reports_group.command("submit")
@click.argument("case_id")
@click.option("--report", "report_id", help="The stored report to submit (default: the case's latest draft).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def submit_cmd(case_id: str, report_id: str | None, as_json: bool) -> None:
    """Submit CASE_ID's draft to NCMEC: submit, upload, fileinfo, finish; then place the 1-year hold."""
    from adwarden.reporting.service import client_from_settings, do_submit_report, latest_draft_id

    state = get_state()
    rt = state.runtime
    if report_id is None:
        with rt.db.read() as conn:
            report_id = latest_draft_id(conn, case_id)
    with client_from_settings(state.settings) as client:
        # With a second approval required, the submitter is one of the four eyes: an authenticated identity.
        actor = (state.authenticated_actor("submitting a report that needs a second approval")
                 if state.settings.report_requires_second_approval else state.actor)
        report = do_submit_report(rt.db, client, report_id, actor=actor, settings=state.settings)
    if as_json:
        emit_json(report.to_json())
    else:
        _print_report(report)


@reports_group.command("retract")
@click.argument("report_id")
@handle_errors
def retract_cmd(report_id: str) -> None:
    """Retract a report opened at NCMEC but not finished."""
    from adwarden.reporting.service import client_from_settings, do_retract_report

    state = get_state()
    with client_from_settings(state.settings) as client:
        report = do_retract_report(state.runtime.db, client, report_id, actor=state.actor)
    _print_report(report)


@reports_group.command("resume")
@click.option("--retract", "retract", is_flag=True, help="Retract unfinished reports instead of resuming them.")
@handle_errors
def resume_cmd(retract: bool) -> None:
    """Resume (or retract) every submission left unfinished by a crash or an outage."""
    from adwarden.reporting.service import client_from_settings, do_resume_reports

    state = get_state()
    with client_from_settings(state.settings) as client:
        done = do_resume_reports(state.runtime.db, client, actor=state.actor,
                                 policy="retract" if retract else "resume")
    for report in done:
        _print_report(report)
    click.echo(f"{len(done)} unfinished submission(s) {'retracted' if retract else 'resumed'}")


@reports_group.command("status")
@click.option("--case", "case_id", help="Only this case's reports.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def status_cmd(case_id: str | None, as_json: bool) -> None:
    """Check the connection to NCMEC and list stored reports. Exit 4 when NCMEC cannot be reached."""
    from adwarden.reporting.service import client_from_settings, list_reports

    state = get_state()
    connection: dict[str, object] = {"environment": state.settings.ncmec_environment}
    failed: AdWardenError | None = None
    try:
        with client_from_settings(state.settings, timeout=min(state.settings.ncmec_timeout, 10.0), attempts=1) as client:
            answer = client.status()
            connection.update(url=client.base_url, ok=True, description=answer.description)
    except AdWardenError as exc:
        failed = exc
        connection.update(ok=False, error=str(exc))
    with state.runtime.db.read() as conn:
        reports = [r.to_json() for r in list_reports(conn, case_id=case_id)]
    if as_json:
        emit_json({"ncmec": connection, "reports": reports})
    else:
        ok = "reachable" if connection.get("ok") else f"NOT reachable: {connection.get('error')}"
        click.echo(f"NCMEC ({connection['environment']}): {ok}")
        for r in reports:
            click.echo(f"{r['id']}  case {r['case_id']}  {r['status']:<14} {r['environment']:<10} "
                       f"ncmec={r['ncmec_report_id'] or '-'}  {r['created_at'][:19]}")
    if failed is not None:
        sys.exit(failed.exit_code)


@reports_group.command("show")
@click.argument("report_id")
@click.option("--xml", "with_xml", is_flag=True, help="Include the report XML.")
@handle_errors
def show_cmd(report_id: str, with_xml: bool) -> None:
    """A stored report with every exchange with NCMEC."""
    from adwarden.reporting.service import get_report, list_exchanges

    with get_state().runtime.db.read() as conn:
        out = get_report(conn, report_id).to_json(with_xml=with_xml)
        out["exchanges"] = list_exchanges(conn, report_id)
    emit_json(out)


@reports_group.command("ic3")
@click.argument("case_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--media-dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@handle_errors
def ic3_cmd(case_id: str, out: Path, media_dir: Path | None) -> None:
    """Build the IC3 complaint package for CASE_ID (IC3 has no API: file it by hand at ic3.gov)."""
    from adwarden.reporting.service import do_build_ic3_package

    state = get_state()
    data = do_build_ic3_package(state.runtime.db, case_id, actor=state.actor, settings=state.settings,
                                media_dir=media_dir)
    out.write_bytes(data)
    click.echo(f"IC3 package for case {case_id} written to {out} ({len(data)} bytes)")


@reports_group.command("refresh-xsd")
@handle_errors
def refresh_xsd_cmd() -> None:
    """Fetch NCMEC's current XSD from the configured API (GET /xsd) and validate against it from now on."""
    from adwarden.reporting.service import client_from_settings, refresh_xsd

    state = get_state()
    with client_from_settings(state.settings) as client:
        path = refresh_xsd(client, state.settings)
    root = parse_with_lines(path.read_bytes()).root
    click.echo(f"XSD written to {path} ({len(list(root))} top-level definitions)")


commands = [reports_group]
