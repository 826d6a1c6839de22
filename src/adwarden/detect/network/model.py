"""Result types of linking: :class:`Link`, :class:`Network`, :class:`LinkResult`.

A network is explained, not just listed: each :class:`Link` says which identifier (or near-duplicate image
group, or near-duplicate text cluster) joined which posts, and the identifiers that were ignored as hubs are
kept with the reason, so a reviewer can see why two ads are in one network and why a third is not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adwarden.detect.network.hubs import IgnoredIdentifier, IgnoredPost

__all__ = ["Link", "LinkResult", "Network", "network_id"]



def network_id(post_ids: Iterable[str]) -> str:
    """A stable id for a set of posts: derived from the smallest post id, so a rebuild gives the same id.

    >>> network_id(["b", "a"]) == network_id(["a", "c"])
    True
    """
    first = min(post_ids)
    return "net-" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Link:
    """One identifier (or image group, or text cluster) and the posts it joined.

    ``kind`` is one of :data:`~adwarden.detect.network.records.LINK_KINDS`; ``value`` the identifier (for
    ``image`` the smallest PDQ hash of the near-duplicate group, for ``text`` the cluster's first post id);
    ``detail`` holds e.g. the number of image variants and their largest distance.
    """

    kind: str
    value: str
    posts: tuple[str, ...]
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "value": self.value, "posts": list(self.posts)}
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


@dataclass(frozen=True, slots=True)
class Network:
    """A connected component of at least two posts. ``posts`` are post ids in input order."""

    id: str
    posts: tuple[str, ...]
    links: tuple[Link, ...] = ()
    ignored: tuple[IgnoredIdentifier, ...] = ()

    @property
    def size(self) -> int:
        return len(self.posts)

    def text_clusters(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.kind == "text")


@dataclass(frozen=True)
class LinkResult:
    """Networks of a corpus plus everything ignored. ``network_of`` maps each networked post id to its network."""

    networks: tuple[Network, ...]
    ignored: tuple[IgnoredIdentifier, ...] = ()
    ignored_posts: tuple[IgnoredPost, ...] = ()
    duplicates: tuple[str, ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_post", {p: n.id for n in self.networks for p in n.posts})
        object.__setattr__(self, "_by_id", {n.id: n for n in self.networks})

    @property
    def network_of(self) -> Mapping[str, str]:
        by_post: Mapping[str, str] = self.__dict__["_by_post"]
        return by_post

    def get(self, network_id: str) -> Network | None:
        by_id: Mapping[str, Network] = self.__dict__["_by_id"]
        return by_id.get(network_id)

    def partition(self) -> set[frozenset[str]]:
        """The networks as a set of post-id sets: what two linkers must agree on."""
        return {frozenset(n.posts) for n in self.networks}
