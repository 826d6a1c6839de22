"""Service functions of the law-enforcement desk: every write checks a permission and writes its audit
event in the caller's transaction (``with db.transaction() as conn: do_intake_request(conn, ...)``).

* :func:`do_intake_request` records a request and its targets. Targets that match nothing are recorded and
  the request is flagged (``no_match`` / ``unmatched_targets``), never dropped. A §2703(f) request places
  its hold at once.
* :func:`do_transition` moves a request through the workflow (:data:`~adwarden.legal.model.TRANSITIONS`).
* :func:`do_verify_emergency` records one step of the emergency checklist (who verified what, when).
* :func:`do_produce` builds the signed package and logs the production: what was sent, to whom, under which
  authority. Emergency requests cannot be produced until their checklist is complete.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from adwarden.audit.checkpoint import make_checkpoint, write_checkpoint
from adwarden.audit.log import append_event
from adwarden.config import Settings
from adwarden.domain import Actor, Conflict, InputError, NotFound, Post
from adwarden.legal.deadlines import DeadlinePolicy, due_at, renew_preservation
from adwarden.legal.holds import Resolution, extend_hold, place_hold, resolve_targets
from adwarden.legal.model import (
    DateRange,
    EmergencyVerification,
    LegalRequest,
    NonDisclosure,
    RequestStatus,
    RequestType,
    Scope,
    Target,
    VerificationCheck,
    VerificationStep,
    check_callback_number,
    check_transition,
    ensure_may_disclose,
    is_official_domain,
    parse_scope,
)
from adwarden.legal.package import PackageInfo, PackageInput, build_package, safe_component
from adwarden.legal.signing import load_signing_key
from adwarden.legal.transparency import RequestRow, TransparencyReport, build_report
from adwarden.permissions import ensure_permission, has_permission
from adwarden.storage.ids import new_id
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import get_post
from adwarden.storage.sql.tables import (
    accounts,
    assessments,
    audit_events,
    cases,
    decisions,
    identifiers,
    post_versions,
    posts,
)
from adwarden.storage.sql.tables_legal import (
    emergency_verifications,
    legal_documents,
    legal_requests,
    legal_targets,
    productions,
)

#: Identifier kinds followed when summarising the network around the posts in scope.
NETWORK_KINDS = ("phone", "email", "handle", "payment", "url")
#: Audit event names that mean a CyberTipline report was filed (declared by :mod:`adwarden.reporting.service`);
#: only filings in NCMEC's production environment are counted by the transparency report.
CYBERTIP_FILED_EVENTS = ("report-filed",)
#: Decision outcomes that are not an enforcement action (everything else counts as "actioned").
NON_ACTION_OUTCOMES = frozenset({"allow", "allowed", "approve", "approved", "dismiss", "dismissed", "no-action",
                                 "no_action", "escalate", "escalated", "keep"})
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def deadline_policy(settings: Settings) -> DeadlinePolicy:
    """The deadline policy from settings (fields ``legal_*``); statutory minimums are enforced there."""
    return DeadlinePolicy(
        emergency_hours=settings.legal_emergency_hours,
        default_days=settings.legal_default_days,
        preservation_days=settings.legal_preservation_days,
        cybertip_preservation_days=settings.legal_cybertip_preservation_days,
    )


def official_suffixes(settings: Settings) -> tuple[str, ...]:
    return tuple(s.strip().lower() for s in settings.legal_official_domains.split(",") if s.strip())


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The package signing key from settings; the development key is refused outside development/test."""
    return load_signing_key(key=settings.legal_signing_key, key_path=settings.legal_signing_key_path,
                            environment=settings.environment)


def checkpoint_dir(settings: Settings) -> Path:
    """Where audit checkpoints are written: ``ADWARDEN_AUDIT_CHECKPOINT_DIR``, else ``<data dir>/audit-checkpoints``."""
    return settings.audit_checkpoint_dir or Path(settings.data_dir) / "audit-checkpoints"


