"""Comments between reviewers on a case: a note for the next reviewer is a state change, so it is audited."""

from __future__ import annotations

from datetime import UTC, datetime

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError
from adwarden.storage.sql.console_store import insert_comment
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import get_case

MAX_COMMENT_CHARS = 5000


def add_comment(db: Database, case_id: str, body: str, *, actor: Actor) -> None:
    """Store a comment on ``case_id`` (the caller has checked the viewer may see the case)."""
    text = body.strip()
    if not text:
        raise InputError("a comment cannot be empty", record=f"case {case_id}", field="body")
    if len(text) > MAX_COMMENT_CHARS:
        raise InputError(f"comments are at most {MAX_COMMENT_CHARS} characters", record=f"case {case_id}",
                         field="body")
    with db.transaction() as conn:
        get_case(conn, case_id)
        insert_comment(conn, case_id=case_id, author=actor.name, body=text, now=datetime.now(UTC))
        append_event(conn, name="case-comment-added", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"chars": len(text)})
