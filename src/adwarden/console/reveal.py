"""Revealing one blurred media item: audited, counted against the reviewer's shift, checked like the case.

Why audited: exposure to abuse imagery is a wellness and a legal matter; the audit log shows who looked at
which item and when, and the per-shift count lets a team lead rotate people off heavy queues.
"""

from __future__ import annotations

from dataclasses import dataclass

from adwarden.audit.log import append_event
from adwarden.console.caseview import safe_media_url
from adwarden.console.sessions import Session, count_exposure
from adwarden.domain import NotFound
from adwarden.storage.sql.case_page_store import media_url
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import get_case

#: In restricted queues an item re-blurs after at most this many seconds, whatever the preference.
RESTRICTED_MAX_REVEAL_SECONDS = 10


@dataclass(frozen=True)
class Reveal:
    exposures: int
    reblur_seconds: int


def reveal_media(db: Database, session: Session, *, case_id: str, version: int, position: int,
                 may_see_restricted: bool, restricted_queues: frozenset[str]) -> Reveal:
    """Record that the session's user revealed item ``position`` of the case's post version."""
    reblur = int(session.user.preferences.get("reblur_seconds", 10))
    with db.transaction() as conn:
        case = get_case(conn, case_id)
        restricted = case.queue in restricted_queues
        if restricted and not may_see_restricted:
            raise NotFound(f"case {case_id} not found")
        if safe_media_url(media_url(conn, case.post_id, version, position)) is None:  # NotFound when absent
            raise NotFound(f"media item {position} of post {case.post_id} version {version} not found")
        exposures = count_exposure(conn, session.id_hash)
        append_event(conn, name="media-revealed", actor=session.user.name, subject_type="post",
                     subject_id=case.post_id, payload={"case_id": case_id, "version": version,
                                                       "position": position, "queue": case.queue})
    if restricted:
        reblur = min(reblur, RESTRICTED_MAX_REVEAL_SECONDS)
    return Reveal(exposures=exposures, reblur_seconds=reblur)
