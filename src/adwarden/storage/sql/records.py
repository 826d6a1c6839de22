"""Frozen dataclass records <-> column values, for stores whose records mirror a table's columns.

Why: a store hands back records of plain values (never a SQLAlchemy Row); when a record's fields are named
like the table's columns, spelling every field out twice (once to insert, once to read) only adds places
for the two to drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def record_values(rec: DataclassInstance, *, without: Iterable[str] = ()) -> dict[str, Any]:
    """The record's fields as column values (shallow: nested values are passed as they are)."""
    skip = set(without)
    return {f.name: getattr(rec, f.name) for f in fields(rec) if f.name not in skip}


def record_from_row(cls: type[R], row: Any, **overrides: Any) -> R:
    """A ``cls`` from the row's columns of the same names; ``overrides`` supply or convert some fields."""
    mapping = row._mapping
    return cls(**{f.name: overrides[f.name] if f.name in overrides else mapping[f.name] for f in fields(cls)})
