"""``adwarden legal``, ``adwarden evidence``, ``adwarden retention`` and ``adwarden transparency``.

The law-enforcement desk from the command line. Every command that changes state runs one transaction
through :mod:`adwarden.legal.service` (permission-checked and audited); the operator is the CLI actor
(``ADWARDEN_CLI_ACTOR`` / ``ADWARDEN_CLI_ROLES``).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.domain import InputError
from adwarden.legal.deadlines import overdue as overdue_requests
from adwarden.legal.holds import get_hold, list_holds, place_hold, release_hold
from adwarden.legal.model import FINAL_STATUSES, NonDisclosure, RequestStatus, RequestType
from adwarden.legal.package import verify_package
from adwarden.legal.retention import purge
from adwarden.legal.service import (
    checkpoint_after_production,
    deadline_policy,
    do_attach_document,
    do_intake_request,
    do_produce,
    do_renew_preservation,
    do_transition,
    do_verify_emergency,
    ensure_transparency_permission,
    list_requests,
    official_suffixes,
    request_details,
    signing_key,
    transparency_report,
)
from adwarden.legal.signing import fingerprint, generate_key, private_key_pem
from adwarden.legal.transparency import write_report
from adwarden.permissions import ensure_permission
from adwarden.storage.sql.database import Database


def _db() -> Database:
    """The database only: the desk needs no detectors or policy, so it keeps working (and starts faster)
    even when a lexicon or policy file is broken. Migrated on first use, disposed when the command ends."""
    ctx = click.get_current_context()
    db = ctx.meta.get("adwarden.legal.db")
    if db is None:
        db = Database(get_state().settings.resolved_database_url)
        db.migrate()
        ctx.meta["adwarden.legal.db"] = db
        ctx.call_on_close(db.dispose)
    return db


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a YYYY-MM-DD date", record="command line", field=field) from None


def _moment(value: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not an ISO date or date-time", record="command line", field=field) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.group("legal")
def legal_group() -> None:
    """Law-enforcement desk: legal process, deadlines, holds and evidence packages."""


@legal_group.command("intake")
@click.option("--type", "rtype", required=True,
              help="subpoena, 2703d-order, search-warrant, preservation (2703(f)), emergency, foreign, other.")
@click.option("--agency", required=True, help="Requesting agency.")
@click.option("--authority", required=True, help="Legal authority (e.g. 'Grand jury subpoena GJ-12').")
@click.option("--target", "targets", multiple=True, required=True,
              help="KIND:VALUE: post:ID, account:ID, phone:E164, email:ADDR, handle:[PLATFORM/]NAME, "
                   "dates:FROM..TO (repeatable).")
@click.option("--officer", help="Requesting officer.")
@click.option("--contact-email", help="Officer's e-mail (checked for an official domain on emergencies).")
@click.option("--contact-phone", help="Officer's phone as given in the request.")
@click.option("--case-number", help="Agency case number.")
@click.option("--nondisclosure-until", help="Last day of a non-disclosure order (YYYY-MM-DD), or 'indefinite'.")
@click.option("--received-at", help="When the request was served (ISO; default now).")
@click.option("--notes", help="Free-text notes.")
@click.option("--document", "documents", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Attach the served document (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the request as JSON.")
@handle_errors
def intake_cmd(rtype: str, agency: str, authority: str, targets: tuple[str, ...], officer: str | None,
               contact_email: str | None, contact_phone: str | None, case_number: str | None,
               nondisclosure_until: str | None, received_at: str | None, notes: str | None,
               documents: tuple[Path, ...], as_json: bool) -> None:
    """Record a legal request; prints its id. A preservation request places its hold at once."""
    state = get_state()
    nd = None
    if nondisclosure_until:
        nd = NonDisclosure(None if nondisclosure_until.lower() == "indefinite"
                           else _date(nondisclosure_until, "nondisclosure-until"))
    with _db().transaction() as conn:
        req = do_intake_request(
            conn, request_type=rtype, agency=agency, authority=authority, targets=list(targets), actor=state.actor,
            policy=deadline_policy(state.settings), officer=officer, contact_email=contact_email,
            contact_phone=contact_phone, case_number=case_number, nondisclosure=nd, notes=notes,
            received_at=_moment(received_at, "received-at") if received_at else None,
            default_region=state.settings.default_region)
        for doc in documents:
            do_attach_document(conn, request_id=req.id, filename=doc.name, content=doc.read_bytes(),
                               actor=state.actor)
    if as_json:
        emit_json(req.to_json())
        return
    click.echo(req.id)
    for flag in req.flags:
        click.echo(f"flag: {flag}", err=True)
    if req.hold_id:
        click.echo(f"hold: {req.hold_id}", err=True)


@legal_group.command("list")
@click.option("--status", "statuses", multiple=True, help="Only these statuses (repeatable).")
@click.option("--open", "open_only", is_flag=True, help="Only requests not yet produced, rejected or withdrawn.")
@click.option("--type", "rtype", help="Only this request type.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_cmd(statuses: tuple[str, ...], open_only: bool, rtype: str | None, as_json: bool) -> None:
    """List requests, soonest due first."""
    state = get_state()
    ensure_permission(state.actor, "legal:manage")
    wanted: set[RequestStatus] | None = {RequestStatus.parse(s) for s in statuses} if statuses else None
    if open_only:
        wanted = (wanted or set(RequestStatus)) - FINAL_STATUSES
    with _db().read() as conn:
        reqs = list_requests(conn, statuses=wanted, request_type=RequestType.parse(rtype) if rtype else None)
    if as_json:
        emit_json([r.to_json() for r in reqs])
        return
    for r in reqs:
        due = r.due_at.isoformat(timespec="minutes") if r.due_at else "-"
        flags = f" [{','.join(r.flags)}]" if r.flags else ""
        click.echo(f"{r.id}  {r.type.value:<14} {r.status.value:<10} due {due}  {r.agency}{flags}")


@legal_group.command("show")
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def show_cmd(request_id: str, as_json: bool) -> None:
    """Show a request: targets and matches, checklist, documents, productions."""
    state = get_state()
    ensure_permission(state.actor, "legal:manage")
    with _db().read() as conn:
        details = request_details(conn, request_id)
    if as_json:
        emit_json(details)
        return
    for key in ("id", "type_label", "status", "agency", "authority", "officer", "case_number", "received_at",
                "due_at", "nondisclosure_until", "hold_id", "flags"):
        click.echo(f"{key:>20}: {details.get(key)}")
    for t in details["target_matches"]:
        click.echo(f"{'target':>20}: {t['target']} ({t['matched_posts']} post(s))")
    if "emergency_verification" in details:
        ev = details["emergency_verification"]
        click.echo(f"{'verification':>20}: {'complete' if ev['complete'] else '; '.join(ev['problems'])}")
    for p in details["productions"]:
        click.echo(f"{'production':>20}: {p['id']} to {p['recipient']} at {p['produced_at']} sha256 {p['package_sha256']}")


@legal_group.command("transition")
@click.argument("request_id")
@click.argument("status")
@click.option("--note", help="Why (recorded in the audit log).")
@handle_errors
def transition_cmd(request_id: str, status: str, note: str | None) -> None:
    """Move a request to STATUS (verifying, in_review, producing, produced, rejected, withdrawn)."""
    state = get_state()
    with _db().transaction() as conn:
        req = do_transition(conn, request_id=request_id, to=status, actor=state.actor, note=note)
    click.echo(f"{req.id} {req.status.value}")


@legal_group.command("verify")
@click.argument("request_id")
@click.option("--check", "check", required=True,
              type=click.Choice(["official_domain", "domain", "callback", "supervisor_approval", "supervisor"]),
              help="Which emergency check was done.")
@click.option("--detail", required=True, help="What was checked: the domain, where the number is published, ...")
@click.option("--number", "callback_number", help="The number called back (callback check).")
@click.option("--failed", is_flag=True, help="Record the check as failed.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def verify_cmd(request_id: str, check: str, detail: str, callback_number: str | None, failed: bool,
               as_json: bool) -> None:
    """Record one emergency-request check, by you, now.

    The call-back and supervisor checks must come from two different people, so they need
    ADWARDEN_CLI_API_KEY (an authenticated identity), not just ADWARDEN_CLI_ACTOR."""
    state = get_state()
    four_eyes = check in {"callback", "supervisor_approval", "supervisor"}
    actor = state.authenticated_actor(f"the {check} check") if four_eyes else state.actor
    with _db().transaction() as conn:
        ev = do_verify_emergency(conn, request_id=request_id, check=check, detail=detail, actor=actor,
                                 passed=not failed, callback_number=callback_number,
                                 official_suffixes=official_suffixes(state.settings),
                                 default_region=state.settings.default_region)
    if as_json:
        emit_json({"complete": ev.complete, "problems": ev.problems()})
        return
    click.echo("verification complete" if ev.complete else "still needed: " + "; ".join(ev.problems()))


@legal_group.command("renew")
@click.argument("request_id")
@handle_errors
def renew_cmd(request_id: str) -> None:
    """Renew a §2703(f) preservation for another 90 days (allowed once)."""
    state = get_state()
    with _db().transaction() as conn:
        req = do_renew_preservation(conn, request_id=request_id, actor=state.actor,
                                    policy=deadline_policy(state.settings))
    click.echo(f"{req.id} preserved until {req.due_at.isoformat() if req.due_at else '-'}")


@legal_group.command("attach")
@click.argument("request_id")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handle_errors
def attach_cmd(request_id: str, document: Path) -> None:
    """Attach a document (the served process, correspondence) to a request."""
    state = get_state()
    with _db().transaction() as conn:
        doc_id = do_attach_document(conn, request_id=request_id, filename=document.name,
                                    content=document.read_bytes(), actor=state.actor)
    click.echo(doc_id)


@legal_group.command("overdue")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def overdue_cmd(as_json: bool) -> None:
    """Open requests past their due date, most late first. Exits 1 when there are any."""
    state = get_state()
    ensure_permission(state.actor, "legal:manage")
    with _db().read() as conn:
        reqs = list_requests(conn, statuses=set(RequestStatus) - FINAL_STATUSES)
    late = overdue_requests(reqs, now=datetime.now(UTC))
    if as_json:
        emit_json([{**o.request.to_json(), "late_by_hours": round(o.late_by.total_seconds() / 3600, 1)}
                   for o in late])
    else:
        for o in late:
            click.echo(f"{o.request.id}  {o.request.type.value:<14} {o.request.status.value:<10} "
                       f"late by {o.late_by - timedelta(microseconds=o.late_by.microseconds)}  {o.request.agency}")
    if late:
        sys.exit(1)


@legal_group.command("hold")
@click.option("--target", "targets", multiple=True, required=True, help="KIND:VALUE (repeatable).")
@click.option("--reason", required=True)
@click.option("--days", type=int, help="Hold for this many days (default: until released).")
@click.option("--until", "until", help="Hold until this date-time (ISO).")
@click.option("--source", default="manual", show_default=True, help="Why the hold exists (e.g. investigation:42).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def hold_cmd(targets: tuple[str, ...], reason: str, days: int | None, until: str | None, source: str,
             as_json: bool) -> None:
    """Place a preservation hold; prints its id."""
    state = get_state()
    if days is not None and until is not None:
        raise InputError("give --days or --until, not both", record="command line", field="until")
    expires = _moment(until, "until") if until else (datetime.now(UTC) + timedelta(days=days) if days else None)
    with _db().transaction() as conn:
        hold_id = place_hold(conn, targets=list(targets), reason=reason, expires_at=expires, source=source,
                             actor=state.actor)
    if as_json:
        with _db().read() as conn:
            emit_json(get_hold(conn, hold_id).to_json())
        return
    click.echo(hold_id)


@legal_group.command("release")
@click.argument("hold_id")
@click.option("--reason", required=True)
@handle_errors
def release_cmd(hold_id: str, reason: str) -> None:
    """Release a hold before it expires (audited)."""
    state = get_state()
    with _db().transaction() as conn:
        hold = release_hold(conn, hold_id=hold_id, reason=reason, actor=state.actor)
    click.echo(f"{hold.id} released")


@legal_group.command("holds")
@click.option("--all", "show_all", is_flag=True, help="Include released and expired holds.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def holds_cmd(show_all: bool, as_json: bool) -> None:
    """List holds (active ones by default)."""
    state = get_state()
    ensure_permission(state.actor, "hold:manage")
    with _db().read() as conn:
        found = list_holds(conn, active_only=not show_all)
    if as_json:
        emit_json([h.to_json() for h in found])
        return
    for h in found:
        exp = h.expires_at.isoformat(timespec="minutes") if h.expires_at else "until released"
        click.echo(f"{h.id}  {h.source:<24} {exp}  posts={h.item_counts.get('post', 0)}  {h.reason}")


@legal_group.command("produce")
@click.argument("request_id")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write PACKAGE.zip.")
@click.option("--recipient", help="Who receives it (default: the officer and agency on the request).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def produce_cmd(request_id: str, out: Path, recipient: str | None, as_json: bool) -> None:
    """Build the signed evidence package for a request in 'producing' and log the production."""
    state = get_state()
    key = signing_key(state.settings)
    if out.exists():
        raise InputError(f"{out} exists; choose another path (packages are never overwritten)",
                         record="command line", field="out")
    with _db().transaction() as conn:
        prod = do_produce(conn, request_id=request_id, out_path=out, recipient=recipient, signing_key=key,
                          actor=state.actor)
    checkpoint_after_production(_db(), state.settings, prod)
    result = {"production_id": prod.id, "request_id": prod.request_id, "path": str(out),
              "package_sha256": prod.package_sha256, "manifest_sha256": prod.info.manifest_sha256,
              "key_fingerprint": prod.info.key_fingerprint, "recipient": prod.recipient}
    if as_json:
        emit_json(result)
        return
    for k, v in result.items():
        click.echo(f"{k}: {v}")


@legal_group.command("keygen")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the private key (PEM, mode 0600).")
@handle_errors
def keygen_cmd(out: Path) -> None:
    """Generate an Ed25519 signing key for evidence packages; prints its fingerprint to publish."""
    if out.exists():
        raise InputError(f"{out} exists; refusing to overwrite a key", record="command line", field="out")
    key = generate_key()
    out.touch(mode=0o600)
    out.write_bytes(private_key_pem(key))
    click.echo(fingerprint(key.public_key()))


@legal_group.command("key")
@handle_errors
def key_cmd() -> None:
    """Print the fingerprint of the configured signing key (publish it so recipients can check packages)."""
    click.echo(fingerprint(signing_key(get_state().settings).public_key()))


@click.group("evidence")
def evidence_group() -> None:
    """Evidence packages."""


@evidence_group.command("verify")
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--trusted-key", "trusted", multiple=True,
              help="Fingerprint (sha256:...) the package must be signed with (repeatable); added to "
              "ADWARDEN_EVIDENCE_TRUSTED_KEYS.")
@click.option("--json", "as_json", is_flag=True)
def evidence_verify_cmd(package: Path, trusted: tuple[str, ...], as_json: bool) -> None:
    """Check every file hash, the signature, and who signed.

    Exit 0 only when the package is intact AND signed by a key you trust (--trusted-key or
    ADWARDEN_EVIDENCE_TRUSTED_KEYS); 1 naming each altered, missing or added file; 3 when the files are
    intact but the signer is unverified (no trusted key given, another key, or the public development key).
    Needs no database and no permission: anyone holding a package can check it."""
    keys = [*trusted, *get_state().settings.trusted_evidence_keys()]
    result = verify_package(package, trusted_fingerprints=keys)
    if as_json:
        emit_json(result.to_json())
    elif result.ok:
        click.echo(f"OK: {result.files_checked} files intact, signature valid, signed by trusted key "
                   f"{result.key_fingerprint}")
    elif result.intact:
        click.echo(f"UNVERIFIED SIGNER: {result.files_checked} files intact and the signature is valid, but "
                   f"{result.signer_problem()}")
    else:
        click.echo(f"TAMPERED: {package}")
        for line in result.problems():
            click.echo(line)
    sys.exit(0 if result.ok else (3 if result.intact else 1))


@click.group("retention")
def retention_group() -> None:
    """Data retention."""


@retention_group.command("purge")
@click.option("--older-than", "older_than", type=int, required=True, help="Purge posts first stored more than "
              "DAYS ago (held posts and posts with an open case are kept).")
@click.option("--dry-run", is_flag=True, help="Report what would be purged; delete nothing.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def purge_cmd(older_than: int, dry_run: bool, as_json: bool) -> None:
    """Remove what is older than DAYS and not held."""
    state = get_state()
    with _db().transaction() as conn:
        result = purge(conn, older_than_days=older_than, actor=state.actor, dry_run=dry_run)
    if as_json:
        emit_json(result.to_json())
        return
    verb = "would purge" if dry_run else "purged"
    click.echo(f"{verb} {len(result.purged)} post(s); kept {result.kept_held} held, "
               f"{result.kept_open_case} with an open case")


@click.command("transparency")
@click.option("--from", "start", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Last day (YYYY-MM-DD).")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output directory.")
@handle_errors
def transparency_cmd(start: str, end: str, out: Path) -> None:
    """Write the transparency report (JSON, CSV, HTML with charts) for a period."""
    state = get_state()
    ensure_transparency_permission(state.actor)
    with _db().read() as conn:
        report = transparency_report(conn, _date(start, "from"), _date(end, "to"))
    for path in write_report(report, out):
        click.echo(str(path))


commands = [legal_group, evidence_group, retention_group, transparency_cmd]
