"""Column groups many tables repeat, as functions that return fresh :class:`Column` objects.

Why functions and not shared objects: a ``Column`` belongs to exactly one ``Table``, so each table needs its
own. Why at all: "who made this row and when", "the row a child row belongs to" and the two primary-key
kinds are the same decision in every table; written once, they cannot drift apart (one table with a
``String(100)`` actor, another with ``String(200)``). Each function builds exactly the column it replaced,
so the schema (and what Alembic compares against the migrations) is unchanged.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.types import TypeEngine

from adwarden.storage.sql.types import UTCDateTime

#: Length of a generated id (:func:`adwarden.storage.ids.new_id`) wherever one is stored.
ID_LENGTH = 40
#: Length of a person's or a key's name wherever one is stored as who did something.
ACTOR_LENGTH = 200


def text_key() -> Column[Any]:
    """``id``: the generated text id that is the row's primary key."""
    return Column("id", String(ID_LENGTH), primary_key=True)


def serial_key() -> Column[Any]:
    """``id``: an autoincremented integer primary key, for rows nothing outside refers to by id."""
    return Column("id", Integer, primary_key=True, autoincrement=True)


def belongs_to(
    name: str, target: str, type_: TypeEngine[Any] | None = None, *, primary_key: bool = False
) -> Column[Any]:
    """``name``: the ``target`` row (``"table.column"``) this row belongs to; deleting that row deletes this one.

    Required; with ``primary_key`` it is (part of) this row's key as well. ``type_`` is the type of the
    target's key when that is not a generated id (``String(ID_LENGTH)``).
    """
    fk = ForeignKey(target, ondelete="CASCADE")
    of = String(ID_LENGTH) if type_ is None else type_
    if primary_key:
        return Column(name, of, fk, primary_key=True)
    return Column(name, of, fk, nullable=False)


def moment(name: str) -> Column[Any]:
    """A required timezone-aware time."""
    return Column(name, UTCDateTime(), nullable=False)


def actor(name: str = "actor") -> Column[Any]:
    """A required name of who did something (a reviewer, an API key's actor, a CLI user)."""
    return Column(name, String(ACTOR_LENGTH), nullable=False)


def created_by() -> tuple[Column[Any], Column[Any]]:
    """``created_by`` and ``created_at``: who made the row and when."""
    return actor("created_by"), moment("created_at")


def acted(at: str = "created_at") -> tuple[Column[Any], Column[Any]]:
    """``actor`` and ``at``: who did what the row records, and when."""
    return actor(), moment(at)


def timestamps() -> tuple[Column[Any], Column[Any]]:
    """``created_at`` and ``updated_at``."""
    return moment("created_at"), moment("updated_at")
