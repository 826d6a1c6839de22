"""Posts, their versions, accounts and media references.

A post is identified by ``(site, external_id)``. Its content lives in versions: an edit never overwrites
(Backpage's moderators edited ads to hide what they sold), so every distinct content becomes a new
:class:`PostVersion` and the first one is kept forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Account:
    """The platform account that posted, as the platform reports it. ``id`` is the platform's own id."""

    id: str
    email: str | None = None
    phone: str | None = None
    ip: str | None = None
    device_id: str | None = None


@dataclass(frozen=True)
class MediaRef:
    """A media item attached to a post. AdWarden stores hashes and references, never the pixels by default.

    ``error`` records why an item could not be processed (not an image, too large, undecodable); the post is
    still screened on its text.
    """

    url: str | None = None
    sha256: str | None = None
    md5: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class PostInput:
    """A post as submitted by a platform or read from a file, already validated by :mod:`adwarden.ingest`."""

    external_id: str
    site: str = "default"
    category: str | None = None
    title: str | None = None
    body: str | None = None
    location: str | None = None
    posted_at: datetime | None = None
    url: str | None = None
    account: Account | None = None
    media: tuple[MediaRef, ...] = ()

    @property
    def text(self) -> str:
        """Title and body joined: what extraction and detection read. Offsets are into this string."""
        return "\n".join(p for p in (self.title, self.body) if p)


@dataclass(frozen=True)
class PostVersion:
    """One stored version of a post."""

    post_id: str
    version: int
    content_hash: str
    content: PostInput
    received_at: datetime


@dataclass(frozen=True)
class Post:
    """A stored post with all its versions, oldest first."""

    id: str
    site: str
    external_id: str
    account_id: str | None
    created_at: datetime
    versions: tuple[PostVersion, ...] = field(default_factory=tuple)
    #: The version live on the platform (after a revert, an older one than :attr:`latest`); 0 = the latest.
    current_version: int = 0

    @property
    def latest(self) -> PostVersion:
        """The newest stored version (not necessarily live: see :attr:`current`)."""
        return self.versions[-1]

    @property
    def current(self) -> PostVersion:
        """The live version: what screening, rescans and reviewers judge."""
        if self.current_version:
            for v in self.versions:
                if v.version == self.current_version:
                    return v
        return self.versions[-1]
