"""Ingest and screen posts: the service functions behind ``POST /v1/posts`` and ``adwarden ingest``.

Screening (CPU work) runs before the transaction; storing a batch (posts, versions, identifiers, media,
assessment, case, audit events) is one transaction, committed before anything is acknowledged. The same
content as a post's current version is a duplicate and changes nothing; changed content becomes a new version;
every version is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adwarden.audit.log import append_event
from adwarden.detect.neardup import NearDupParams
from adwarden.detect.network.minhash import TextSignature, signatures_of
from adwarden.detect.network.records import LinkRecord
from adwarden.domain import Actor, Assessment, PostInput, Verdict
from adwarden.ingest.identity import content_hash, post_id_for
from adwarden.networks.live import LiveNetworks
from adwarden.pipeline import Screener, Screening
from adwarden.review.cases import apply_verdict_to_case
from adwarden.storage.ids import new_id
from adwarden.storage.sql.convert import account_to_json, media_to_json
from adwarden.storage.sql.database import Connection, Database, WriteConflict
from adwarden.storage.sql.networks import stored_record
from adwarden.storage.sql.posts_store import (
    ACCOUNT_FIELDS,
    IDENTIFIER_VALUE_CHARS,
    insert_assessments,
    lock_posts,
    merge_accounts,
    store_batch,
)


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one submitted post.

    ``status``: ``accepted`` (new post), ``new-version``, ``reverted`` (back to an earlier version's content) or
    ``duplicate`` (same content as the current version: nothing stored)."""

    post_id: str
    version: int
    status: str
    assessment: Assessment | None
    case_id: str | None


def screening_versions(s: Screening) -> dict[str, str]:
    """The versions an assessment records: what made the verdict, and which detectors were skipped."""
    return {**dict(s.versions), **({"skipped": "; ".join(s.skipped)} if s.skipped else {})}


def _assessment_row(post_id: str, version: int, v: Verdict, versions: Mapping[str, str], trigger: str,
                    now: datetime) -> dict[str, Any]:
    return {
        "id": new_id("a"),
        "post_id": post_id,
        "version": version,
        "action": v.action.value,
        "risk": v.risk,
        "priority": v.priority,
        "queue": v.queue,
        "open_case": v.open_case,
        "preserve": v.preserve,
        "reasons": [e.to_json() for e in v.reasons],
        "contributions": [{"source": c.source, "points": c.points, "note": c.note} for c in v.contributions],
        "rules_fired": list(v.rules_fired),
        "versions": dict(versions),
        "trigger": trigger,
        "case_id": None,
        "created_at": now,
    }


def _assess(
    conn: Connection, *, post_id: str, version: int, verdict: Verdict, versions: Mapping[str, str], trigger: str,
    actor: str, known_new_post: bool, now: datetime,
) -> dict[str, Any]:
    """Apply a verdict to the post's case and audit it; return the assessment row (not yet inserted)."""
    row = _assessment_row(post_id, version, verdict, versions, trigger, now)
    row["case_id"] = apply_verdict_to_case(conn, post_id=post_id, verdict=verdict, trigger=trigger,
                                           actor=actor, known_new_post=known_new_post)
    append_event(conn, name="post-assessed", actor=actor, subject_type="post", subject_id=post_id,
                 payload={"version": version, "assessment_id": row["id"], "action": verdict.action.value,
                          "risk": verdict.risk, "queue": verdict.queue, "trigger": trigger,
                          "policy": versions.get("policy")})
    return row


def record_assessment(
    conn: Connection, *, post_id: str, version: int, screening: Screening, trigger: str, actor: str,
    known_new_post: bool = False,
) -> tuple[str, str | None]:
    """Store one verdict, apply it to the post's case, audit both. Returns ``(assessment id, case id)``.

    Used by re-assessment (rescans after a bank or policy change); ingest batches the same steps."""
    return record_verdict(conn, post_id=post_id, version=version, verdict=screening.verdict,
                          versions=screening_versions(screening), trigger=trigger, actor=actor,
                          known_new_post=known_new_post)


