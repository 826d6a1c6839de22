"""Preservation holds: freeze everything a set of targets reaches, until expiry or explicit release.

A hold resolves its targets once, when it is placed, and records the id of every item it freezes in
``hold_items``: the matching posts and all their versions, their accounts, identifiers, media, assessments,
cases and decisions. Retention asks :func:`held_ids` before deleting anything. Holds end only by law
(``expires_at`` passes) or by :func:`release_hold`, which is permission-checked and audited.

Callers: a §2703(f) request (:mod:`adwarden.legal.service`), a filed CyberTipline report (1-year hold, from
:mod:`adwarden.reporting`), or a liaison placing one by hand (``adwarden legal hold``)::

    hold_id = place_hold(conn, targets=["phone:+12065550147"], reason="CyberTip 123",
                         expires_at=filed_at + timedelta(days=365), source="cybertip:123", actor=actor)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.domain.holds import ITEM_TYPES, Hold
from adwarden.legal.model import DateRange, Target, parse_target
from adwarden.permissions import ensure_permission
from adwarden.storage.ids import new_id
from adwarden.storage.sql import holds_store
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.holds_store import collect_items

__all__ = [
    "ITEM_TYPES",
    "Hold",
    "Resolution",
    "collect_items",
    "extend_hold",
    "get_hold",
    "held_ids",
    "is_held",
    "list_holds",
    "place_hold",
    "release_hold",
    "resolve_targets",
]
#: ``Hold`` and ``ITEM_TYPES`` live in :mod:`adwarden.domain.holds` (storage returns holds) and
#: ``collect_items`` in the holds store; they are re-exported here, where callers have always found them.


@dataclass(frozen=True)
class Resolution:
    """Which posts and accounts each target reached. ``matches[str(target)]`` is the set of post ids."""

    matches: Mapping[str, frozenset[str]]
    account_ids: frozenset[str]

    @property
    def post_ids(self) -> frozenset[str]:
        out: set[str] = set()
        for ids in self.matches.values():
            out |= ids
        return frozenset(out)

    @property
    def unmatched(self) -> list[str]:
        return [t for t, ids in self.matches.items() if not ids]


def _as_targets(targets: Iterable[Target | str]) -> list[Target]:
    out: list[Target] = []
    for t in targets:
        parsed = parse_target(t, record="hold") if isinstance(t, str) else t
        if isinstance(parsed, DateRange):
            continue  # holds preserve everything a target reaches: over-preserving is safe, under-preserving is not
        if parsed not in out:
            out.append(parsed)
    return out


def resolve_targets(conn: Connection, targets: Iterable[Target | str]) -> Resolution:
    """Find the posts each target reaches.

    ``post:`` matches the post id or the platform's external id (on any site); ``account:`` the account id
    (``site:id``) or the platform's account id, and reaches that account's posts; ``phone``/``email``/``handle``
    match extracted or account identifiers, and the account fields the platform sent.
    """
    matches: dict[str, frozenset[str]] = {}
    account_ids: set[str] = set()
    for t in _as_targets(targets):
        reach = holds_store.reach_of_target(conn, t.kind, t.value, t.platform)
        matches[str(t)] = reach.post_ids
        account_ids |= reach.account_ids
    return Resolution(matches, frozenset(account_ids))


def place_hold(
    conn: Connection,
    *,
    targets: Sequence[Target | str],
    reason: str,
    expires_at: datetime | None,
    source: str,
    actor: Actor | str,
) -> str:
    """Freeze what ``targets`` reach now; return the hold id. ``expires_at=None`` holds until released.

    ``actor`` is an :class:`Actor` (checked for ``hold:manage``) or, for trusted internal callers that have
    already checked their own permission, the name to record. Targets that match nothing are kept on the hold
    (the caller flags them); they are not an error.
    """
    name = actor.name if isinstance(actor, Actor) else actor
    if isinstance(actor, Actor):
        ensure_permission(actor, "hold:manage")
    if not reason.strip():
        raise InputError("a hold needs a reason", record="hold", field="reason")
    if not source.strip():
        raise InputError("a hold needs a source (e.g. legal:REQUEST_ID, cybertip:REPORT_ID)", record="hold", field="source")
    now = datetime.now(UTC)
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InputError("must be timezone-aware", record="hold", field="expires_at")
        if expires_at <= now:
            raise InputError(f"expiry {expires_at.isoformat()} is in the past", record="hold", field="expires_at")
    parsed = _as_targets(targets)
    if not parsed:
        raise InputError("a hold needs at least one target", record="hold", field="targets")
    resolution = resolve_targets(conn, parsed)
    items = collect_items(conn, resolution.post_ids, resolution.account_ids)
    hold = Hold(id=new_id("h"), source=source, reason=reason, targets=tuple(str(t) for t in parsed),
                created_by=name, created_at=now, expires_at=expires_at)
    holds_store.insert_hold(conn, hold, items)
    counts = {kind: len(items[kind]) for kind in ITEM_TYPES}
    append_event(conn, name="hold-placed", actor=name, subject_type="hold", subject_id=hold.id, payload={
        "source": source, "reason": reason, "targets": list(hold.targets),
        "expires_at": expires_at.isoformat() if expires_at else None, "items": counts,
        "unmatched": resolution.unmatched})
    return hold.id


def release_hold(conn: Connection, *, hold_id: str, reason: str, actor: Actor) -> Hold:
    """End a hold before its expiry. Needs ``hold:manage`` and a reason; audited."""
    ensure_permission(actor, "hold:manage")
    if not reason.strip():
        raise InputError("releasing a hold needs a reason", record=hold_id, field="reason")
    hold = get_hold(conn, hold_id)
    now = datetime.now(UTC)
    if hold.released_at is not None:
        raise Conflict(f"hold {hold_id} was already released at {hold.released_at.isoformat()}")
    if not hold.active(now):
        raise Conflict(f"hold {hold_id} already expired at {hold.expires_at.isoformat() if hold.expires_at else '?'}")
    holds_store.mark_released(conn, hold_id, released_at=now, released_by=actor.name, reason=reason)
    append_event(conn, name="hold-released", actor=actor.name, subject_type="hold", subject_id=hold_id,
                 payload={"reason": reason, "source": hold.source})
    return get_hold(conn, hold_id)


def extend_hold(conn: Connection, *, hold_id: str, expires_at: datetime, reason: str, actor: Actor) -> Hold:
    """Move an active hold's expiry later (never earlier: shortening is a release, with its own reason)."""
    ensure_permission(actor, "hold:manage")
    hold = get_hold(conn, hold_id)
    if not hold.active(datetime.now(UTC)):
        raise Conflict(f"hold {hold_id} is no longer active; place a new hold instead")
    if hold.expires_at is None or expires_at <= hold.expires_at:
        raise Conflict(f"hold {hold_id}: new expiry must be later than the current one")
    holds_store.set_expiry(conn, hold_id, expires_at)
    append_event(conn, name="hold-extended", actor=actor.name, subject_type="hold", subject_id=hold_id,
                 payload={"from": hold.expires_at.isoformat(), "to": expires_at.isoformat(), "reason": reason})
    return get_hold(conn, hold_id)


def is_held(conn: Connection, kind: str, item_id: str, *, now: datetime | None = None) -> bool:
    """True while any active hold freezes this item (``kind`` is one of :data:`ITEM_TYPES`)."""
    if kind not in ITEM_TYPES:
        raise InputError(f"unknown item kind {kind!r}; expected one of {', '.join(ITEM_TYPES)}", field="kind")
    return bool(held_ids(conn, kind, [item_id], now=now))


def held_ids(conn: Connection, kind: str, item_ids: Iterable[str], *, now: datetime | None = None) -> set[str]:
    """The subset of ``item_ids`` that an active hold freezes (one query per 500 ids)."""
    return holds_store.held_ids(conn, kind, item_ids, now=now or datetime.now(UTC))


def get_hold(conn: Connection, hold_id: str) -> Hold:
    hold = holds_store.find_hold(conn, hold_id)
    if hold is None:
        raise NotFound(f"hold {hold_id} not found")
    return hold


def list_holds(conn: Connection, *, active_only: bool = True, source: str | None = None) -> list[Hold]:
    return holds_store.list_holds(conn, active_at=datetime.now(UTC) if active_only else None, source=source)
