"""Everything the case page shows, read in one connection: the read model of the case view.

Why one loader: the case page is the page reviewers live in (the benchmark's p95 is measured on it), so its
queries are counted and indexed here rather than scattered over templates. Spans come from the stored verdict
(indicators, banks) and from re-running extraction on the stored text (phones, ages, prices...), which is
pure and sub-millisecond, so the highlighting always matches the text shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adwarden.console.highlight import Segment, Span, highlight
from adwarden.console.textdiff import DiffOp, word_diff
from adwarden.domain import Assessment, Case, Evidence, NotFound, Post, PostVersion
from adwarden.extract import extract_all
from adwarden.review.decisions import DecisionRecord, decisions_of
from adwarden.review.flags import flags_for_post
from adwarden.storage.sql.audit_store import events_about
from adwarden.storage.sql.case_page_store import (
    StoredMedia,
    account_summary,
    case_work_of,
    media_of,
)
from adwarden.storage.sql.console_store import StoredComment, comments_of
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.networks import network_id_of_post
from adwarden.storage.sql.queries import get_case, get_post, latest_assessment

IMAGE_KINDS = frozenset({"md5", "sha256", "pdq", "image"})
_FACT_KINDS = {"phones": "phone", "emails": "email", "handles": "handle", "payments": "payment", "ages": "age",
               "prices": "price", "urls": "url"}


@dataclass(frozen=True)
class MediaItem:
    position: int
    url: str | None  # only http(s); anything else is dropped
    bank_matches: tuple[dict[str, Any], ...] = ()
    error: str | None = None

    @property
    def withheld(self) -> bool:
        """A known-bank image: the console shows the match, never the pixels."""
        return bool(self.bank_matches)


@dataclass(frozen=True)
class VersionView:
    version: int
    received_at: Any
    posted_at: Any
    changes: tuple[str, ...]
    diff: tuple[DiffOp, ...] | None  # None for the first version


#: A reviewer's note on the case, as stored.
Comment = StoredComment


@dataclass(frozen=True)
class HistoryItem:
    seq: int
    name: str
    actor: str
    created_at: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    case: Case
    post: Post
    current: PostVersion
    restricted: bool
    assessment: Assessment | None
    segments: list[Segment]
    media: list[MediaItem]
    versions: list[VersionView]
    account: dict[str, Any] | None
    account_posts: list[dict[str, Any]]
    network_id: str | None
    decisions: list[DecisionRecord]
    comments: list[Comment]
    history: list[HistoryItem]
    flags: list[dict[str, Any]]
    work: dict[str, Any]  # the review loop's claim and SLA clock (empty when never claimed)
    spans: list[Span] = field(default_factory=list)

    @property
    def reasons(self) -> Sequence[Evidence]:
        return self.assessment.verdict.reasons if self.assessment else ()


def safe_media_url(url: str | None) -> str | None:
    """Only absolute http(s) URLs are ever put in an ``<img src>``; ``javascript:``, ``data:`` and relative
    URLs are dropped (shown as text by the template instead)."""
    if not url:
        return None
    lowered = url.strip().lower()
    if lowered.startswith(("https://", "http://")) and not any(c in url for c in "\"'<>` \t\r\n"):
        return url.strip()
    return None


def _spans(text: str, assessment: Assessment | None, current: PostVersion, region: str) -> list[Span]:
    content = current.content
    out: list[Span] = []
    extraction = extract_all(text, url=content.url, location=content.location, region=region)
    for attr, kind in _FACT_KINDS.items():
        for fact in getattr(extraction, attr, ()):
            if fact.attrs and fact.attrs.get("source") == "url":
                continue
            if fact.start is not None and fact.end is not None:
                out.append(Span(fact.start, fact.end, kind, f"{kind}: {fact.value}"))
    if assessment is not None and assessment.version == current.version:
        for e in assessment.verdict.reasons:
            if e.start is None or e.end is None:
                continue
            kind = "bank" if e.detector == "bank" else "indicator"
            label = f"{e.category}: {e.label}" if e.category else f"{e.detector}: {e.label}"
            out.append(Span(e.start, e.end, kind, label))
    return out


def _media(rows: Sequence[StoredMedia], reasons: Sequence[Evidence]) -> list[MediaItem]:
    image_hits = [e for e in reasons if e.detector == "bank" and str(e.attrs.get("kind", "")) in IMAGE_KINDS]
    out = []
    for r in rows:
        mine = [e for e in image_hits if e.value in r.hashes]
        # A fuzzy (PDQ) hit names the bank's hash, not ours: when a hit cannot be tied to one item, every item
        # of the post is withheld. Never show pixels that might be a known-bank image.
        unmapped = [e for e in image_hits if not any(e.value in m.hashes for m in rows)]
        matches = tuple({"bank": e.attrs.get("bank"), "label": e.label, "kind": e.attrs.get("kind"),
                         "distance": e.attrs.get("distance")} for e in [*mine, *unmapped])
        out.append(MediaItem(position=r.position, url=safe_media_url(r.url), bank_matches=matches, error=r.error))
    return out


def _versions(post: Post) -> list[VersionView]:
    out: list[VersionView] = []
    prev: PostVersion | None = None
    for v in post.versions:
        changes: list[str] = []
        diff = None
        if prev is not None:
            for name in ("title", "body", "location", "url", "category", "posted_at"):
                if getattr(prev.content, name) != getattr(v.content, name):
                    changes.append(name)
            if prev.content.account != v.content.account:
                changes.append("account")
            if prev.content.media != v.content.media:
                changes.append("media")
            diff = tuple(word_diff(prev.content.text, v.content.text))
        out.append(VersionView(version=v.version, received_at=v.received_at, posted_at=v.content.posted_at,
                               changes=tuple(changes), diff=diff))
        prev = v
    return out


def _account(conn: Connection, post: Post) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    if not post.account_id:
        return None, []
    summary = account_summary(conn, post.account_id, except_post=post.id)
    return summary.account, summary.other_posts


def _history(conn: Connection, case_id: str, post_id: str) -> list[HistoryItem]:
    rows = events_about(conn, [("case", case_id), ("post", post_id)], limit=100)
    return [HistoryItem(seq=r.seq, name=r.name, actor=r.actor, created_at=r.created_at, payload=r.payload)
            for r in rows]


def load_case_view(conn: Connection, case_id: str, *, may_see_restricted: bool, restricted_queues: frozenset[str],
                   region: str = "US") -> CaseView:
    """The case page's data. A restricted case is :class:`NotFound` for a viewer who may not see it."""
    case = get_case(conn, case_id)
    restricted = case.queue in restricted_queues
    if restricted and not may_see_restricted:
        raise NotFound(f"case {case_id} not found")
    post = get_post(conn, case.post_id)
    current = next((v for v in post.versions if v.version == post.current_version), post.latest)
    assessment = latest_assessment(conn, post.id)
    text = current.content.text
    spans = _spans(text, assessment, current, region)
    account, account_posts = _account(conn, post)
    return CaseView(
        case=case, post=post, current=current, restricted=restricted, assessment=assessment,
        segments=highlight(text, spans), spans=spans,
        media=_media(media_of(conn, post.id, current.version), assessment.verdict.reasons if assessment else ()),
        versions=_versions(post), account=account, account_posts=account_posts,
        network_id=network_id_of_post(conn, post.id),
        decisions=decisions_of(conn, case_id),
        comments=comments_of(conn, case_id),
        history=_history(conn, case_id, post.id), flags=flags_for_post(conn, post.id),
        work=case_work_of(conn, case_id),
    )