def record_verdict(
    conn: Connection, *, post_id: str, version: int, verdict: Verdict, versions: Mapping[str, str], trigger: str,
    actor: str, known_new_post: bool = False,
) -> tuple[str, str | None]:
    """:func:`record_assessment` for a verdict screened elsewhere (a Spark re-screen): ``versions`` as
    :func:`screening_versions` gives them."""
    row = _assess(conn, post_id=post_id, version=version, verdict=verdict, versions=versions, trigger=trigger,
                  actor=actor, known_new_post=known_new_post, now=datetime.now(UTC))
    insert_assessments(conn, [row])
    return row["id"], row["case_id"]


def ingest_posts(
    db: Database,
    items: Sequence[PostInput],
    screener: Screener,
    *,
    actor: Actor,
    networks: LiveNetworks | None,
    current: Callable[[Connection], Screener] | None = None,
    screenings: Sequence[Screening] | None = None,
    prepared: Sequence[Prepared] | None = None,
    attempts: int = 4,
) -> list[IngestOutcome]:
    """Store and screen a batch of posts in one transaction; return one outcome per item, in order.

    Edges call this through :meth:`adwarden.runtime.Runtime.ingest`, which passes everything below.

    Per item: the same content as the post's current version is a ``duplicate`` (nothing stored); content
    never seen is a ``new-version`` (or ``accepted`` for a new post); content equal to an *older* version is a
    ``reverted`` post: no version is added, the post's current version moves back, and it is re-assessed
    (an ad edited to look harmless and then reverted is assessed on what is live again).

    ``networks`` links the stored versions (in the transaction, through the durable network log) and gives
    screening their networks' facts; None links nothing. ``current(conn)`` is asked, inside the transaction,
    for the screener of what is stored now (banks, policy): when it is not ``screener``, the batch is screened
    again with it, so a bank import committed by another process a moment ago is never missed.
    ``screenings`` may carry the items' screenings computed beforehand (the API screens in the request thread
    and hands the batch to one writer). ``prepared`` may carry ``prepare_batch(items, screenings)`` built
    beforehand (a file ingest builds it in its screening worker). A write conflict with a concurrent writer (two processes storing the
    same new post on PostgreSQL) rolls the transaction back and retries it, up to ``attempts`` times."""
    if screenings is None:
        screenings = [screener.screen(p) for p in items]
    if prepared is not None and len(prepared) != len(items):
        raise ValueError(f"{len(prepared)} prepared posts for {len(items)} items")
    for attempt in range(attempts):
        try:
            return _ingest_once(db, items, screener, screenings, prepared, actor, networks, current)
        except WriteConflict:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _PostState:
    """What one transaction knows about a stored (or about to be stored) post while it walks a batch."""

    exists: bool
    latest: int
    current: int
    hashes: dict[str, int]  # content hash -> version
    account_id: str | None
    row: dict[str, Any] | None = None  # the pending insert row of a post new in this batch

    @property
    def current_hash(self) -> str | None:
        return next((h for h, v in self.hashes.items() if v == self.current), None)


def _load_states(conn: Connection, ids: Sequence[str]) -> dict[str, _PostState]:
    return {pid: _PostState(True, s.latest, s.current, s.hashes, s.account_id)
            for pid, s in lock_posts(conn, ids).items()}


@dataclass(frozen=True)
class Prepared:
    """What is known about one item before the write lock is taken (nothing here reads storage or the clock):
    its ids, content hash and the rows a new version of it would add (``version`` and ``received_at`` filled in
    under the lock), and its network record. ``version_row`` leaves out the text (``title``, ``body``): the
    storing process takes it from the post it already holds, so a prepared post crosses the pipe from the
    screening worker with one copy of its text (in ``record``), not two.

    Why: the lock is SQLite's single write lock (or the audit head row on PostgreSQL); every microsecond of
    pure work moved out of the transaction is time another writer (the API beside a file ingest) does not
    wait. A file ingest builds these in its screening worker (:func:`prepare_batch` is pure and picklable), so
    the storing process only runs SQL, the linker and the audit chain."""

    post_id: str
    content_hash: str
    account_id: str | None
    version_row: dict[str, Any]
    identifier_rows: list[dict[str, Any]]
    media_rows: list[dict[str, Any]]
    record: LinkRecord | None
    text_signature: TextSignature | None = None