def checkpoint_after_production(db: Database, settings: Settings, production: Production) -> Path:
    """Anchor the audit log right after a production is committed: the package's ``legal-production-sent``
    event is then covered by a signed checkpoint outside the database."""
    with db.read() as conn:
        cp = make_checkpoint(conn, signing_key(settings), now=datetime.now(UTC),
                             reason=f"evidence package {production.id}")
    return write_checkpoint(cp, checkpoint_dir(settings))


# ----------------------------------------------------------------------------------------- reading


def _request_from_row(conn: Connection, row: Any) -> LegalRequest:
    trows = conn.execute(
        select(legal_targets).where(legal_targets.c.request_id == row.id).order_by(legal_targets.c.position)
    ).all()
    targets = tuple(Target(r.kind, r.value, r.platform) for r in trows)
    rng = DateRange(row.date_start, row.date_end) if (row.date_start or row.date_end) else None
    nd = NonDisclosure(row.nondisclosure_until) if row.nondisclosure else None
    return LegalRequest(
        id=row.id, type=RequestType(row.type), status=RequestStatus(row.status), agency=row.agency,
        authority=row.authority, received_at=row.received_at, due_at=row.due_at, scope=Scope(targets, rng),
        officer=row.officer, contact_email=row.contact_email, contact_phone=row.contact_phone,
        case_number=row.case_number, nondisclosure=nd, notes=row.notes, flags=tuple(row.flags or ()),
        hold_id=row.hold_id, renewals=int(row.renewals or 0), created_by=row.created_by, updated_at=row.updated_at,
    )


def get_request(conn: Connection, request_id: str) -> LegalRequest:
    row = conn.execute(select(legal_requests).where(legal_requests.c.id == request_id)).first()
    if row is None:
        raise NotFound(f"legal request {request_id} not found")
    return _request_from_row(conn, row)


def list_requests(
    conn: Connection,
    *,
    statuses: Iterable[RequestStatus] | None = None,
    request_type: RequestType | None = None,
    limit: int = 1000,
) -> list[LegalRequest]:
    """Requests, soonest due first (no due date last), then oldest received."""
    q = select(legal_requests)
    if statuses is not None:
        q = q.where(legal_requests.c.status.in_([s.value for s in statuses]))
    if request_type is not None:
        q = q.where(legal_requests.c.type == request_type.value)
    q = q.order_by(legal_requests.c.due_at.is_(None), legal_requests.c.due_at, legal_requests.c.received_at)
    return [_request_from_row(conn, r) for r in conn.execute(q.limit(limit)).all()]


def emergency_verification(conn: Connection, request_id: str) -> EmergencyVerification:
    rows = conn.execute(
        select(emergency_verifications).where(emergency_verifications.c.request_id == request_id)
        .order_by(emergency_verifications.c.verified_at, emergency_verifications.c.id)
    ).all()
    return EmergencyVerification(tuple(
        VerificationStep(VerificationCheck(r.check_name), r.verified_by, r.verified_at, r.detail, bool(r.passed))
        for r in rows))


def request_details(conn: Connection, request_id: str) -> dict[str, Any]:
    """Everything the desk shows for one request: targets and matches, checklist, documents, productions."""
    req = get_request(conn, request_id)
    out: dict[str, Any] = req.to_json()
    out["target_matches"] = [
        {"target": str(Target(r.kind, r.value, r.platform)), "matched_posts": r.matched_posts}
        for r in conn.execute(select(legal_targets).where(legal_targets.c.request_id == request_id)
                              .order_by(legal_targets.c.position))
    ]
    if req.type is RequestType.EMERGENCY:
        ev = emergency_verification(conn, request_id)
        out["emergency_verification"] = {
            "complete": ev.complete,
            "problems": ev.problems(),
            "steps": [{"check": s.check.value, "verified_by": s.verified_by, "verified_at": s.verified_at.isoformat(),
                       "detail": s.detail, "passed": s.passed} for s in ev.steps],
        }
    out["documents"] = [
        {"id": r.id, "filename": r.filename, "sha256": r.sha256, "size": r.size, "added_by": r.added_by,
         "added_at": r.added_at.isoformat()}
        for r in conn.execute(select(legal_documents.c.id, legal_documents.c.filename, legal_documents.c.sha256,
                                     legal_documents.c.size, legal_documents.c.added_by, legal_documents.c.added_at)
                              .where(legal_documents.c.request_id == request_id))
    ]
    out["productions"] = [production_json(r) for r in conn.execute(
        select(productions).where(productions.c.request_id == request_id).order_by(productions.c.produced_at))]
    return out


