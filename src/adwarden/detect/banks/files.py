"""Bank files: AdWarden CSV, python-threatexchange signal files and HMA bank content (import and export).

Formats:

* **CSV** (AdWarden): header ``kind,value,label`` (optional extra columns ``source``, ``added_by``). Kinds:
  ``phone email handle payment url text md5 sha256 pdq``; identifier values are normalized and stored as
  keyed hashes. Pre-hashed identifiers from another deployment with the same key are accepted as
  ``phone_hmac`` etc. (that is also how identifiers are exported: the raw values are never stored).
* **pytx** (python-threatexchange ``LocalFileSignalExchangeAPI``): one ``SIGNAL_TYPE SIGNAL`` per line, e.g.
  ``pdq 9f1e...``; ``video_md5``/``md5``, ``video_sha256``/``sha256``, ``raw_text``, ``url`` are read too.
* **hma** (Hasher-Matcher-Actioner 2.0 curation API shapes): a JSON object
  ``{"bank": {"name", "enabled", "matching_enabled_ratio"}, "content": [{"id", "signals": {type: value}}]}``,
  a JSON list of content items, or one content item per line.

Parsing is all-or-nothing: every problem is collected as ``FILE:LINE: message`` and a
:class:`~adwarden.domain.PolicyError` is raised, so a malformed file changes nothing.

>>> entries = parse_bank_file(b"kind,value,label\\nphone,+1 206 555 0147,trafficking\\n", key=b"k")
>>> (entries[0].kind, entries[0].label, len(entries[0].value))
('phone', 'trafficking', 64)
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from adwarden.detect.banks.keys import keyed_hash, normalize_identifier
from adwarden.detect.banks.model import ENTRY_KINDS, IDENTIFIER_KINDS, Bank, BankEntry
from adwarden.detect.indicators.fastnorm import normalize_phrase
from adwarden.domain import InputError, PolicyError

Format = Literal["csv", "pytx", "hma"]

_HEX = {"md5": re.compile(r"^[0-9a-f]{32}$"), "sha256": re.compile(r"^[0-9a-f]{64}$"), "pdq": re.compile(r"^[0-9a-f]{64}$")}
_HMAC = re.compile(r"^[0-9a-f]{64}$")
_PYTX_IN = {
    "pdq": "pdq", "video_md5": "md5", "md5": "md5", "photo_md5": "md5", "video_sha256": "sha256", "sha256": "sha256",
    "raw_text": "text", "url": "url",
}
_PYTX_OUT = {"pdq": "pdq", "md5": "video_md5", "sha256": "video_sha256", "text": "raw_text"}
MAX_TEXT = 20_000


def detect_format(data: bytes) -> Format:
    head = data.lstrip()[:200].decode("utf-8", "replace").lower()
    if head.startswith(("{", "[")):
        return "hma"
    if head.startswith("kind,") or head.startswith('"kind"'):
        return "csv"
    return "pytx"


def entry_from_value(kind: str, raw: str, *, key: bytes, label: str = "", source: str = "", added_by: str = "",
                     region: str = "US", line: int | None = None) -> BankEntry:
    """Validate and convert one raw value to its stored form. Raises :class:`InputError`."""
    kind = kind.strip().lower()
    raw = raw.strip()
    if kind.endswith("_hmac") and kind[: -len("_hmac")] in IDENTIFIER_KINDS:
        base = kind[: -len("_hmac")]
        if not _HMAC.match(raw.lower()):
            raise InputError(f"{kind} must be 64 hex digits", field="value")
        return BankEntry(base, raw.lower(), label, added_by, None, source, line)
    if kind not in ENTRY_KINDS:
        raise InputError(f"unknown kind {kind!r} (expected one of {', '.join(sorted(ENTRY_KINDS))})", field="kind")
    if kind in IDENTIFIER_KINDS:
        value = keyed_hash(kind, normalize_identifier(kind, raw, region=region), key)
    elif kind == "text":
        if len(raw) > MAX_TEXT:
            raise InputError(f"text longer than {MAX_TEXT} characters", field="value")
        value = normalize_phrase(raw)
        if len(value.split()) < 3:
            raise InputError("text entries need at least 3 words to be a template", field="value")
    else:
        value = raw.lower()
        if not _HEX[kind].match(value):
            raise InputError(f"{kind} must be {32 if kind == 'md5' else 64} hex digits", field="value")
    return BankEntry(kind, value, label, added_by, None, source, line)


def parse_bank_file(
    data: bytes, *, key: bytes, source: str = "<bank file>", fmt: Format | None = None, default_label: str = "",
    added_by: str = "", region: str = "US",
) -> list[BankEntry]:
    """Parse a whole bank file; all-or-nothing (see the module docstring)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{source}: not valid UTF-8 (byte {exc.start})"]) from exc
    fmt = fmt or detect_format(data)
    problems: list[str] = []
    out: list[BankEntry] = []

    def add(lineno: int, kind: str, value: str, label: str, src: str = "") -> None:
        try:
            out.append(entry_from_value(kind, value, key=key, label=label or default_label, source=src or source,
                                        added_by=added_by, region=region, line=lineno))
        except InputError as exc:
            problems.append(f"{source}:{lineno}: {exc.message}")

    if fmt == "csv":
        _parse_csv(text, source, add, problems)
    elif fmt == "pytx":
        for lineno, line in enumerate(text.splitlines(), start=1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            stype, _, signal = s.partition(" ")
            kind = _PYTX_IN.get(stype.lower())
            if kind is None or not signal.strip():
                problems.append(f"{source}:{lineno}: expected 'SIGNAL_TYPE SIGNAL' with a type among "
                                f"{', '.join(sorted(_PYTX_IN))}, got {s[:60]!r}")
                continue
            add(lineno, kind, signal, "")
    else:
        _parse_hma(text, source, add, problems)
    if not problems and not out:
        problems.append(f"{source}:1: the file holds no entries")
    if problems:
        raise PolicyError(problems)
    return _dedupe(out)


def _dedupe(entries: list[BankEntry]) -> list[BankEntry]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in entries:
        if (e.kind, e.value) not in seen:
            seen.add((e.kind, e.value))
            out.append(e)
    return out


def _parse_csv(text: str, source: str, add: Any, problems: list[str]) -> None:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        problems.append(f"{source}:1: empty file (expected header kind,value,label)")
        return
    except csv.Error as exc:
        problems.append(f"{source}:1: {exc}")
        return
    if header[:3] != ["kind", "value", "label"]:
        problems.append(f"{source}:1: header must start with kind,value,label (got {','.join(header)})")
        return
    extra = header[3:]
    unknown = [h for h in extra if h not in ("source", "added_by", "note")]
    if unknown:
        problems.append(f"{source}:1: unknown column(s) {', '.join(unknown)} (allowed: source, added_by, note)")
        return
    try:
        for row in reader:
            lineno = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.append(f"{source}:{lineno}: expected {len(header)} columns, got {len(row)}")
                continue
            rec = dict(zip(header, row, strict=True))
            add(lineno, rec["kind"], rec["value"], rec["label"].strip(), rec.get("source", "").strip())
    except csv.Error as exc:
        problems.append(f"{source}:{reader.line_num}: {exc}")


def _parse_hma(text: str, source: str, add: Any, problems: list[str]) -> None:
    items: list[tuple[int, Any]] = []
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") and "\n{" not in stripped.strip():
            doc = json.loads(text)
            items = [(1, it) for it in (doc.get("content") or [])] if "content" in doc or "bank" in doc else [(1, doc)]
        elif stripped.startswith("["):
            items = [(1, it) for it in json.loads(text)]
        else:
            raise ValueError
    except (json.JSONDecodeError, ValueError, AttributeError):
        items = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:
                problems.append(f"{source}:{lineno}: invalid JSON: {exc.msg}")
    for lineno, item in items:
        signals = item.get("signals") if isinstance(item, dict) else None
        if not isinstance(signals, dict) or not signals:
            problems.append(f"{source}:{lineno}: each HMA content item needs a non-empty 'signals' object")
            continue
        if item.get("enabled") is False:
            continue
        for stype, value in signals.items():
            kind = _PYTX_IN.get(str(stype).lower())
            if kind is None or not isinstance(value, str):
                problems.append(f"{source}:{lineno}: unsupported HMA signal type {stype!r}")
                continue
            add(lineno, kind, value, "", f"hma:{item.get('id', '')}")


def export_csv(entries: Iterable[BankEntry]) -> str:
    """AdWarden CSV; identifiers are exported as ``KIND_hmac`` (the raw values were never stored)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "value", "label", "source", "added_by"])
    for e in entries:
        w.writerow([f"{e.kind}_hmac" if e.hashed else e.kind, e.value, e.label, e.source, e.added_by])
    return buf.getvalue()


def export_pytx(entries: Iterable[BankEntry]) -> tuple[str, int]:
    """python-threatexchange signal file; returns (text, number of entries that have no pytx type)."""
    lines = []
    skipped = 0
    for e in entries:
        stype = _PYTX_OUT.get(e.kind)
        if stype is None:
            skipped += 1
            continue
        lines.append(f"{stype} {e.value}")
    return "".join(f"{ln}\n" for ln in lines), skipped


def export_hma(bank: Bank, entries: Sequence[BankEntry]) -> tuple[str, int]:
    """HMA bank + content JSON; returns (text, number of entries that have no HMA signal type)."""
    content = []
    skipped = 0
    for i, e in enumerate(entries, start=1):
        stype = _PYTX_OUT.get(e.kind)
        if stype is None:
            skipped += 1
            continue
        content.append({"id": i, "signals": {stype: e.value}, "enabled": True})
    doc = {"bank": {"name": bank.name.upper().replace("-", "_"), "enabled": bank.enabled,
                    "matching_enabled_ratio": 1.0}, "content": content}
    return json.dumps(doc, indent=1) + "\n", skipped

