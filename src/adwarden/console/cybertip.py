"""CyberTip drafting in the console: the reporting service's case report, with the reviewer's edits applied.

The console never builds XML or decides what NCMEC needs: it takes :func:`build_case_report_conn`'s
:class:`ReportCase`, applies the fields a reviewer edits (incident type, escalation, URLs, a victim, text-only),
and asks :func:`missing_requirements` and :func:`lint_case` what is missing, exactly as ``do_submit_report``
will. Missing requirements block submission (the service refuses them too); lint warnings are advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from adwarden.config import Settings
from adwarden.domain import InputError
from adwarden.reporting.casebuild import build_case_report_conn
from adwarden.reporting.ncmec.lint import lint_case, missing_requirements
from adwarden.reporting.ncmec.model import IncidentType, ReportCase, Victim
from adwarden.reporting.service import active_xsd, list_reports
from adwarden.storage.sql.database import Connection

MAX_URLS = 50


@dataclass(frozen=True)
class Findings:
    missing: list[str]
    warnings: list[tuple[str, str]]

    @property
    def blocked(self) -> bool:
        return bool(self.missing)


def _text(form: Mapping[str, str], name: str, limit: int = 10_000) -> str | None:
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise InputError(f"at most {limit} characters", record="CyberTip draft", field=name)
    return value or None


def edited_report(conn: Connection, case_id: str, form: Mapping[str, str], *, settings: Settings) -> ReportCase:
    """The case's report with the form's edits. Unknown incident types and bad ages are named errors."""
    raw_type = form.get("incident_type") or IncidentType.CHILD_SEX_TRAFFICKING.value
    try:
        incident = IncidentType(raw_type)
    except ValueError:
        raise InputError(f"unknown incident type {raw_type!r}", record="CyberTip draft",
                         field="incident_type") from None
    escalate = form.get("escalate") == "1"
    reason = _text(form, "escalation_reason")
    case = build_case_report_conn(conn, case_id, settings=settings, incident_type=incident,
                                  escalation_reason=reason if escalate else None)
    changes: dict[str, object] = {"escalate": escalate, "escalation_reason": reason if escalate else None}
    urls = form.get("web_page_urls")
    if urls is not None:
        listed = tuple(u.strip() for u in urls.splitlines() if u.strip())
        if len(listed) > MAX_URLS:
            raise InputError(f"at most {MAX_URLS} URLs", record="CyberTip draft", field="web_page_urls")
        changes["web_page_urls"] = listed
    info = _text(form, "additional_info")
    if info is not None:
        changes["additional_info"] = info
    victim_name, victim_age = _text(form, "victim_first_name", 200), _text(form, "victim_age", 3)
    if victim_name or victim_age:
        try:
            age = int(victim_age) if victim_age else None
        except ValueError:
            raise InputError(f"{victim_age!r} is not a whole number", record="CyberTip draft",
                             field="victim_age") from None
        changes["victims"] = (Victim(first_name=victim_name, age=age),)
    if form.get("text_only") == "1":
        changes["media"] = ()
    return replace(case, **changes)  # type: ignore[arg-type]


def findings(conn: Connection, report: ReportCase, *, settings: Settings) -> Findings:
    prior = {r.fingerprint for r in list_reports(conn, statuses=["finished"], limit=100_000)}
    missing = missing_requirements(report, xsd=active_xsd(settings))
    warnings = [(w.code, w.message) for w in lint_case(report, prior_fingerprints=prior)]
    return Findings(missing=missing, warnings=warnings)