def production_json(r: Any) -> dict[str, Any]:
    return {"id": r.id, "request_id": r.request_id, "produced_at": r.produced_at.isoformat(),
            "produced_by": r.produced_by, "recipient": r.recipient, "authority": r.authority,
            "package_path": r.package_path, "package_sha256": r.package_sha256,
            "manifest_sha256": r.manifest_sha256, "key_fingerprint": r.key_fingerprint, "contents": r.contents}


# ----------------------------------------------------------------------------------------- writing


def do_intake_request(
    conn: Connection,
    *,
    request_type: RequestType | str,
    agency: str,
    authority: str,
    targets: Sequence[str] | Scope,
    actor: Actor,
    policy: DeadlinePolicy,
    officer: str | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    case_number: str | None = None,
    nondisclosure: NonDisclosure | None = None,
    notes: str | None = None,
    received_at: datetime | None = None,
    default_region: str = "US",
) -> LegalRequest:
    """Record a request. Returns it with its flags and, for preservation requests, its hold id."""
    ensure_permission(actor, "legal:manage")
    rtype = request_type if isinstance(request_type, RequestType) else RequestType.parse(request_type, record="intake")
    for name, value in (("agency", agency), ("authority", authority)):
        if not value or not value.strip():
            raise InputError(f"{name} is required", record="intake", field=name)
    scope = targets if isinstance(targets, Scope) else parse_scope(targets, default_region=default_region,
                                                                   record="intake")
    now = datetime.now(UTC)
    received = received_at or now
    if received.tzinfo is None:
        raise InputError("must be timezone-aware", record="intake", field="received_at")
    if received > now + timedelta(minutes=5):
        raise InputError("cannot be in the future", record="intake", field="received_at")
    resolution = resolve_targets(conn, scope.targets)
    flags: list[str] = []
    if not resolution.post_ids and not resolution.account_ids:
        flags.append("no_match")
    elif resolution.unmatched:
        flags.append("unmatched_targets")
    request_id = new_id("lr")
    due = due_at(rtype, received, policy)
    conn.execute(insert(legal_requests).values(
        id=request_id, type=rtype.value, status=RequestStatus.RECEIVED.value, agency=agency.strip(),
        authority=authority.strip(), officer=officer, contact_email=contact_email, contact_phone=contact_phone,
        case_number=case_number, received_at=received, due_at=due,
        date_start=scope.date_range.start if scope.date_range else None,
        date_end=scope.date_range.end if scope.date_range else None,
        nondisclosure=nondisclosure is not None, nondisclosure_until=nondisclosure.until if nondisclosure else None,
        notes=notes, flags=flags, hold_id=None, renewals=0, created_by=actor.name, created_at=now, updated_at=now))
    conn.execute(insert(legal_targets), [
        {"request_id": request_id, "position": i, "kind": t.kind, "value": t.value, "platform": t.platform,
         "matched_posts": len(resolution.matches.get(str(t), ()))}
        for i, t in enumerate(scope.targets)])
    append_event(conn, name="legal-request-received", actor=actor.name, subject_type="legal_request",
                 subject_id=request_id, payload={
                     "type": rtype.value, "agency": agency, "authority": authority, "case_number": case_number,
                     "targets": [str(t) for t in scope.targets], "matched_posts": len(resolution.post_ids),
                     "flags": flags, "due_at": due.isoformat(),
                     "nondisclosure_until": _nd_text(nondisclosure)})
    if rtype is RequestType.PRESERVATION:
        hold_id = place_hold(conn, targets=list(scope.targets), reason=f"§2703(f) preservation request {request_id} "
                             f"from {agency.strip()}", expires_at=due, source=f"legal:{request_id}", actor=actor)
        conn.execute(update(legal_requests).where(legal_requests.c.id == request_id).values(hold_id=hold_id))
    return get_request(conn, request_id)


