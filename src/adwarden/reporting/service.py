"""Reporting service: draft, approve, submit, retract and resume CyberTipline reports; build IC3 packages.

Every write is one service function: permission-checked, with its audit event in the same transaction.
Network calls to NCMEC never run inside a database transaction (no lock is held while NCMEC thinks);
instead the submission state is written in its own short transaction before and after every call, and every
HTTP exchange is stored, so a crash or an outage leaves a stored draft and a resumable state.

Filing (``/finish`` succeeded) places a one-year preservation hold on everything the report contains —
the case's post and its linked posts, their accounts and identifiers — as the REPORT Act requires.

Example::

    report = do_draft_report(db, case_id, actor=actor, settings=settings)
    with client_from_settings(settings) as client:
        report = do_submit_report(db, client, report.id, actor=actor, settings=settings)
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, TypedDict, Unpack

from adwarden.audit.log import append_event
from adwarden.config import Settings
from adwarden.domain import (
    Actor,
    ConfigError,
    Conflict,
    ExternalServiceError,
    InputError,
    NotFound,
    PermissionDenied,
)
from adwarden.legal.holds import place_hold
from adwarden.permissions import ensure_permission
from adwarden.reporting.casebuild import build_case_report_conn
from adwarden.reporting.ic3 import EvidenceFile, build_ic3_package, complaint_from_case
from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.client import Exchange, NCMECClient, RetryPolicy
from adwarden.reporting.ncmec.codec import case_from_json, case_to_json
from adwarden.reporting.ncmec.environment import NCMECEnvironment, resolve_base_url
from adwarden.reporting.ncmec.flow import OPEN_STEPS, RecoveryPolicy, Step, SubmissionState
from adwarden.reporting.ncmec.lint import lint_case, missing_requirements, report_fingerprint
from adwarden.reporting.ncmec.model import IncidentType, ReportCase
from adwarden.reporting.ncmec.submission import (
    ReadMedia,
    read_media_path,
    recover_submission,
    retract_submission,
    run_submission,
)
from adwarden.reporting.ncmec.validate import BUNDLED_XSD
from adwarden.storage.ids import new_id
from adwarden.storage.sql import reports_store as store
from adwarden.storage.sql.database import Connection, Database
from adwarden.storage.sql.identifiers_store import identifier_values
from adwarden.storage.sql.queries import get_case, get_post
from adwarden.storage.sql.records import record_values
from adwarden.storage.sql.reports_store import ExchangeRecord, ReportRecord

log = logging.getLogger(__name__)


#: How long a filed CyberTip's contents are preserved (18 U.S.C. §2258A(h) as amended by the REPORT Act).
CYBERTIP_PRESERVATION = timedelta(days=365)


@dataclass(frozen=True)
class StoredReport(ReportRecord):
    """A CyberTipline report as stored with its case: the stored record, its submission state decoded."""

    @classmethod
    def of(cls, rec: ReportRecord) -> StoredReport:
        return cls(**record_values(rec))

    @cached_property
    def state(self) -> SubmissionState:
        return SubmissionState.from_json(self.state_json)

    @property
    def case(self) -> ReportCase:
        return case_from_json(self.case_json)

    def to_json(self, *, with_xml: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "case_id": self.case_id,
            "status": self.status,
            "environment": self.environment,
            "incident_type": self.incident_type,
            "escalated": self.escalated,
            "fingerprint": self.fingerprint,
            "missing": self.warnings.get("missing", []),
            "warnings": self.warnings.get("lint", []),
            "ncmec_report_id": self.ncmec_report_id,
            "hold_id": self.hold_id,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "approved_by": self.approved_by,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "retracted_at": self.retracted_at.isoformat() if self.retracted_at else None,
            "last_error": self.last_error,
            "state": json.loads(self.state.to_json()),
        }
        if with_xml:
            out["report_xml"] = self.report_xml.decode("utf-8")
        return out


# -- settings -> client ---------------------------------------------------------------------------


def active_xsd(settings: Settings) -> Path:
    """The XSD fetched by ``reports refresh-xsd`` when there is one, else the packaged copy."""
    refreshed = settings.data_dir / "ncmec" / "cyber_tipline.xsd"
    return refreshed if refreshed.is_file() else BUNDLED_XSD


def client_from_settings(
    settings: Settings, *, timeout: float | None = None, attempts: int | None = None
) -> NCMECClient:
    """An ISPWS client for the configured environment; refuses to start without credentials."""
    env = NCMECEnvironment.parse(settings.ncmec_environment)
    if not settings.ncmec_username or not settings.ncmec_password:
        raise ConfigError("ADWARDEN_NCMEC_USERNAME and ADWARDEN_NCMEC_PASSWORD must be set to talk to NCMEC")
    return NCMECClient(
        resolve_base_url(env, settings.ncmec_url),
        settings.ncmec_username,
        settings.ncmec_password,
        timeout=timeout if timeout is not None else settings.ncmec_timeout,
        retry=RetryPolicy(attempts=max(1, attempts if attempts is not None else settings.ncmec_retry_attempts)),
    )


# -- reads ----------------------------------------------------------------------------------------


def get_report(conn: Connection, report_id: str) -> StoredReport:
    rec = store.find_report(conn, report_id)
    if rec is None:
        raise NotFound(f"report {report_id} not found")
    return StoredReport.of(rec)


def list_reports(conn: Connection, *, case_id: str | None = None, statuses: Sequence[str] | None = None,
                 limit: int = 200) -> list[StoredReport]:
    """Reports, newest first."""
    return [StoredReport.of(r) for r in store.list_reports(conn, case_id=case_id, statuses=statuses, limit=limit)]


def list_exchanges(conn: Connection, report_id: str) -> list[dict[str, Any]]:
    return [
        {"endpoint": r.endpoint, "attempt": r.attempt, "http_status": r.http_status, "body": r.body,
         "error": r.error, "created_at": r.created_at.isoformat()}
        for r in store.list_exchanges(conn, report_id)
    ]


def latest_draft_id(conn: Connection, case_id: str) -> str:
    """The newest report of ``case_id`` that is not finished or retracted."""
    for report in list_reports(conn, case_id=case_id):
        if report.status not in (Step.FINISHED.value, Step.RETRACTED.value):
            return report.id
    raise NotFound(f"case {case_id} has no draft report; run `adwarden reports draft {case_id}` first")


class CaseReportOptions(TypedDict, total=False):
    """What :func:`build_case_report` passes on to :func:`build_case_report_conn` (one list of options)."""

    incident_type: IncidentType
    escalation_reason: str | None
    media_dir: Path | None


def build_case_report(db: Database, case_id: str, *, settings: Settings,
                      **options: Unpack[CaseReportOptions]) -> ReportCase:
    """The :class:`ReportCase` for a stored case (see :mod:`adwarden.reporting.casebuild`)."""
    with db.read() as conn:
        return build_case_report_conn(conn, case_id, settings=settings, **options)


# -- writes ---------------------------------------------------------------------------------------


def _filed_fingerprints(conn: Connection, *, exclude: str | None = None) -> set[str]:
    return store.fingerprints_in_status(conn, Step.FINISHED.value, exclude=exclude)


def do_draft_report(
    db: Database,
    case_id: str,
    *,
    actor: Actor,
    settings: Settings,
    incident_type: IncidentType = IncidentType.CHILD_SEX_TRAFFICKING,
    escalation_reason: str | None = None,
    media_dir: Path | None = None,
    case: ReportCase | None = None,
) -> StoredReport:
    """Build and store a draft for ``case_id``. Incomplete drafts are stored too (with what is missing), so
    a reviewer can fix them; :func:`do_submit_report` refuses them. ``case`` overrides the built report
    (a reviewer's edited version)."""
    ensure_permission(actor, "report:draft")
    now = datetime.now(UTC)
    with db.transaction() as conn:
        get_case(conn, case_id)  # NotFound before anything else
        if case is None:
            case = build_case_report_conn(
                conn, case_id, settings=settings, incident_type=incident_type,
                escalation_reason=escalation_reason, media_dir=media_dir,
            )
        xml = build_report_xml(case)
        fingerprint = report_fingerprint(xml)
        missing = missing_requirements(case, xsd=active_xsd(settings))
        lint = [{"code": w.code, "message": w.message}
                for w in lint_case(case, prior_fingerprints=_filed_fingerprints(conn))]
        report_id = new_id("r")
        store.insert_report(
            conn, report_id=report_id, case_id=case_id, status=Step.DRAFT.value,
            environment=NCMECEnvironment.parse(settings.ncmec_environment).value,
            incident_type=case.incident_type.value, escalated=case.escalate, report_xml=xml,
            case_json=case_to_json(case), fingerprint=fingerprint, warnings={"missing": missing, "lint": lint},
            state_json=SubmissionState().to_json(), created_by=actor.name, created_at=now,
        )
        append_event(conn, name="report-drafted", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"report_id": report_id, "fingerprint": fingerprint,
                              "incident_type": case.incident_type.value, "escalated": case.escalate,
                              "media": len(case.media), "missing": len(missing),
                              "warnings": [w["code"] for w in lint]})
        return get_report(conn, report_id)


