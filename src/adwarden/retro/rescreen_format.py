"""The files of a re-screen at scale: an export of stored history, and the changed verdicts a Spark job found.

``adwarden rescan export DIR`` writes ``DIR/posts/part-*.parquet`` (:data:`EXPORT_COLUMNS`: per stored post its
id, live version number, the live content the screener reads, the network facts a rescan would pass, and the
fingerprint of its latest verdict) and ``DIR/export.json``. ``adwarden rescan spark DIR --out OUT`` writes
``OUT/verdicts/*.parquet`` (:data:`VERDICT_COLUMNS`: post id, the version it screened, the new assessment as
JSON) and ``OUT/rescreen.json`` with the screening-state version it screened under. Both contain post content
and evidence (restricted child-safety content included): they are written owner-only.

Why one module: the export (a service), the Spark job (an edge) and the load (a service) must agree on every
column and on how a post and a verdict become strings and back, exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from adwarden.domain import (
    Account,
    Action,
    Contribution,
    InputError,
    MediaRef,
    PostInput,
    PostVersion,
    Verdict,
)
from adwarden.storage.sql.convert import account_to_json, evidence_from_json, media_to_json

EXPORT_FORMAT = "adwarden-rescan-export/1"
VERDICTS_FORMAT = "adwarden-rescan-verdicts/1"
EXPORT_MANIFEST = "export.json"
VERDICTS_MANIFEST = "rescreen.json"

#: Export columns, all strings but ``version``: JSON for the nested ones, ISO 8601 for ``posted_at`` (so no
#: reader's time-zone rules touch them on the way through Spark).
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("post_id", "string"), ("version", "int64"), ("site", "string"), ("external_id", "string"),
    ("title", "string"), ("body", "string"), ("category", "string"), ("location", "string"), ("url", "string"),
    ("posted_at", "string"), ("account", "string"), ("media", "string"), ("network", "string"),
    ("fingerprint", "string"),
)
#: ``network``: the digest of the network facts it screened with (:func:`network_digest`), null for none.
VERDICT_COLUMNS: tuple[tuple[str, str], ...] = (("post_id", "string"), ("version", "int64"),
                                                ("network", "string"), ("assessment", "string"))
#: The same, as Spark DDL.
VERDICT_DDL = "post_id string, version long, network string, assessment string"

DIR_MODE = 0o700
FILE_MODE = 0o600


def arrow_schema(columns: tuple[tuple[str, str], ...]) -> Any:
    import pyarrow as pa

    return pa.schema([(name, pa.int64() if kind == "int64" else pa.string()) for name, kind in columns])


def export_row(live: PostVersion, network: Mapping[str, Any], fingerprint: str | None) -> dict[str, Any]:
    c = live.content
    return {"post_id": live.post_id, "version": live.version, "site": c.site, "external_id": c.external_id,
            "title": c.title, "body": c.body, "category": c.category, "location": c.location, "url": c.url,
            "posted_at": c.posted_at.isoformat() if c.posted_at is not None else None,
            "account": json.dumps(account_to_json(c.account)) if c.account is not None else None,
            "media": json.dumps(media_to_json(c.media)) if c.media else None,
            "network": _facts_json(network) if network else None,
            "fingerprint": fingerprint}


def post_from_row(row: Mapping[str, Any]) -> PostInput:
    """The live content of an exported post, as :func:`export_row` wrote it."""
    where = f"post {row.get('post_id')}"
    try:
        account = json.loads(row["account"]) if row.get("account") else None
        media = json.loads(row["media"]) if row.get("media") else []
        posted = row.get("posted_at")
        return PostInput(
            external_id=row["external_id"], site=row["site"], category=row.get("category"),
            title=row.get("title"), body=row.get("body"), location=row.get("location"),
            posted_at=datetime.fromisoformat(posted) if posted else None, url=row.get("url"),
            account=Account(**account) if account else None, media=tuple(MediaRef(**m) for m in media))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"not an exported post ({exc})", record=where) from exc


def _facts_json(facts: Mapping[str, Any]) -> str:
    return json.dumps(dict(facts), sort_keys=True, default=str)


def network_of(row: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(row["network"]) if row.get("network") else {}


def network_digest(facts_json: str | None) -> str | None:
    """SHA-256 of exported network facts (None for none): the load compares it with the post's facts now."""
    return hashlib.sha256(facts_json.encode("utf-8")).hexdigest() if facts_json else None


