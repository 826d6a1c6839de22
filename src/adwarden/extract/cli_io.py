"""One input line of ``adwarden extract`` -> one output JSON object (pure; no file or stream I/O).

Input lines are either JSON objects ``{"id": ..., "text": ..., "url": optional, "location": optional}``
or plain text (one ad per line, its id is the line number). A line that starts with ``{`` is read as
JSON. A line that cannot be read never stops the run: it yields ``{"id", "line", "error"}`` naming
the line (and the field), and the next line is processed.

>>> out = process_line(b'{"id": "a1", "text": "call 206-555-0147"}', 1)
>>> out["id"], [p["value"] for p in out["phones"]]
('a1', ['+12065550147'])
>>> process_line(b'{"id": 7, "text": 12}', 3)["error"]
'line 3: text: must be a string'
>>> process_line(b"   ", 4) is None
True
"""

from __future__ import annotations

import json
from typing import Any

from adwarden.domain.errors import InputError
from adwarden.extract import extract_all

__all__ = ["parse_line", "process_line"]

_MAX_FIELD = 2_000


def parse_line(raw: bytes | str, line_no: int) -> dict[str, Any] | None:
    """``{"id", "text", "url", "location"}`` from one line; ``None`` for a blank line.

    Raises :class:`~adwarden.domain.errors.InputError` naming the line and field.
    """
    record = f"line {line_no}"
    if isinstance(raw, bytes):
        text_line = raw.decode("utf-8", errors="replace")
    else:
        text_line = raw
    text_line = text_line.rstrip("\r\n")
    stripped = text_line.strip()
    if not stripped:
        return None
    if not stripped.startswith("{"):
        return {"id": line_no, "text": text_line, "url": None, "location": None}
    try:
        obj = json.loads(stripped)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"not valid JSON ({exc.msg if hasattr(exc, 'msg') else exc})", record=record) from None
    if not isinstance(obj, dict):
        raise InputError("a JSON line must be an object", record=record)
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError("must be a string" if "text" in obj else "is missing", record=record, field="text")
    out: dict[str, Any] = {"id": obj.get("id", line_no), "text": text, "url": None, "location": None}
    if isinstance(out["id"], (dict, list)):
        raise InputError("must be a string or a number", record=record, field="id")
    for name in ("url", "location"):
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError("must be a string", record=record, field=name)
        if len(value) > _MAX_FIELD:
            raise InputError(f"longer than {_MAX_FIELD} characters", record=record, field=name)
        out[name] = value
    return out


def process_line(raw: bytes | str, line_no: int, *, region: str = "US") -> dict[str, Any] | None:
    """The output object for one input line (``None`` for a blank line); never raises on bad input."""
    try:
        parsed = parse_line(raw, line_no)
    except InputError as exc:
        return {"id": line_no, "line": line_no, "error": str(exc)}
    if parsed is None:
        return None
    ex = extract_all(parsed["text"], url=parsed["url"], location=parsed["location"], region=region)
    return {"id": parsed["id"], **ex.to_json()}