def do_approve_report(db: Database, report_id: str, *, actor: Actor) -> StoredReport:
    """Second-reviewer approval: someone with ``report:submit`` other than the drafter."""
    ensure_permission(actor, "report:submit")
    with db.transaction() as conn:
        report = get_report(conn, report_id)
        if report.status != Step.DRAFT.value:
            raise Conflict(f"report {report_id} is {report.status}; only drafts are approved")
        if report.created_by == actor.name:
            raise PermissionDenied(f"{actor.name} drafted report {report_id}; a second person must approve it")
        now = datetime.now(UTC)
        store.set_approved(conn, report_id, by=actor.name, at=now)
        append_event(conn, name="report-approved", actor=actor.name, subject_type="case",
                     subject_id=report.case_id, payload={"report_id": report_id})
        return get_report(conn, report_id)


class _Recorder:
    """Stores submission state and exchanges of one report, each in its own short transaction."""

    def __init__(self, db: Database, report_id: str) -> None:
        self.db = db
        self.report_id = report_id

    def persist(self, state: SubmissionState) -> None:
        with self.db.transaction() as conn:
            store.save_state(conn, self.report_id, status=state.step.value, state_json=state.to_json(),
                             ncmec_report_id=state.report_id, at=datetime.now(UTC))

    def exchange(self, ex: Exchange) -> None:
        with self.db.transaction() as conn:
            store.insert_exchange(conn, self.report_id, ExchangeRecord(
                endpoint=ex.endpoint, attempt=ex.attempt, http_status=ex.http_status,
                body=ex.body.decode("utf-8", "replace"), error=ex.error, created_at=datetime.now(UTC)))