def current_network_digest(facts: Mapping[str, Any]) -> str | None:
    """:func:`network_digest` of facts read from the store now, serialised as the export serialises them."""
    return network_digest(_facts_json(facts)) if facts else None


def verdict_to_json(verdict: Verdict, versions: Mapping[str, str]) -> str:
    """A new assessment as stored (the columns of the assessments table that screening fills)."""
    v = verdict
    return json.dumps({
        "action": v.action.value, "risk": v.risk, "priority": v.priority, "queue": v.queue,
        "open_case": v.open_case, "preserve": v.preserve, "reasons": [e.to_json() for e in v.reasons],
        "contributions": [{"source": c.source, "points": c.points, "note": c.note} for c in v.contributions],
        "rules_fired": list(v.rules_fired), "versions": dict(versions)}, default=str)


def verdict_from_json(text: str, *, record: str) -> tuple[Verdict, dict[str, str]]:
    """``(verdict, versions)`` from :func:`verdict_to_json`; a malformed one is an error naming ``record``."""
    try:
        d = json.loads(text)
        verdict = Verdict(
            action=Action(d["action"]), risk=float(d["risk"]), priority=int(d["priority"]), queue=d["queue"],
            open_case=bool(d["open_case"]), reasons=tuple(evidence_from_json(e) for e in d["reasons"]),
            contributions=tuple(Contribution(**c) for c in d["contributions"]),
            rules_fired=tuple(d["rules_fired"]), preserve=bool(d["preserve"]))
        return verdict, {str(k): str(val) for k, val in d["versions"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed assessment ({exc})", record=record, field="assessment") from exc


# -- owner-only files and manifests ----------------------------------------------------------------------------

def make_private_dir(path: Path) -> None:
    """Create ``path`` (mode 0700); refuse one that exists and is not empty (an export is never mixed)."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InputError("exists and is not an empty directory", record=str(path))
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)


def open_private(path: Path) -> Any:
    """A new file opened for writing with mode 0600 whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    return os.fdopen(fd, "wb")


def write_manifest(path: Path, data: Mapping[str, Any]) -> None:
    with open_private(path) as fh:
        fh.write(json.dumps(data, indent=1, sort_keys=True, default=str).encode("utf-8"))


def read_manifest(directory: Path, name: str, fmt: str, what: str) -> dict[str, Any]:
    """The manifest of an export or a verdicts directory; one clear error when it is not one."""
    path = directory / name
    if not directory.is_dir():
        raise InputError(f"no such directory ({what} expected)", record=str(directory))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"not {what} (no {name})", record=str(directory)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON ({exc})", record=str(path)) from exc
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise InputError(f"not {what} (format is not {fmt})", record=str(path), field="format")
    return data


def parquet_files(directory: Path) -> list[Path]:
    """The Parquet files of a dataset directory in the order they are read (names sorted; Spark's ``_SUCCESS``
    and hidden files left out)."""
    return sorted(p for p in directory.glob("*.parquet") if not p.name.startswith((".", "_")))


def make_private_tree(root: Path) -> None:
    """Owner-only modes on a directory tree another writer (Spark) created with its own umask."""
    for dirpath, _dirs, files in os.walk(root):
        os.chmod(dirpath, DIR_MODE)
        for f in files:
            os.chmod(os.path.join(dirpath, f), FILE_MODE)
