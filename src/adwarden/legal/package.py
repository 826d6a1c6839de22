"""Signed evidence packages for law enforcement, and their verification.

A package is a ZIP scoped to one request. Every file in it is listed in ``manifest.json`` with its SHA-256
and size; the manifest is signed with Ed25519 (``signature/manifest.sig``, base64) and the public key
travels with it (``signature/public_key.pem``) so a prosecutor or defence expert can check it offline with
``adwarden evidence verify PACKAGE.zip``. The manifest also names the key fingerprint, the producer, the
recipient and the legal authority: it is the chain-of-custody record of the production.

Layout::

    README.txt              how to verify
    request.json            the request and its scope
    posts/<post>/v0001.json every stored version of every post in scope, as received
    accounts.json           the accounts in scope as the platform reported them
    media/references.json   media hashes and URLs (AdWarden keeps references, not pixels)
    media/files/...         media blobs, only when the platform stored them
    identifiers.json/.csv   identifiers extracted from the posts
    network.json            other posts sharing those identifiers
    assessments.json        automated verdicts with their reasons
    decisions.json          reviewers' decisions
    audit.jsonl             the audit extract: who viewed, decided and changed what, when
    summary.html/.pdf       a human-readable summary
    manifest.json           SHA-256 of every file above, signed

Every member name is built with :func:`safe_component`, so a post id like ``../../etc/passwd`` becomes a
harmless file name; :func:`member_name_problem` rejects unsafe names when verifying a package from elsewhere.

This module builds the archive; the layout, the summary and verification are in ``package_layout``,
``package_summary`` and ``package_verify``, each re-exported here.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adwarden.documents.filenames import safe_component
from adwarden.documents.spreadsheet import spreadsheet_row
from adwarden.documents.xmltext import utf8
from adwarden.domain.errors import InputError
from adwarden.domain.posts import Post, PostVersion
from adwarden.legal.model import LegalRequest, may_notify_user
from adwarden.legal.package_layout import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    UNLISTED,
    member_name_problem,
)
from adwarden.legal.package_summary import render_summary_html, render_summary_pdf
from adwarden.legal.package_verify import MAX_MEMBER_BYTES, VerifyResult, verify_package
from adwarden.legal.signing import fingerprint, public_key_pem

# The layout (:mod:`~adwarden.legal.package_layout`), the summary (:mod:`~adwarden.legal.package_summary`) and
# verification (:mod:`~adwarden.legal.package_verify`) live in their own modules; their names stay importable here.
__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "MAX_MEMBER_BYTES",
    "PUBLIC_KEY",
    "SIGNATURE",
    "UNLISTED",
    "PackageInfo",
    "PackageInput",
    "VerifyResult",
    "build_package",
    "member_name_problem",
    "post_version_json",
    "render_summary_html",
    "render_summary_pdf",
    "safe_component",
    "verify_package",
]


# ------------------------------------------------------------------------------------------- build


@dataclass(frozen=True)
class PackageInput:
    """Everything a production contains, gathered by the service layer from storage.

    ``posts`` are domain posts already limited to the request's scope (versions outside its date range
    removed). The mapping-shaped parts are written as JSON exactly as given.
    """

    request: LegalRequest
    posts: Sequence[Post]
    produced_by: str
    recipient: str
    created_at: datetime
    accounts: Sequence[Mapping[str, Any]] = ()
    identifiers: Sequence[Mapping[str, Any]] = ()
    network: Mapping[str, Any] = field(default_factory=dict)
    assessments: Sequence[Mapping[str, Any]] = ()
    decisions: Sequence[Mapping[str, Any]] = ()
    audit: Sequence[Mapping[str, Any]] = ()
    media_files: Mapping[str, bytes] = field(default_factory=dict)
    platform_name: str = "AdWarden"


@dataclass(frozen=True)
class PackageInfo:
    """What was written: the path, the manifest's SHA-256 (log it: it identifies the production), the key
    fingerprint and the files listed."""

    path: Path
    manifest_sha256: str
    key_fingerprint: str
    files: tuple[str, ...]
    size: int


def post_version_json(post: Post, version: PostVersion) -> dict[str, Any]:
    """One post version exactly as received: the content fields, the content hash and when it arrived."""
    c = version.content
    return {
        "post_id": post.id,
        "site": post.site,
        "external_id": post.external_id,
        "account_id": post.account_id,
        "version": version.version,
        "content_hash": version.content_hash,
        "received_at": version.received_at.isoformat(),
        "content": {
            "external_id": c.external_id,
            "site": c.site,
            "category": c.category,
            "title": c.title,
            "body": c.body,
            "location": c.location,
            "posted_at": c.posted_at.isoformat() if c.posted_at else None,
            "url": c.url,
            "account": None
            if c.account is None
            else {
                "id": c.account.id,
                "email": c.account.email,
                "phone": c.account.phone,
                "ip": c.account.ip,
                "device_id": c.account.device_id,
            },
            "media": [_media_json(m) for m in c.media],
        },
    }


def _media_json(m: Any) -> dict[str, Any]:
    return {"url": m.url, "sha256": m.sha256, "md5": m.md5, "pdq": m.pdq, "pdq_quality": m.pdq_quality, "error": m.error}


def build_package(out_path: str | Path, data: PackageInput, *, signing_key: Ed25519PrivateKey) -> PackageInfo:
    """Write the signed package to ``out_path`` (atomically: a partial file is never left behind).

    The archive is deterministic for the same input: members sorted, timestamps from ``created_at``.
    """
    if data.created_at.tzinfo is None:
        raise InputError("must be timezone-aware", record="package", field="created_at")
    files = _package_files(data)
    public = signing_key.public_key()
    key_fp = fingerprint(public)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "request_id": data.request.id,
        "request_type": data.request.type.value,
        "authority": data.request.authority,
        "agency": data.request.agency,
        "case_number": data.request.case_number,
        "produced_by": data.produced_by,
        "recipient": data.recipient,
        "created_at": data.created_at.astimezone(UTC).isoformat(),
        "signing_key": {"algorithm": "Ed25519", "fingerprint": key_fp},
        "files": [
            {"path": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
            for name, body in sorted(files.items())
        ],
    }
    manifest_bytes = utf8(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    signature = signing_key.sign(manifest_bytes)
    members = dict(files)
    members[MANIFEST] = manifest_bytes
    members[SIGNATURE] = base64.b64encode(signature) + b"\n"
    members[PUBLIC_KEY] = public_key_pem(public)

    out = Path(out_path)
    tmp = out.with_name(out.name + ".partial")
    stamp = data.created_at.astimezone(UTC).timetuple()[:6]
    date_time = (max(stamp[0], 1980), *stamp[1:])
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name])
    tmp.replace(out)
    return PackageInfo(
        path=out,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        key_fingerprint=key_fp,
        files=tuple(sorted(members)),
        size=out.stat().st_size,
    )


def _package_files(data: PackageInput) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    used: set[str] = set()

    def unique(path: str, original: str) -> str:
        if path not in used:
            used.add(path)
            return path
        stem, dot, ext = path.rpartition(".")
        digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        candidate = f"{stem}~{digest}.{ext}" if dot else f"{path}~{digest}"
        used.add(candidate)
        return candidate

    req = data.request
    files["README.txt"] = utf8(_readme(data))
    files["request.json"] = _json_bytes(req.to_json())

    post_docs: list[dict[str, Any]] = []
    media_refs: list[dict[str, Any]] = []
    post_dirs: dict[str, str] = {}
    for post in data.posts:
        directory = unique("posts/" + safe_component(f"{post.site}_{post.external_id}"), post.id)
        post_dirs[post.id] = directory
        for version in post.versions:
            doc = post_version_json(post, version)
            post_docs.append(doc)
            files[f"{directory}/v{version.version:04d}.json"] = _json_bytes(doc)
            for index, m in enumerate(version.content.media):
                media_refs.append({"post_id": post.id, "version": version.version, "index": index, **_media_json(m)})
    files["accounts.json"] = _json_bytes(list(data.accounts))
    files["media/references.json"] = _json_bytes(media_refs)
    for name, body in sorted(data.media_files.items()):
        files[unique("media/files/" + safe_component(name), name)] = body
    files["identifiers.json"] = _json_bytes(list(data.identifiers))
    files["identifiers.csv"] = _identifiers_csv(data.identifiers)
    files["network.json"] = _json_bytes(dict(data.network))
    files["assessments.json"] = _json_bytes(list(data.assessments))
    files["decisions.json"] = _json_bytes(list(data.decisions))
    files["audit.jsonl"] = b"".join(
        utf8(json.dumps(e, sort_keys=True, ensure_ascii=False, default=str) + "\n") for e in data.audit
    )
    context = _summary_context(data, post_docs, post_dirs, media_refs)
    files["summary.html"] = utf8(render_summary_html(context))
    files["summary.pdf"] = render_summary_pdf(context)
    for name in files:
        problem = member_name_problem(name)
        if problem:  # pragma: no cover - safe_component makes this unreachable; kept as a last guard
            raise InputError(f"unsafe member name {name!r}: {problem}", record="package", field="path")
    return files


def _json_bytes(value: Any) -> bytes:
    return utf8(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def _identifiers_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    buf = io.StringIO()
    columns = ["post_id", "version", "kind", "value", "platform", "source"]
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(dict(zip(columns, spreadsheet_row(row.get(c) for c in columns), strict=True)))
    return utf8(buf.getvalue())


def _readme(data: PackageInput) -> str:
    return (
        f"Evidence package produced by {data.platform_name} for request {data.request.id}\n"
        f"Agency: {data.request.agency}\nAuthority: {data.request.authority}\n\n"
        "Every file is listed in manifest.json with its SHA-256. manifest.json is signed with Ed25519:\n"
        "signature/manifest.sig (base64) over the exact bytes of manifest.json, public key in\n"
        "signature/public_key.pem. Check it with `adwarden evidence verify PACKAGE.zip`, and compare the\n"
        "key fingerprint in manifest.json with the one the platform publishes.\n"
    )


# ----------------------------------------------------------------------------------------- summary


def _summary_context(
    data: PackageInput,
    post_docs: Sequence[Mapping[str, Any]],
    post_dirs: Mapping[str, str],
    media_refs: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    req = data.request
    nd = req.nondisclosure
    return {
        "platform": data.platform_name,
        "request": req.to_json(),
        "created_at": data.created_at.astimezone(UTC).isoformat(),
        "produced_by": data.produced_by,
        "recipient": data.recipient,
        "nondisclosure": None
        if nd is None
        else {"until": nd.until.isoformat() if nd.until else "further order", "active": not may_notify_user(nd, data.created_at.date())},
        "posts": [
            {
                "post_id": p.id,
                "label": f"{p.site}/{p.external_id}",
                "dir": post_dirs.get(p.id, ""),
                "versions": [
                    {
                        "version": d["version"],
                        "received_at": d["received_at"],
                        "title": d["content"]["title"] or "",
                        "body": d["content"]["body"] or "",
                        "url": d["content"]["url"] or "",
                        "content_hash": d["content_hash"],
                    }
                    for d in post_docs
                    if d["post_id"] == p.id
                ],
            }
            for p in data.posts
        ],
        "identifiers": list(data.identifiers),
        "network": dict(data.network),
        "media_count": len(media_refs),
        "assessment_count": len(data.assessments),
        "decision_count": len(data.decisions),
        "audit_count": len(data.audit),
        "flags": list(req.flags),
    }