def _nd_text(nd: NonDisclosure | None) -> str | None:
    if nd is None:
        return None
    return nd.until.isoformat() if nd.until else "indefinite"


def do_transition(
    conn: Connection, *, request_id: str, to: RequestStatus | str, actor: Actor, note: str | None = None
) -> LegalRequest:
    """Move a request to ``to``. Producing is refused for an emergency request whose checklist is incomplete
    and for preservation requests (they compel no disclosure)."""
    ensure_permission(actor, "legal:manage")
    target = to if isinstance(to, RequestStatus) else RequestStatus.parse(to, record=request_id)
    req = get_request(conn, request_id)
    check_transition(req.status, target, request_id=request_id)
    if target in {RequestStatus.PRODUCING, RequestStatus.PRODUCED}:
        ensure_may_disclose(req.type, emergency_verification(conn, request_id), request_id=request_id)
    _set_status(conn, req, target, actor=actor.name, note=note)
    return get_request(conn, request_id)


def _set_status(conn: Connection, req: LegalRequest, target: RequestStatus, *, actor: str, note: str | None) -> None:
    conn.execute(update(legal_requests).where(legal_requests.c.id == req.id).values(
        status=target.value, updated_at=datetime.now(UTC)))
    append_event(conn, name="legal-request-transitioned", actor=actor, subject_type="legal_request",
                 subject_id=req.id, payload={"from": req.status.value, "to": target.value, "note": note})


def do_verify_emergency(
    conn: Connection,
    *,
    request_id: str,
    check: VerificationCheck | str,
    detail: str,
    actor: Actor,
    passed: bool = True,
    callback_number: str | None = None,
    official_suffixes: Sequence[str] | None = None,
    default_region: str = "US",
) -> EmergencyVerification:
    """Record one checklist step for an emergency request, by ``actor``, now.

    * ``official_domain``: the requester's e-mail domain is checked against ``official_suffixes``; a domain
      outside the list cannot be recorded as passed unless ``detail`` explains why (e.g. a foreign agency).
    * ``callback``: ``callback_number`` is required and must not be the contact number in the request.
    * ``supervisor_approval``: must come from someone other than whoever made the call-back.
    The first step moves a ``received`` request to ``verifying``.
    """
    ensure_permission(actor, "legal:manage")
    chk = check if isinstance(check, VerificationCheck) else _parse_check(check)
    req = get_request(conn, request_id)
    if req.type is not RequestType.EMERGENCY:
        raise Conflict(f"request {request_id} is a {req.type.value}, not an emergency request: no checklist applies")
    if req.is_final:
        raise Conflict(f"request {request_id} is {req.status.value}; it can no longer be verified")
    if not detail or not detail.strip():
        raise InputError("say what was checked (domain, number called and where it is published, approval)",
                         record=request_id, field="detail")
    text = detail.strip()
    if chk is VerificationCheck.OFFICIAL_DOMAIN and passed and req.contact_email:
        from adwarden.legal.model import DEFAULT_OFFICIAL_SUFFIXES

        suffixes = official_suffixes or DEFAULT_OFFICIAL_SUFFIXES
        if not is_official_domain(req.contact_email, suffixes):
            text = f"[domain not on the official list: {req.contact_email.rpartition('@')[2]}] {text}"
    if chk is VerificationCheck.CALLBACK:
        if not callback_number:
            raise InputError("a call-back needs the number that was called", record=request_id, field="callback_number")
        check_callback_number(callback_number, [req.contact_phone], default_region=default_region)
        text = f"called {callback_number}: {text}"
    now = datetime.now(UTC)
    conn.execute(insert(emergency_verifications).values(
        request_id=request_id, check_name=chk.value, verified_by=actor.name, verified_at=now, detail=text,
        passed=passed))
    append_event(conn, name="legal-emergency-verified", actor=actor.name, subject_type="legal_request",
                 subject_id=request_id, payload={"check": chk.value, "passed": passed, "detail": text})
    if req.status is RequestStatus.RECEIVED:
        _set_status(conn, req, RequestStatus.VERIFYING, actor=actor.name, note="emergency verification started")
    return emergency_verification(conn, request_id)


