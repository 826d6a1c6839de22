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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.legal.model import DateRange, Target, parse_target
from adwarden.permissions import ensure_permission
from adwarden.storage.ids import new_id
from adwarden.storage.sql.tables import (
    accounts,
    assessments,
    cases,
    decisions,
    identifiers,
    media,
    post_versions,
    posts,
)
from adwarden.storage.sql.tables_legal import hold_items, holds

#: What a hold freezes, in the order the counts are reported.
ITEM_TYPES = ("post", "post_version", "account", "identifier", "media", "assessment", "case", "decision")


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


@dataclass(frozen=True)
class Hold:
    id: str
    source: str
    reason: str
    targets: tuple[str, ...]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    released_at: datetime | None = None
    released_by: str | None = None
    release_reason: str | None = None
    item_counts: Mapping[str, int] = field(default_factory=dict)

    def active(self, now: datetime) -> bool:
        return self.released_at is None and (self.expires_at is None or self.expires_at > now)

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "reason": self.reason,
            "targets": list(self.targets),
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "released_by": self.released_by,
            "release_reason": self.release_reason,
            "active": self.active(now or datetime.now(UTC)),
            "items": dict(self.item_counts),
        }


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
        found: set[str] = set()
        if t.kind == "post":
            found |= set(conn.execute(
                select(posts.c.id).where(or_(posts.c.id == t.value, posts.c.external_id == t.value))).scalars())
        elif t.kind == "account":
            accs = set(conn.execute(select(accounts.c.id).where(
                or_(accounts.c.id == t.value, accounts.c.external_id == t.value))).scalars())
            account_ids |= accs
            if accs:
                found |= set(conn.execute(select(posts.c.id).where(posts.c.account_id.in_(accs))).scalars())
        else:
            cond = and_(identifiers.c.kind == t.kind, identifiers.c.value == t.value)
            if t.kind == "handle" and t.platform:
                cond = and_(cond, or_(identifiers.c.platform.is_(None), identifiers.c.platform == t.platform))
            found |= set(conn.execute(select(identifiers.c.post_id).where(cond).distinct()).scalars())
            if t.kind in {"phone", "email"}:
                col = accounts.c.phone if t.kind == "phone" else accounts.c.email
                accs = set(conn.execute(select(accounts.c.id).where(col == t.value)).scalars())
                account_ids |= accs
                if accs:
                    found |= set(conn.execute(select(posts.c.id).where(posts.c.account_id.in_(accs))).scalars())
        matches[str(t)] = frozenset(found)
    return Resolution(matches, frozenset(account_ids))


def collect_items(conn: Connection, post_ids: Iterable[str], account_ids: Iterable[str] = ()) -> dict[str, set[str]]:
    """Every item id a hold over these posts (and accounts) freezes, by item type."""
    pids = sorted(set(post_ids))
    items: dict[str, set[str]] = {t: set() for t in ITEM_TYPES}
    items["post"] = set(pids)
    items["account"] = set(account_ids)
    for chunk in _chunks(pids, 500):
        items["post_version"] |= {f"{r.post_id}:{r.version}" for r in conn.execute(
            select(post_versions.c.post_id, post_versions.c.version).where(post_versions.c.post_id.in_(chunk)))}
        items["account"] |= {a for a in conn.execute(
            select(posts.c.account_id).where(posts.c.id.in_(chunk), posts.c.account_id.is_not(None))).scalars()}
        items["identifier"] |= {str(i) for i in conn.execute(
            select(identifiers.c.id).where(identifiers.c.post_id.in_(chunk))).scalars()}
        items["media"] |= {str(i) for i in conn.execute(select(media.c.id).where(media.c.post_id.in_(chunk))).scalars()}
        items["assessment"] |= set(conn.execute(
            select(assessments.c.id).where(assessments.c.post_id.in_(chunk))).scalars())
        case_ids = set(conn.execute(select(cases.c.id).where(cases.c.post_id.in_(chunk))).scalars())
        items["case"] |= case_ids
        if case_ids:
            items["decision"] |= {str(i) for i in conn.execute(
                select(decisions.c.id).where(decisions.c.case_id.in_(sorted(case_ids)))).scalars()}
    return items


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
    already checked their own permission (a CyberTipline filing), the name to record. Targets that match
    nothing are kept on the hold (the caller flags them); they are not an error.
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
    hold_id = new_id("h")
    conn.execute(insert(holds).values(
        id=hold_id, source=source, reason=reason, targets=[str(t) for t in parsed], created_by=name,
        created_at=now, expires_at=expires_at))
    rows = [{"hold_id": hold_id, "item_type": kind, "item_id": item_id}
            for kind in ITEM_TYPES for item_id in sorted(items[kind])]
    for chunk in _chunks(rows, 1000):
        conn.execute(insert(hold_items), chunk)
    counts = {kind: len(items[kind]) for kind in ITEM_TYPES}
    append_event(conn, name="hold-placed", actor=name, subject_type="hold", subject_id=hold_id, payload={
        "source": source, "reason": reason, "targets": [str(t) for t in parsed],
        "expires_at": expires_at.isoformat() if expires_at else None, "items": counts,
        "unmatched": resolution.unmatched})
    return hold_id


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
    conn.execute(update(holds).where(holds.c.id == hold_id).values(
        released_at=now, released_by=actor.name, release_reason=reason))
    append_event(conn, name="hold-released", actor=actor.name, subject_type="hold", subject_id=hold_id,
                 payload={"reason": reason, "source": hold.source})
    return get_hold(conn, hold_id)