def _hold_targets(conn: Connection, case: ReportCase, case_id: str) -> list[str]:
    """Everything the report contains: the case's post, the linked posts, accounts and their identifiers."""
    post_id = get_case(conn, case_id).post_id
    post = get_post(conn, post_id)
    targets = [f"post:{post_id}"]
    if post.account_id:
        targets.append(f"account:{post.account_id}")
    for who in case.reported_people:
        if who.esp_identifier:
            targets.append(f"account:{who.esp_identifier}")
        targets += [f"email:{e.address}" for e in who.emails]
    # Phones as stored (E.164): the report shows national numbers, the hold needs the stored value.
    targets += [f"phone:{p}" for p in identifier_values(conn, post_id, "phone")]
    return list(dict.fromkeys(targets))


def _finish_filing(db: Database, report: StoredReport, state: SubmissionState, *, actor: Actor) -> StoredReport:
    now = datetime.now(UTC)
    with db.transaction() as conn:
        case = case_from_json(report.case_json)
        hold_id = place_hold(
            conn,
            targets=_hold_targets(conn, case, report.case_id),
            reason=f"CyberTipline report {state.report_id} filed for case {report.case_id} (REPORT Act: 1 year)",
            expires_at=now + CYBERTIP_PRESERVATION,
            source=f"cybertip:{state.report_id}",
            actor=actor.name,  # report:submit was checked; NCMEC has the report, so the hold must not be refused
        )
        store.set_filed(conn, report.id, status=Step.FINISHED.value, state_json=state.to_json(),
                        ncmec_report_id=state.report_id, hold_id=hold_id, at=now)
        append_event(conn, name="report-filed", actor=actor.name, subject_type="case", subject_id=report.case_id,
                     payload={"report_id": report.id, "ncmec_report_id": state.report_id,
                              "environment": report.environment, "files": list(state.finished_file_ids),
                              "hold_id": hold_id, "fingerprint": report.fingerprint})
        return get_report(conn, report.id)