def _parse_check(text: str) -> VerificationCheck:
    key = text.strip().lower().replace("-", "_")
    aliases = {"domain": VerificationCheck.OFFICIAL_DOMAIN, "supervisor": VerificationCheck.SUPERVISOR_APPROVAL,
               "call_back": VerificationCheck.CALLBACK}
    if key in aliases:
        return aliases[key]
    try:
        return VerificationCheck(key)
    except ValueError:
        choices = ", ".join(c.value for c in VerificationCheck)
        raise InputError(f"unknown check {text!r}; expected one of: {choices}", field="check") from None


def do_attach_document(
    conn: Connection, *, request_id: str, filename: str, content: bytes, actor: Actor,
    content_type: str | None = None,
) -> str:
    """Attach the served document (or correspondence) to a request; stored with its SHA-256."""
    ensure_permission(actor, "legal:manage")
    get_request(conn, request_id)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise InputError(f"document is larger than {MAX_DOCUMENT_BYTES} bytes", record=request_id, field="document")
    doc_id = new_id("ld")
    digest = hashlib.sha256(content).hexdigest()
    name = safe_component(Path(filename).name)
    conn.execute(insert(legal_documents).values(
        id=doc_id, request_id=request_id, filename=name, content_type=content_type, sha256=digest,
        size=len(content), content=content, added_by=actor.name, added_at=datetime.now(UTC)))
    append_event(conn, name="legal-document-attached", actor=actor.name, subject_type="legal_request",
                 subject_id=request_id, payload={"document_id": doc_id, "filename": name, "sha256": digest,
                                                 "size": len(content)})
    return doc_id


def do_renew_preservation(conn: Connection, *, request_id: str, actor: Actor, policy: DeadlinePolicy) -> LegalRequest:
    """A renewed §2703(f) request: extend the hold and the due date by 90 days, once."""
    ensure_permission(actor, "legal:manage")
    req = get_request(conn, request_id)
    if req.type is not RequestType.PRESERVATION or req.hold_id is None or req.due_at is None:
        raise Conflict(f"request {request_id} is not a preservation request with a hold")
    new_due = renew_preservation(req.due_at, req.renewals, policy)
    extend_hold(conn, hold_id=req.hold_id, expires_at=new_due, reason=f"renewed §2703(f) request {request_id}",
                actor=actor)
    conn.execute(update(legal_requests).where(legal_requests.c.id == request_id).values(
        due_at=new_due, renewals=req.renewals + 1, updated_at=datetime.now(UTC)))
    append_event(conn, name="legal-preservation-renewed", actor=actor.name, subject_type="legal_request",
                 subject_id=request_id, payload={"due_at": new_due.isoformat(), "hold_id": req.hold_id})
    return get_request(conn, request_id)


@dataclass(frozen=True)
class Production:
    id: str
    request_id: str
    info: PackageInfo
    package_sha256: str
    recipient: str