def extend_hold(conn: Connection, *, hold_id: str, expires_at: datetime, reason: str, actor: Actor | str) -> Hold:
    """Move an active hold's expiry later (never earlier: shortening is a release, with its own reason)."""
    name = actor.name if isinstance(actor, Actor) else actor
    if isinstance(actor, Actor):
        ensure_permission(actor, "hold:manage")
    hold = get_hold(conn, hold_id)
    if not hold.active(datetime.now(UTC)):
        raise Conflict(f"hold {hold_id} is no longer active; place a new hold instead")
    if hold.expires_at is None or expires_at <= hold.expires_at:
        raise Conflict(f"hold {hold_id}: new expiry must be later than the current one")
    conn.execute(update(holds).where(holds.c.id == hold_id).values(expires_at=expires_at))
    append_event(conn, name="hold-extended", actor=name, subject_type="hold", subject_id=hold_id,
                 payload={"from": hold.expires_at.isoformat(), "to": expires_at.isoformat(), "reason": reason})
    return get_hold(conn, hold_id)


def _active_clause(now: datetime) -> Any:
    return and_(holds.c.released_at.is_(None), or_(holds.c.expires_at.is_(None), holds.c.expires_at > now))


def is_held(conn: Connection, kind: str, item_id: str, *, now: datetime | None = None) -> bool:
    """True while any active hold freezes this item (``kind`` is one of :data:`ITEM_TYPES`)."""
    if kind not in ITEM_TYPES:
        raise InputError(f"unknown item kind {kind!r}; expected one of {', '.join(ITEM_TYPES)}", field="kind")
    return bool(held_ids(conn, kind, [item_id], now=now))


def held_ids(conn: Connection, kind: str, item_ids: Iterable[str], *, now: datetime | None = None) -> set[str]:
    """The subset of ``item_ids`` that an active hold freezes (one query per 500 ids)."""
    moment = now or datetime.now(UTC)
    out: set[str] = set()
    for chunk in _chunks(sorted(set(item_ids)), 500):
        out |= set(conn.execute(
            select(hold_items.c.item_id).join(holds, holds.c.id == hold_items.c.hold_id)
            .where(hold_items.c.item_type == kind, hold_items.c.item_id.in_(chunk), _active_clause(moment))
            .distinct()).scalars())
    return out


def get_hold(conn: Connection, hold_id: str) -> Hold:
    row = conn.execute(select(holds).where(holds.c.id == hold_id)).first()
    if row is None:
        raise NotFound(f"hold {hold_id} not found")
    return _hold_from_row(conn, row)


def list_holds(conn: Connection, *, active_only: bool = True, source: str | None = None) -> list[Hold]:
    q = select(holds).order_by(holds.c.created_at.desc())
    if active_only:
        q = q.where(_active_clause(datetime.now(UTC)))
    if source:
        q = q.where(holds.c.source == source)
    return [_hold_from_row(conn, r) for r in conn.execute(q).all()]


def _hold_from_row(conn: Connection, row: Any) -> Hold:
    counts = {r.item_type: int(r.n) for r in conn.execute(
        select(hold_items.c.item_type, func.count().label("n")).where(hold_items.c.hold_id == row.id)
        .group_by(hold_items.c.item_type))}
    return Hold(id=row.id, source=row.source, reason=row.reason, targets=tuple(row.targets or ()),
                created_by=row.created_by, created_at=row.created_at, expires_at=row.expires_at,
                released_at=row.released_at, released_by=row.released_by, release_reason=row.release_reason,
                item_counts={k: counts.get(k, 0) for k in ITEM_TYPES})


def _chunks(seq: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