def prepare_batch(items: Sequence[PostInput], screenings: Sequence[Screening], *, link: bool,
                  text: NearDupParams | None = None) -> list[Prepared]:
    """One :class:`Prepared` per item; ``link`` also builds its network record (when networks are linked),
    and ``text`` (the linker's text parameters, ``LinkConfig.text``) its record's text signature.

    :func:`ingest_posts` takes the result as ``prepared``; the same items and screenings always give equal
    values, wherever they are built."""
    parts = [_prepare(post, scr, link) for post, scr in zip(items, screenings, strict=True)]
    if link and text is not None:
        # with ``link`` every item has its record; the signatures are computed for the batch at once
        signed = signatures_of([p[6].text for p in parts if p[6] is not None], text)
        return [Prepared(*p, text_signature=s) for p, s in zip(parts, signed, strict=True)]
    return [Prepared(*p) for p in parts]


def _prepare(post: PostInput, scr: Screening, link: bool) -> tuple[
        str, str, str | None, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], LinkRecord | None]:
    """The fields of one item's :class:`Prepared`, in order, but its text signature."""
    pid = post_id_for(post.site, post.external_id)
    if scr.identifiers is None:
        raise ValueError(f"the screening of post {pid} was shipped without its identifiers "
                         "(Screening.for_storing(rows_prepared=True)): its rows must come prepared")
    ident_values = [(i, i.value[:IDENTIFIER_VALUE_CHARS]) for i in scr.identifiers]
    return (
        pid,
        content_hash(post),
        f"{post.site}:{post.account.id}" if post.account is not None else None,
        {"post_id": pid, "category": post.category, "location": post.location, "url": post.url,
         "posted_at": post.posted_at, "account": account_to_json(post.account), "media": media_to_json(post.media)},
        [{"post_id": pid, "kind": i.kind, "value": value, "start": i.start, "end": i.end, "platform": i.platform,
          "source": i.source} for i, value in ident_values],
        [{"post_id": pid, "position": pos, "url": m.url, "sha256": m.sha256, "md5": m.md5, "pdq": m.pdq,
          "pdq_quality": m.pdq_quality, "error": m.error} for pos, m in enumerate(post.media)],
        stored_record(
            post_id=pid, site=post.site, external_id=post.external_id, title=post.title, body=post.body,
            category=post.category, location=post.location, posted_at=post.posted_at,
            identifier_rows=[(i.kind, value, i.platform) for i, value in ident_values]) if link else None,
    )


def _wanted_accounts(items: Sequence[PostInput]) -> dict[str, dict[str, Any]]:
    """The batch's accounts with every detail it sends (a later post's non-empty field wins)."""
    wanted: dict[str, dict[str, Any]] = {}
    for p in items:
        if p.account is None:
            continue
        a = p.account
        aid = f"{p.site}:{a.id}"
        merged = wanted.setdefault(aid, {"id": aid, "site": p.site, "external_id": a.id,
                                         **dict.fromkeys(ACCOUNT_FIELDS)})
        for key in ACCOUNT_FIELDS:
            value = getattr(a, key)
            if value:
                merged[key] = value
    return wanted