def do_produce(
    conn: Connection,
    *,
    request_id: str,
    out_path: str | Path,
    recipient: str | None,
    signing_key: Ed25519PrivateKey,
    actor: Actor,
    platform_name: str = "AdWarden",
) -> Production:
    """Build the signed package for a request in ``producing`` and log the production; the request becomes
    ``produced``. The recipient defaults to the officer and agency named on the request."""
    ensure_permission(actor, "legal:produce")
    req = get_request(conn, request_id)
    if req.status is not RequestStatus.PRODUCING:
        raise Conflict(f"request {request_id} is {req.status.value}; move it to producing (after review) first")
    ensure_may_disclose(req.type, emergency_verification(conn, request_id), request_id=request_id)
    to = (recipient or ", ".join(p for p in (req.officer, req.agency) if p)).strip()
    now = datetime.now(UTC)
    data = gather_package_input(conn, req, produced_by=actor.name, recipient=to, now=now,
                                platform_name=platform_name)
    out = Path(out_path)
    info = build_package(out, data, signing_key=signing_key)
    try:
        package_sha = hashlib.sha256(out.read_bytes()).hexdigest()
        production_id = new_id("pr")
        contents = {"posts": len(data.posts), "versions": sum(len(p.versions) for p in data.posts),
                    "identifiers": len(data.identifiers), "accounts": len(data.accounts),
                    "assessments": len(data.assessments), "decisions": len(data.decisions),
                    "audit_events": len(data.audit), "files": len(info.files),
                    "post_ids": [p.id for p in data.posts]}
        conn.execute(insert(productions).values(
            id=production_id, request_id=request_id, produced_at=now, produced_by=actor.name, recipient=to,
            authority=req.authority, package_path=str(out.resolve()), package_sha256=package_sha,
            manifest_sha256=info.manifest_sha256, key_fingerprint=info.key_fingerprint, contents=contents))
        append_event(conn, name="legal-production-sent", actor=actor.name, subject_type="legal_request",
                     subject_id=request_id, payload={
                         "production_id": production_id, "recipient": to, "authority": req.authority,
                         "agency": req.agency, "package_sha256": package_sha,
                         "manifest_sha256": info.manifest_sha256, "key_fingerprint": info.key_fingerprint,
                         "contents": {k: v for k, v in contents.items() if k != "post_ids"},
                         "post_ids": contents["post_ids"]})
        _set_status(conn, req, RequestStatus.PRODUCED, actor=actor.name, note=f"production {production_id}")
    except BaseException:
        out.unlink(missing_ok=True)  # never leave a package whose production was not logged
        raise
    return Production(production_id, request_id, info, package_sha, to)


# ------------------------------------------------------------------------------------ gathering


def _in_range(rng: DateRange | None, post: Post) -> Post | None:
    if rng is None:
        return post
    kept = tuple(v for v in post.versions if rng.contains(v.content.posted_at or v.received_at))
    if not kept:
        return None
    return Post(id=post.id, site=post.site, external_id=post.external_id, account_id=post.account_id,
                created_at=post.created_at, versions=kept)


