"""Service functions of the law-enforcement desk: every write checks a permission and writes its audit
event in the caller's transaction (``with db.transaction() as conn: do_intake_request(conn, ...)``).

* :func:`do_intake_request` records a request and its targets. Targets that match nothing are recorded and
  the request is flagged (``no_match`` / ``unmatched_targets``), never dropped. A §2703(f) request places
  its hold at once.
* :func:`do_transition` moves a request through the workflow (:data:`~adwarden.legal.model.TRANSITIONS`).
* :func:`do_verify_emergency` records one step of the emergency checklist (who verified what, when).
* :func:`do_produce` builds the signed package and logs the production: what was sent, to whom, under which
  authority. Emergency requests cannot be produced until their checklist is complete. What the package
  contains is gathered by :mod:`adwarden.legal.gathering`; if the transaction that logs the production rolls
  back, the package file is removed.

The rows live behind :mod:`adwarden.storage.sql.legal_requests_store`; this module keeps what they mean.
Transparency numbers are counted by :mod:`adwarden.legal.transparency_counts` (re-exported here).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adwarden.audit.checkpoint import make_checkpoint, write_checkpoint
from adwarden.audit.log import append_event
from adwarden.config import Settings
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.legal.deadlines import DeadlinePolicy, due_at, renew_preservation
from adwarden.legal.gathering import NETWORK_KINDS, gather_package_input
from adwarden.legal.holds import extend_hold, place_hold, resolve_targets
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
from adwarden.legal.package import PackageInfo, build_package, safe_component
from adwarden.legal.signing import load_signing_key
from adwarden.legal.transparency_counts import (
    CYBERTIP_FILED_EVENTS,
    NON_ACTION_OUTCOMES,
    ensure_transparency_permission,
    transparency_report,
)
from adwarden.permissions import ensure_permission
from adwarden.storage.ids import new_id
from adwarden.storage.sql import legal_requests_store as store
from adwarden.storage.sql.database import Connection, Database, after_rollback
from adwarden.storage.sql.holds_store import account_ids_of_posts
from adwarden.storage.sql.legal_requests_store import (
    DocumentInfo,
    ProductionRecord,
    RequestRecord,
    TargetRecord,
    VerificationRecord,
)

__all__ = [
    "CYBERTIP_FILED_EVENTS",
    "NETWORK_KINDS",
    "NON_ACTION_OUTCOMES",
    "ensure_transparency_permission",
    "gather_package_input",
    "transparency_report",
]
#: Gathering an evidence package (:mod:`adwarden.legal.gathering`) and counting a transparency report
#: (:mod:`adwarden.legal.transparency_counts`) are modules of their own, re-exported here for callers.

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
R = TypeVar("R")


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


def _request(rec: RequestRecord) -> LegalRequest:
    targets = tuple(Target(t.kind, t.value, t.platform) for t in rec.targets)
    rng = DateRange(rec.date_start, rec.date_end) if (rec.date_start or rec.date_end) else None
    nd = NonDisclosure(rec.nondisclosure_until) if rec.nondisclosure else None
    return LegalRequest(
        id=rec.id, type=RequestType(rec.type), status=RequestStatus(rec.status), agency=rec.agency,
        authority=rec.authority, received_at=rec.received_at, due_at=rec.due_at, scope=Scope(targets, rng),
        officer=rec.officer, contact_email=rec.contact_email, contact_phone=rec.contact_phone,
        case_number=rec.case_number, nondisclosure=nd, notes=rec.notes, flags=rec.flags, hold_id=rec.hold_id,
        renewals=rec.renewals, created_by=rec.created_by, updated_at=rec.updated_at,
    )


def _found(rec: R | None, what: str) -> R:
    if rec is None:
        raise NotFound(f"{what} not found")
    return rec


def _request_record(conn: Connection, request_id: str) -> RequestRecord:
    return _found(store.find_request(conn, request_id), f"legal request {request_id}")


def get_request(conn: Connection, request_id: str) -> LegalRequest:
    return _request(_request_record(conn, request_id))


def list_requests(
    conn: Connection,
    *,
    statuses: Iterable[RequestStatus] | None = None,
    request_type: RequestType | None = None,
    limit: int = 1000,
) -> list[LegalRequest]:
    """Requests, soonest due first (no due date last), then oldest received."""
    return [_request(r) for r in store.list_requests(
        conn, statuses=None if statuses is None else [s.value for s in statuses],
        request_type=None if request_type is None else request_type.value, limit=limit)]


def emergency_verification(conn: Connection, request_id: str) -> EmergencyVerification:
    return EmergencyVerification(tuple(
        VerificationStep(VerificationCheck(r.check_name), r.verified_by, r.verified_at, r.detail, r.passed)
        for r in store.list_verifications(conn, request_id)))


def request_details(conn: Connection, request_id: str) -> dict[str, Any]:
    """Everything the desk shows for one request: targets and matches, checklist, documents, productions."""
    rec = _request_record(conn, request_id)
    req = _request(rec)
    out: dict[str, Any] = req.to_json()
    out["target_matches"] = [
        {"target": str(Target(t.kind, t.value, t.platform)), "matched_posts": t.matched_posts} for t in rec.targets
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
        {"id": d.id, "filename": d.filename, "sha256": d.sha256, "size": d.size, "added_by": d.added_by,
         "added_at": d.added_at.isoformat()}
        for d in store.list_documents(conn, request_id)
    ]
    out["productions"] = [production_json(r) for r in store.list_productions(conn, request_id)]
    return out


def production_json(r: ProductionRecord) -> dict[str, Any]:
    return {"id": r.id, "request_id": r.request_id, "produced_at": r.produced_at.isoformat(),
            "produced_by": r.produced_by, "recipient": r.recipient, "authority": r.authority,
            "package_path": r.package_path, "package_sha256": r.package_sha256,
            "manifest_sha256": r.manifest_sha256, "key_fingerprint": r.key_fingerprint, "contents": r.contents}


def production_record(conn: Connection, production_id: str) -> ProductionRecord:
    """The production log entry (who sent what to whom, under which authority)."""
    return _found(store.find_production(conn, production_id), f"production {production_id}")


def production_package(conn: Connection, production_id: str) -> Path:
    """The package file of a production, while it is still on disk."""
    rec = store.find_production(conn, production_id)
    if rec is None or not rec.package_path or not Path(rec.package_path).is_file():
        raise NotFound(f"package of production {production_id} not found")
    return Path(rec.package_path)


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
    store.insert_request(conn, RequestRecord(
        id=request_id, type=rtype.value, status=RequestStatus.RECEIVED.value, agency=agency.strip(),
        authority=authority.strip(), received_at=received, due_at=due,
        targets=tuple(TargetRecord(t.kind, t.value, t.platform, len(resolution.matches.get(str(t), ())))
                      for t in scope.targets),
        date_start=scope.date_range.start if scope.date_range else None,
        date_end=scope.date_range.end if scope.date_range else None, officer=officer,
        contact_email=contact_email, contact_phone=contact_phone, case_number=case_number,
        nondisclosure=nondisclosure is not None, nondisclosure_until=nondisclosure.until if nondisclosure else None,
        notes=notes, flags=tuple(flags), hold_id=None, renewals=0, created_by=actor.name, created_at=now,
        updated_at=now))
    append_event(conn, name="legal-request-received", actor=actor.name, subject_type="legal_request",
                 subject_id=request_id, payload={
                     "type": rtype.value, "agency": agency, "authority": authority, "case_number": case_number,
                     "targets": [str(t) for t in scope.targets], "matched_posts": len(resolution.post_ids),
                     "flags": flags, "due_at": due.isoformat(),
                     "nondisclosure_until": _nd_text(nondisclosure)})
    if rtype is RequestType.PRESERVATION:
        hold_id = place_hold(conn, targets=list(scope.targets), reason=f"§2703(f) preservation request {request_id} "
                             f"from {agency.strip()}", expires_at=due, source=f"legal:{request_id}", actor=actor)
        store.set_hold(conn, request_id, hold_id)
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
    _set_status(conn, req, target, actor=actor, note=note)
    return get_request(conn, request_id)


def _set_status(conn: Connection, req: LegalRequest, target: RequestStatus, *, actor: Actor, note: str | None) -> None:
    store.set_status(conn, req.id, target.value, at=datetime.now(UTC))
    append_event(conn, name="legal-request-transitioned", actor=actor.name, subject_type="legal_request",
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
    store.insert_verification(conn, VerificationRecord(
        request_id=request_id, check_name=chk.value, verified_by=actor.name, verified_at=now, detail=text,
        passed=passed))
    append_event(conn, name="legal-emergency-verified", actor=actor.name, subject_type="legal_request",
                 subject_id=request_id, payload={"check": chk.value, "passed": passed, "detail": text})
    if req.status is RequestStatus.RECEIVED:
        _set_status(conn, req, RequestStatus.VERIFYING, actor=actor, note="emergency verification started")
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
    store.insert_document(conn, DocumentInfo(id=doc_id, filename=name, sha256=digest, size=len(content),
                                             added_by=actor.name, added_at=datetime.now(UTC)),
                          request_id=request_id, content=content, content_type=content_type)
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
    store.set_renewal(conn, request_id, due_at=new_due, renewals=req.renewals + 1, at=datetime.now(UTC))
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
        store.insert_production(conn, ProductionRecord(
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
        _set_status(conn, req, RequestStatus.PRODUCED, actor=actor, note=f"production {production_id}")
    except BaseException:
        out.unlink(missing_ok=True)  # never leave a package whose production was not logged
        raise
    after_rollback(conn, lambda: out.unlink(missing_ok=True))  # nor one whose transaction did not commit
    return Production(production_id, request_id, info, package_sha, to)


# ------------------------------------------------------------------------------------ notices


def notice_blocked_by(
    conn: Connection, *, post_id: str | None = None, account_id: str | None = None, today: date | None = None
) -> list[str]:
    """Ids of requests whose running non-disclosure order covers this post or account: while any is
    returned, nothing may tell the user (no takedown notice naming the request, no account message).
    Enforcement modules call this before notifying."""
    day = today or datetime.now(UTC).date()
    out: list[str] = []
    for request_id in store.nondisclosure_request_ids(conn, day):
        req = get_request(conn, request_id)
        res = resolve_targets(conn, req.scope.targets)
        accounts_reached = set(res.account_ids) | account_ids_of_posts(conn, res.post_ids)
        if (post_id and post_id in res.post_ids) or (account_id and account_id in accounts_reached):
            out.append(req.id)
    return out
