"""Input formats -> :class:`~adwarden.domain.PostInput`: validation, field mapping, idempotency keys."""

from adwarden.ingest.identity import content_hash, post_id_for
from adwarden.ingest.schema import PostIn, validate_post

__all__ = ["PostIn", "content_hash", "post_id_for", "validate_post"]