def gather_package_input(
    conn: Connection, req: LegalRequest, *, produced_by: str, recipient: str, now: datetime,
    platform_name: str = "AdWarden",
) -> PackageInput:
    """Collect what the request's scope reaches: posts (versions inside the date range), their accounts,
    identifiers, the network around them, assessments, decisions and the audit extract."""
    resolution: Resolution = resolve_targets(conn, req.scope.targets)
    scoped = [_in_range(req.scope.date_range, get_post(conn, pid)) for pid in sorted(resolution.post_ids)]
    post_list = [p for p in scoped if p is not None]
    pids = [p.id for p in post_list]
    account_ids = sorted({p.account_id for p in post_list if p.account_id} | set(resolution.account_ids))
    account_rows = [
        {"id": r.id, "site": r.site, "external_id": r.external_id, "email": r.email, "phone": r.phone,
         "ip": r.ip, "device_id": r.device_id, "created_at": r.created_at.isoformat(),
         "updated_at": r.updated_at.isoformat()}
        for r in conn.execute(select(accounts).where(accounts.c.id.in_(account_ids)).order_by(accounts.c.id))
    ] if account_ids else []
    versions_kept = {(p.id, v.version) for p in post_list for v in p.versions}
    ident_rows = [
        {"post_id": r.post_id, "version": r.version, "kind": r.kind, "value": r.value, "platform": r.platform,
         "source": r.source, "start": r.start, "end": r.end}
        for r in conn.execute(select(identifiers).where(identifiers.c.post_id.in_(pids))
                              .order_by(identifiers.c.post_id, identifiers.c.version, identifiers.c.id))
        if (r.post_id, r.version) in versions_kept
    ] if pids else []
    network = _network_summary(conn, pids, ident_rows)
    assessment_rows = [
        {"id": r.id, "post_id": r.post_id, "version": r.version, "action": r.action, "risk": r.risk,
         "priority": r.priority, "queue": r.queue, "reasons": r.reasons, "rules_fired": r.rules_fired,
         "versions": r.versions, "trigger": r.trigger, "created_at": r.created_at.isoformat()}
        for r in conn.execute(select(assessments).where(assessments.c.post_id.in_(pids))
                              .order_by(assessments.c.created_at, assessments.c.id))
        if (r.post_id, r.version) in versions_kept
    ] if pids else []
    case_rows = list(conn.execute(select(cases).where(cases.c.post_id.in_(pids)))) if pids else []
    case_ids = [c.id for c in case_rows]
    decision_rows = [
        {"case_id": r.case_id, "outcome": r.outcome, "actor": r.actor, "note": r.note,
         "created_at": r.created_at.isoformat()}
        for r in conn.execute(select(decisions).where(decisions.c.case_id.in_(case_ids))
                              .order_by(decisions.c.created_at, decisions.c.id))
    ] if case_ids else []
    audit = _audit_extract(conn, req, pids, case_ids)
    return PackageInput(
        request=req, posts=post_list, produced_by=produced_by, recipient=recipient, created_at=now,
        accounts=account_rows, identifiers=ident_rows, network=network, assessments=assessment_rows,
        decisions=decision_rows, audit=audit, platform_name=platform_name)