def _ingest_once(
    db: Database,
    items: Sequence[PostInput],
    screener: Screener,
    screenings: Sequence[Screening],
    prepared: Sequence[Prepared] | None,
    actor: Actor,
    networks: LiveNetworks | None,
    current: Callable[[Connection], Screener] | None,
) -> list[IngestOutcome]:
    now = datetime.now(UTC)
    # One slot per input item: a duplicate's outcome at once, or the index of its entry in ``stored``.
    slots: list[IngestOutcome | int] = []
    stored_outcomes: list[IngestOutcome] = []
    link = networks is not None
    if prepared is None or (link and any(p.record is None for p in prepared)):
        prepared = prepare_batch(items, screenings, link=link)
    wanted_accounts = _wanted_accounts(items)
    with db.transaction() as conn:
        if current is not None:
            fresh = current(conn)  # locks the screening state until commit
            if fresh is not screener:
                screener, screenings = fresh, [fresh.screen(p) for p in items]
                prepared = prepare_batch(items, screenings, link=link)
        states = _load_states(conn, [p.post_id for p in prepared])
        # Insert new accounts; on known ones fill in what the platform now sends, never erasing what it sent
        # before (a later post without an e-mail does not make the account's e-mail unknown).
        merge_accounts(conn, wanted_accounts, now)

        new_posts: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        ident_rows: list[dict[str, Any]] = []
        media_rows: list[dict[str, Any]] = []
        # (post id, version, post, screening, status, content hash) for every item that needs an assessment
        stored: list[tuple[str, int, PostInput, Screening, str, str]] = []
        live: dict[str, LinkRecord] = {}  # the network record of each stored post's live version
        signed: dict[str, TextSignature] = {}  # its text signature, when prepared beforehand
        for post, prep, scr in zip(items, prepared, screenings, strict=True):
            pid, chash, account_id = prep.post_id, prep.content_hash, prep.account_id
            st = states.get(pid)
            if st is not None and st.current_hash == chash:
                slots.append(IngestOutcome(pid, st.current, "duplicate", None, None))
                continue
            if st is not None and chash in st.hashes:
                version, status = st.hashes[chash], "reverted"
            else:
                if st is None:
                    st = _PostState(False, 0, 0, {}, account_id)
                    st.row = {"id": pid, "site": post.site, "external_id": post.external_id,
                              "account_id": account_id, "latest_version": 1, "current_version": 1,
                              "created_at": now, "updated_at": now}
                    states[pid] = st
                    new_posts.append(st.row)
                version = st.latest + 1
                status = "accepted" if version == 1 else "new-version"
                st.latest = version
                st.hashes[chash] = version
                version_rows.append({**prep.version_row, "title": post.title, "body": post.body, "version": version,
                                     "content_hash": chash, "received_at": now})
                ident_rows.extend({**r, "version": version} for r in prep.identifier_rows)
                media_rows.extend({**r, "version": version} for r in prep.media_rows)
            st.current = version
            if account_id is not None:
                st.account_id = account_id
            if st.row is not None:  # new in this batch: its insert row carries the final pointers
                st.row.update(latest_version=st.latest, current_version=st.current, account_id=st.account_id)
            if prep.record is not None:
                live[pid] = prep.record  # the last stored item of a post is its live version
                if prep.text_signature is not None:
                    signed[pid] = prep.text_signature
                else:
                    signed.pop(pid, None)
            slots.append(len(stored))
            stored.append((pid, version, post, scr, status, chash))

        touched = {s[0] for s in stored}
        store_batch(conn, new_posts=new_posts, versions=version_rows, identifier_rows=ident_rows,
                    media_rows=media_rows, now=now,
                    pointers={pid: (st.latest, st.current, st.account_id) for pid, st in states.items()
                              if st.exists and pid in touched})

        assessment_rows: list[dict[str, Any]] = []
        first_seen: set[str] = set()
        facts_by_post: Mapping[str, Mapping[str, Any]] = {}
        if networks is not None and stored:
            # A post new to storage joins the log as an add (even if edited again within the batch).
            changes = {pid: ("replace" if states[pid].exists else "add") for pid, *_ in stored}
            facts_by_post = networks.stage(conn, list(changes.items()), records=live, signatures=signed)
        for pid, version, post, scr, status, chash in stored:
            event = {"accepted": "post-accepted", "new-version": "post-version-added",
                     "reverted": "post-reverted"}[status]
            append_event(conn, name=event, actor=actor.name, subject_type="post", subject_id=pid,
                         payload={"site": post.site, "external_id": post.external_id, "version": version,
                                  "content_hash": chash})
            facts = facts_by_post.get(pid)
            if facts:
                scr = screener.with_network(post, scr, facts)
            known_new = status == "accepted" and pid not in first_seen
            first_seen.add(pid)
            row = _assess(conn, post_id=pid, version=version, verdict=scr.verdict, versions=screening_versions(scr),
                          trigger="revert" if status == "reverted" else "ingest", actor=actor.name,
                          known_new_post=known_new, now=datetime.now(UTC))
            assessment_rows.append(row)
            stored_outcomes.append(IngestOutcome(
                pid, version, status,
                Assessment(id=row["id"], post_id=pid, version=version, verdict=scr.verdict,
                           versions=scr.versions, created_at=row["created_at"], case_id=row["case_id"],
                           trigger=row["trigger"]),
                row["case_id"]))
        insert_assessments(conn, assessment_rows)
    return [slot if isinstance(slot, IngestOutcome) else stored_outcomes[slot] for slot in slots]
