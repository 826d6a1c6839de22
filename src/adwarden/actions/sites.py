"""Which platform sites an actor may act for (flags, appeals, the action feed, webhook endpoints).

``ADWARDEN_PLATFORM_SITES`` binds API actors to sites (``{"acme-bot": "acme,acme-jobs"}``). Actors with
the admin role see every site. An unbound platform actor may use every
site in development and test (so a fresh clone works without configuration) and none in production.
"""

from __future__ import annotations

from collections.abc import Mapping

from adwarden.domain import Actor


def sites_of(actor: Actor, platform_sites: Mapping[str, str], environment: str) -> frozenset[str] | None:
    """The actor's sites; None means every site.

    >>> sites_of(Actor("acme-bot", frozenset({"platform"})), {"acme-bot": "acme, acme-jobs"}, "production")
    frozenset({'acme', 'acme-jobs'})
    """
    if "admin" in actor.roles:
        return None
    bound = platform_sites.get(actor.name)
    if bound is not None:
        return frozenset(s.strip() for s in bound.split(",") if s.strip())
    return None if environment != "production" else frozenset()