def _network_summary(conn: Connection, pids: Sequence[str], ident_rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Other posts sharing an identifier with the posts in scope: ids and what links them (not their content,
    which is outside the request's scope)."""
    keys = sorted({(r["kind"], r["value"]) for r in ident_rows if r["kind"] in NETWORK_KINDS})
    linked: dict[str, set[str]] = {}
    shared: list[dict[str, Any]] = []
    in_scope = set(pids)
    for kind, value in keys:
        others = sorted(set(conn.execute(
            select(identifiers.c.post_id).where(identifiers.c.kind == kind, identifiers.c.value == value)
            .distinct()).scalars()) - in_scope)
        shared.append({"kind": kind, "value": value, "other_posts": len(others)})
        for o in others:
            linked.setdefault(o, set()).add(f"{kind}:{value}")
    linked_rows = []
    if linked:
        meta = {r.id: r for r in conn.execute(
            select(posts.c.id, posts.c.site, posts.c.external_id).where(posts.c.id.in_(sorted(linked))))}
        linked_rows = [{"post_id": pid, "site": meta[pid].site if pid in meta else None,
                        "external_id": meta[pid].external_id if pid in meta else None,
                        "shared": sorted(linked[pid])} for pid in sorted(linked)]
    return {"posts_in_scope": len(pids), "identifiers": shared, "linked_posts": linked_rows}


def _audit_extract(conn: Connection, req: LegalRequest, pids: Sequence[str], case_ids: Sequence[str]) -> list[dict[str, Any]]:
    subjects = [and_(audit_events.c.subject_type == "legal_request", audit_events.c.subject_id == req.id)]
    if pids:
        subjects.append(and_(audit_events.c.subject_type == "post", audit_events.c.subject_id.in_(list(pids))))
    if case_ids:
        subjects.append(and_(audit_events.c.subject_type == "case", audit_events.c.subject_id.in_(list(case_ids))))
    if req.hold_id:
        subjects.append(and_(audit_events.c.subject_type == "hold", audit_events.c.subject_id == req.hold_id))
    rows = conn.execute(select(audit_events).where(or_(*subjects)).order_by(audit_events.c.seq)).all()
    return [{"seq": r.seq, "name": r.name, "actor": r.actor, "subject_type": r.subject_type,
             "subject_id": r.subject_id, "payload": r.payload, "created_at": r.created_at, "hash": r.hash}
            for r in rows]


def notice_blocked_by(
    conn: Connection, *, post_id: str | None = None, account_id: str | None = None, today: date | None = None
) -> list[str]:
    """Ids of requests whose running non-disclosure order covers this post or account: while any is
    returned, nothing may tell the user (no takedown notice naming the request, no account message).
    Enforcement modules call this before notifying."""
    day = today or datetime.now(UTC).date()
    rows = conn.execute(select(legal_requests.c.id).where(
        legal_requests.c.nondisclosure.is_(True),
        or_(legal_requests.c.nondisclosure_until.is_(None), legal_requests.c.nondisclosure_until >= day))).all()
    out: list[str] = []
    for row in rows:
        req = get_request(conn, row.id)
        res = resolve_targets(conn, req.scope.targets)
        accounts_reached = set(res.account_ids)
        if res.post_ids:
            accounts_reached |= set(conn.execute(select(posts.c.account_id).where(
                posts.c.id.in_(sorted(res.post_ids)), posts.c.account_id.is_not(None))).scalars())
        if (post_id and post_id in res.post_ids) or (account_id and account_id in accounts_reached):
            out.append(req.id)
    return out


# ---------------------------------------------------------------------------------- transparency


def ensure_transparency_permission(actor: Actor) -> None:
    """The liaison desk and compliance (who verifies the audit log) may compute the published numbers."""
    if not (has_permission(actor, "legal:manage") or has_permission(actor, "audit:verify")):
        ensure_permission(actor, "legal:manage")


def transparency_report(conn: Connection, start: date, end: date) -> TransparencyReport:
    """Count the period ``start..end`` (inclusive days, UTC) from storage."""
    if start > end:
        raise InputError(f"period starts {start} after it ends {end}", record="transparency", field="from")
    lo = datetime(start.year, start.month, start.day, tzinfo=UTC)
    hi = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    produced = set(conn.execute(select(productions.c.request_id).distinct()).scalars())
    counts = {r.request_id: int(r.n) for r in conn.execute(
        select(legal_targets.c.request_id, func.count().label("n")).group_by(legal_targets.c.request_id))}
    rows = [
        RequestRow(RequestType(r.type), counts.get(r.id, 0), r.id in produced)
        for r in conn.execute(select(legal_requests.c.id, legal_requests.c.type).where(
            legal_requests.c.received_at >= lo, legal_requests.c.received_at < hi))
    ]
    lo_s, hi_s = lo.isoformat(), hi.isoformat()
    cybertips = 0
    for payload in conn.execute(select(audit_events.c.payload).where(
            audit_events.c.name.in_(CYBERTIP_FILED_EVENTS), audit_events.c.created_at >= lo_s,
            audit_events.c.created_at < hi_s)).scalars():
        try:
            environment = json.loads(payload).get("environment", "production")
        except (ValueError, AttributeError):
            environment = "production"
        cybertips += environment == "production"
    actioned_posts: set[str] = set(conn.execute(
        select(cases.c.post_id).join(decisions, decisions.c.case_id == cases.c.id).where(
            decisions.c.created_at >= lo, decisions.c.created_at < hi,
            decisions.c.outcome.not_in(sorted(NON_ACTION_OUTCOMES)))).scalars())
    actioned_posts |= set(conn.execute(select(assessments.c.post_id).where(
        assessments.c.action == "block", assessments.c.created_at >= lo, assessments.c.created_at < hi)).scalars())
    by_category: dict[str, int] = {}
    for pid in sorted(actioned_posts):
        cat = conn.execute(select(post_versions.c.category).where(post_versions.c.post_id == pid)
                           .order_by(post_versions.c.version.desc()).limit(1)).scalar_one_or_none()
        key = cat or "uncategorized"
        by_category[key] = by_category.get(key, 0) + 1
    return build_report(start, end, rows, cybertip_reports=cybertips, actioned=by_category)