def _record_failure(db: Database, report: StoredReport, exc: Exception, *, actor: Actor) -> None:
    code = getattr(exc, "code", None)
    with db.transaction() as conn:
        store.set_last_error(conn, report.id, str(exc), at=datetime.now(UTC))
        append_event(conn, name="report-submission-failed", actor=actor.name, subject_type="case",
                     subject_id=report.case_id,
                     payload={"report_id": report.id, "code": code, "description": getattr(exc, "description", None),
                              "message": str(exc)})


def _drive(
    db: Database,
    client: NCMECClient,
    report: StoredReport,
    *,
    actor: Actor,
    policy: RecoveryPolicy | None,
    read_media: ReadMedia,
) -> StoredReport:
    recorder = _Recorder(db, report.id)
    previous_hook = client.on_exchange
    client.on_exchange = recorder.exchange
    case = case_from_json(report.case_json)
    try:
        if policy is None:
            state = run_submission(client, report_xml=report.report_xml, media=case.media, state=report.state,
                                   persist=recorder.persist, read_media=read_media)
        else:
            state = recover_submission(client, report_xml=report.report_xml, media=case.media, state=report.state,
                                       persist=recorder.persist, policy=policy, read_media=read_media)
    except (ExternalServiceError, InputError) as exc:
        _record_failure(db, report, exc, actor=actor)
        raise
    finally:
        client.on_exchange = previous_hook
    if state.step is Step.FINISHED:
        return _finish_filing(db, report, state, actor=actor)
    if state.step is Step.RETRACTED:
        return _mark_retracted(db, report, state, actor=actor)
    with db.read() as conn:
        return get_report(conn, report.id)


def do_submit_report(
    db: Database,
    client: NCMECClient,
    report_id: str,
    *,
    actor: Actor,
    settings: Settings,
    read_media: ReadMedia = read_media_path,
) -> StoredReport:
    """Submit a stored draft (or continue an interrupted submission) and file it.

    Before any network call: permission, second approval when required, and the full list of what NCMEC
    requires. Raises :class:`ExternalServiceError` with NCMEC's code and description on failure (the draft
    and the recorded state are kept); :class:`Conflict` when the report is already finished or retracted.
    """
    ensure_permission(actor, "report:submit")
    env = NCMECEnvironment.parse(settings.ncmec_environment).value
    with db.transaction() as conn:
        report = get_report(conn, report_id)
        if report.status == Step.FINISHED.value:
            raise Conflict(f"report {report_id} is already filed as CyberTip {report.ncmec_report_id}; it is never sent twice")
        if report.status == Step.RETRACTED.value:
            raise Conflict(f"report {report_id} was retracted; draft a new report for case {report.case_id}")
        if settings.report_requires_second_approval and report.approved_by is None:
            raise PermissionDenied(f"report {report_id} needs a second reviewer's approval before submission")
        missing = missing_requirements(report.case, xsd=active_xsd(settings))
        if missing:
            raise InputError("cannot submit; missing: " + "; ".join(missing), record=f"report {report_id}")
        if report.state.step is not Step.DRAFT and report.environment != env:
            raise Conflict(f"report {report_id} was opened in the {report.environment} environment, not {env}")
        now = datetime.now(UTC)
        store.set_submitter(conn, report_id, environment=env, by=actor.name, since=report.submitted_at or now, at=now)
        append_event(conn, name="report-submission-started", actor=actor.name, subject_type="case",
                     subject_id=report.case_id,
                     payload={"report_id": report_id, "environment": env, "from_step": report.state.step.value,
                              "approved_by": report.approved_by})
        report = get_report(conn, report_id)
    return _drive(db, client, report, actor=actor, policy=None, read_media=read_media)


def _mark_retracted(db: Database, report: StoredReport, state: SubmissionState, *, actor: Actor) -> StoredReport:
    now = datetime.now(UTC)
    with db.transaction() as conn:
        store.set_retracted(conn, report.id, status=Step.RETRACTED.value, state_json=state.to_json(), at=now)
        append_event(conn, name="report-retracted", actor=actor.name, subject_type="case", subject_id=report.case_id,
                     payload={"report_id": report.id, "ncmec_report_id": state.report_id})
        return get_report(conn, report.id)


