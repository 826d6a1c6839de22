"""ReportCase <-> JSON, so a draft is stored exactly as it will be sent and can be resumed after a crash.

The model is plain frozen dataclasses of str/int/bool, datetimes, dates, enums, tuples, frozensets and
nested dataclasses, so one generic, type-hint-driven codec covers it; a field that does not fit raises
:class:`~adwarden.domain.errors.InputError` naming the field.

>>> case_from_json(case_to_json(case)) == case  # doctest: +SKIP
True
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from adwarden.domain.errors import InputError
from adwarden.reporting.ncmec import model
from adwarden.reporting.ncmec.model import ReportCase

T = TypeVar("T")


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(_encode(v) for v in value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _decode(tp: Any, raw: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if raw is None:
            return None
        return _decode(args[0], raw, where)
    if origin is tuple:
        (inner, *_rest) = typing.get_args(tp)
        return tuple(_decode(inner, v, f"{where}[{i}]") for i, v in enumerate(raw))
    if origin is frozenset:
        (inner,) = typing.get_args(tp)
        return frozenset(_decode(inner, v, where) for v in raw)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(raw, dict):
            raise InputError(f"expected an object, got {type(raw).__name__}", record="report case", field=where)
        hints = _hints(tp)
        kwargs = {
            f.name: _decode(hints[f.name], raw[f.name], f"{where}.{f.name}" if where else f.name)
            for f in dataclasses.fields(tp)
            if f.init and f.name in raw
        }
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(raw)
    if tp is datetime:
        return datetime.fromisoformat(raw)
    if tp is date:
        return date.fromisoformat(raw)
    if tp in (str, int, bool) and isinstance(raw, tp):
        return raw
    raise InputError(f"cannot read {raw!r} as {tp}", record="report case", field=where)


def case_to_json(case: ReportCase) -> str:
    return json.dumps(_encode(case), sort_keys=True, ensure_ascii=False)


def case_from_json(text: str) -> ReportCase:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", record="report case") from exc
    try:
        result = _decode(ReportCase, raw, "")
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(str(exc), record="report case") from exc
    assert isinstance(result, ReportCase)
    return result


