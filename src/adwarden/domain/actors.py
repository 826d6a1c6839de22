"""Who does things. Every state change names an actor; permissions are checked against its roles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A person or system acting on AdWarden. ``roles`` are declared in :mod:`adwarden.permissions`."""

    name: str
    roles: frozenset[str] = frozenset()

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The actor for background work (rescans, retention); it holds the admin role."""
        return cls(name=name, roles=frozenset({"admin"}))
