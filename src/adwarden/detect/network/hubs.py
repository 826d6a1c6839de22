"""Hub guards: identifiers too common to mean "same operation".

Why: linking by connected components is only as good as its weakest link. A carrier-NAT IP address, a site's
own "safety tips" URL in a footer, a stock photo, or a junk phone number that appears in every ad would join
thousands of unrelated posts into one meaningless giant network. An identifier is ignored (and reported with
its reason) when it

* is carried by more than ``max_posts[kind]`` posts,
* is carried by more than ``max_share`` of all posts once the corpus has ``share_min_corpus`` posts,
* spans more than ``max_categories`` ad categories or ``max_sites`` sites once it has ``context_min_posts``
  (5) posts (a real operation posts in one or two categories; a footer or a stock photo appears everywhere).

Every rule is a function of the identifier's final counts, so a batch run and an incremental run that has seen
the same posts ignore the same identifiers.

>>> rules = HubRules()
>>> rules.reason("ip", posts=500, categories=1, sites=1, corpus=10_000)
'carried by 500 posts (limit for ip: 100)'
>>> rules.reason("phone", posts=12, categories=5, sites=1, corpus=10_000)
'spans 5 ad categories (limit 4)'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DEFAULT_MAX_POSTS", "HubRules", "IgnoredIdentifier", "IgnoredPost"]

#: Per-kind ceilings on the number of posts an identifier may join. IPs are shared by whole neighbourhoods
#: behind carrier NAT, so their ceiling is low; an account legitimately posts a lot.
DEFAULT_MAX_POSTS: Mapping[str, int] = MappingProxyType(
    {
        "phone": 1000,
        "email": 1000,
        "handle": 1000,
        "payment": 1000,
        "url": 200,
        "account": 20_000,
        "device": 2000,
        "ip": 100,
        "image_sha256": 300,
        "image": 300,
    }
)

#: Kinds to which the category/site rule does not apply: one account in many categories is still one account.
_NO_CONTEXT_RULE = frozenset({"account"})


@dataclass(frozen=True)
class HubRules:
    """Thresholds for ignoring hub identifiers (see the module docstring)."""

    max_posts: Mapping[str, int] = field(default_factory=lambda: DEFAULT_MAX_POSTS)
    default_max_posts: int = 1000
    max_share: float = 0.5
    share_min_corpus: int = 100
    max_categories: int = 4
    max_sites: int = 5
    context_min_posts: int = 5
    max_identifiers_per_post: int = 60

    def limit(self, kind: str) -> int:
        return self.max_posts.get(kind, self.default_max_posts)

    def needs_context(self, kind: str, posts: int) -> bool:
        """Whether category/site counts are needed to decide (saves work for the many rare identifiers)."""
        return posts >= self.context_min_posts and kind not in _NO_CONTEXT_RULE

    def reason(self, kind: str, *, posts: int, categories: int, sites: int, corpus: int) -> str | None:
        """Why an identifier is a hub, or ``None`` when it may link."""
        limit = self.limit(kind)
        if posts > limit:
            return f"carried by {posts} posts (limit for {kind}: {limit})"
        if corpus >= self.share_min_corpus and posts > self.max_share * corpus and posts >= 2:
            return f"carried by {posts} of {corpus} posts (more than {self.max_share:.0%} of the corpus)"
        if self.needs_context(kind, posts):
            if categories > self.max_categories:
                return f"spans {categories} ad categories (limit {self.max_categories})"
            if sites > self.max_sites:
                return f"spans {sites} sites (limit {self.max_sites})"
        return None


@dataclass(frozen=True, slots=True)
class IgnoredIdentifier:
    """An identifier that was not used to link, with the number of posts carrying it and the reason."""

    kind: str
    value: str
    posts: int
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "value": self.value, "posts": self.posts, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class IgnoredPost:
    """A post whose identifiers were not used to link (e.g. a directory listing thousands of numbers)."""

    post_id: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"post_id": self.post_id, "reason": self.reason}