def do_retract_report(db: Database, client: NCMECClient, report_id: str, *, actor: Actor) -> StoredReport:
    """Retract an opened, unfinished report at NCMEC (a filed CyberTip cannot be retracted)."""
    ensure_permission(actor, "report:submit")
    with db.read() as conn:
        report = get_report(conn, report_id)
    if report.state.step not in OPEN_STEPS or report.state.report_id is None:
        raise Conflict(f"report {report_id} is {report.status}; only reports opened at NCMEC can be retracted")
    recorder = _Recorder(db, report.id)
    previous_hook = client.on_exchange
    client.on_exchange = recorder.exchange
    try:
        state = retract_submission(client, state=report.state, persist=recorder.persist)
    except ExternalServiceError as exc:
        _record_failure(db, report, exc, actor=actor)
        raise
    finally:
        client.on_exchange = previous_hook
    return _mark_retracted(db, report, state, actor=actor)


def do_resume_reports(
    db: Database,
    client: NCMECClient,
    *,
    actor: Actor,
    policy: RecoveryPolicy = "resume",
    read_media: ReadMedia = read_media_path,
) -> list[StoredReport]:
    """After a crash: resume (or retract) every submission that was opened or in flight but not finished."""
    ensure_permission(actor, "report:submit")
    with db.read() as conn:
        candidates = [r for r in list_reports(conn, limit=10_000)
                      if r.state.is_open or (r.state.step is Step.DRAFT and r.state.in_flight == "submit")]
    out = []
    for report in candidates:
        out.append(_drive(db, client, report, actor=actor, policy=policy, read_media=read_media))
    return out


def do_build_ic3_package(
    db: Database, case_id: str, *, actor: Actor, settings: Settings, media_dir: Path | None = None
) -> bytes:
    """The IC3 complaint ZIP for a case: form fields pre-filled, ad text and filed report XML as evidence."""
    ensure_permission(actor, "report:draft")
    with db.transaction() as conn:
        case = build_case_report_conn(conn, case_id, settings=settings, media_dir=media_dir)
        filed = [r for r in list_reports(conn, case_id=case_id) if r.status == Step.FINISHED.value]
        post = get_post(conn, get_case(conn, case_id).post_id)
        evidence = [
            EvidenceFile(f"post-{post.external_id}-v{v.version}.txt", v.content.text.encode("utf-8"),
                         f"Ad text, version {v.version}, {v.content.url or 'no URL'}")
            for v in post.versions
        ]
        evidence += [EvidenceFile(f"cybertip-{r.ncmec_report_id}.xml", r.report_xml,
                                  f"CyberTipline report {r.ncmec_report_id} as filed") for r in filed]
        for media in case.media:
            evidence.append(EvidenceFile(media.file_name, Path(media.source).read_bytes(), media.location_of_file or ""))
        complaint = complaint_from_case(
            case, cybertip_report_ids=[r.ncmec_report_id for r in filed if r.ncmec_report_id is not None],
        )
        package = build_ic3_package(complaint, evidence)
        append_event(conn, name="ic3-package-built", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"sha256": hashlib.sha256(package).hexdigest(), "evidence_files": len(evidence),
                              "cybertips": [r.ncmec_report_id for r in filed]})
    return package


def refresh_xsd(client: NCMECClient, settings: Settings) -> Path:
    """Fetch the live XSD, check it is a usable schema, and make it the one validation uses."""
    import xmlschema

    data = client.fetch_xsd()
    target = settings.data_dir / "ncmec" / "cyber_tipline.xsd"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".xsd.tmp")
    tmp.write_bytes(data)
    try:
        schema = xmlschema.XMLSchema(str(tmp))
    except xmlschema.XMLSchemaException as exc:
        tmp.unlink()
        raise ExternalServiceError(f"NCMEC /xsd returned an unusable schema: {exc}") from exc
    if "report" not in schema.elements or "fileDetails" not in schema.elements:
        tmp.unlink()
        raise ExternalServiceError("NCMEC /xsd schema has no <report>/<fileDetails> element")
    tmp.replace(target)
    return target
