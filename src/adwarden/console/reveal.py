"""Revealing one blurred media item: audited, counted against the reviewer's shift, checked like the case.

Why audited: exposure to abuse imagery is a wellness and a legal matter; the audit log shows who looked at
which item and when, and the per-shift count lets a team lead rotate people off heavy queues.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from adwarden.audit.log import append_event
from adwarden.console.caseview import safe_media_url
from adwarden.console.sessions import Session, count_exposure
from adwarden.domain import NotFound
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import get_case
from adwarden.storage.sql.tables import media
from adwarden.storage.sql.tables_console import console_sessions

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
        row = conn.execute(select(media.c.url).where(media.c.post_id == case.post_id, media.c.version == version,
                                                     media.c.position == position)).first()
        if row is None or safe_media_url(row.url) is None:
            raise NotFound(f"media item {position} of post {case.post_id} version {version} not found")
        count_exposure(conn, session.id_hash)
        append_event(conn, name="media-revealed", actor=session.user.name, subject_type="post",
                     subject_id=case.post_id, payload={"case_id": case_id, "version": version,
                                                       "position": position, "queue": case.queue})
        exposures = conn.execute(select(console_sessions.c.exposures)
                                 .where(console_sessions.c.id_hash == session.id_hash)).scalar_one()
    if restricted:
        reblur = min(reblur, RESTRICTED_MAX_REVEAL_SECONDS)
    return Reveal(exposures=int(exposures), reblur_seconds=reblur)
