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
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adwarden.documents.filenames import safe_component
from adwarden.documents.pdf import SummaryPdf
from adwarden.documents.spreadsheet import spreadsheet_row
from adwarden.documents.xmltext import utf8
from adwarden.domain.errors import InputError
from adwarden.domain.posts import Post, PostVersion
from adwarden.legal.model import LegalRequest, may_notify_user
from adwarden.legal.signing import (
    development_fingerprint,
    fingerprint,
    parse_public_key,
    public_key_pem,
    verify_signature,
)

FORMAT = "adwarden-evidence-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature/manifest.sig"
PUBLIC_KEY = "signature/public_key.pem"
#: Files that are not listed in the manifest because they carry or check it.
UNLISTED = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})
#: A member larger than this is not read during verification (guards against ZIP bombs).
MAX_MEMBER_BYTES = 2 * 1024**3

__all__ = ["safe_component", "member_name_problem", "build_package", "verify_package"]


# -------------------------------------------------------------------------------------------- names


def member_name_problem(name: str) -> str | None:
    """Why ``name`` is not an acceptable member of a package, or None. Used on packages from elsewhere."""
    if not name:
        return "empty name"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if "\\" in name:
        return "backslash in name"
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        return "control or formatting character in name"
    parts = name.split("/")
    if any(p in {"", ".", ".."} for p in parts):
        return "path traversal ('.', '..' or empty component)"
    if len(name) > 1024:
        return "name longer than 1024 characters"
    return None


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


def render_summary_html(context: Mapping[str, Any]) -> str:
    """The summary page. Autoescaped: post text is written by whoever posted the ad."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("adwarden.legal", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    return env.get_template("summary.html").render(**context)


def render_summary_pdf(context: Mapping[str, Any]) -> bytes:
    """The same summary as a PDF, deterministic for the same input. Names and ad text in any script are
    written as they are (:class:`~adwarden.documents.pdf.SummaryPdf`); what no font can draw is marked."""
    pdf = SummaryPdf(
        title=f"Evidence package {context['request']['id']}",
        author=str(context["platform"]),
        created_at=datetime.fromisoformat(context["created_at"]),
    )

    def line(text: Any, *, size: int = 10, style: str = "") -> None:
        pdf.line(text, size=size, bold=style == "B")

    req = context["request"]
    line(f"Evidence package - request {req['id']}", size=15, style="B")
    line(f"Produced by {context['platform']} ({context['produced_by']}) for {context['recipient']} at {context['created_at']}")
    if context["nondisclosure"]:
        nd = context["nondisclosure"]
        line(f"NON-DISCLOSURE ORDER until {nd['until']}: the user must not be notified.", style="B")
    pdf.gap(2)
    line("Request", size=12, style="B")
    for key in ("type_label", "agency", "authority", "officer", "case_number", "received_at", "status"):
        line(f"{key.replace('_', ' ')}: {req.get(key) or '-'}")
    line(f"targets: {', '.join(req['targets'])}")
    if req.get("date_range"):
        line(f"date range: {req['date_range']}")
    if context["flags"]:
        line(f"flags: {', '.join(context['flags'])}", style="B")
    pdf.gap(2)
    line(
        f"Contents: {len(context['posts'])} post(s), {context['media_count']} media reference(s), "
        f"{len(context['identifiers'])} identifier(s), {context['assessment_count']} assessment(s), "
        f"{context['decision_count']} decision(s), {context['audit_count']} audit event(s).",
    )
    for post in context["posts"]:
        pdf.gap(2)
        line(f"Post {post['label']} ({post['dir']})", size=12, style="B")
        for v in post["versions"]:
            line(f"Version {v['version']} received {v['received_at']} sha256 {v['content_hash']}", style="B")
            if v["url"]:
                line(f"URL: {v['url']}")
            if v["title"]:
                line(f"Title: {v['title']}")
            if v["body"]:
                line(v["body"])
    if context["identifiers"]:
        pdf.gap(2)
        line("Identifiers", size=12, style="B")
        for ident in context["identifiers"]:
            line(f"{ident.get('kind')}: {ident.get('value')} (post {ident.get('post_id')})")
    linked = context["network"].get("linked_posts") or []
    pdf.gap(2)
    line("Network", size=12, style="B")
    line(f"{len(linked)} other post(s) share an identifier with the posts in scope (see network.json).")
    pdf.gap(2)
    line("Integrity: every file is listed in manifest.json with its SHA-256; the manifest is signed with Ed25519.")
    return pdf.output()


# ------------------------------------------------------------------------------------------ verify


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify_package`.

    ``intact``: every listed file is present and unchanged, nothing was added, no name is unsafe, and the
    signature verifies with the key inside the package. That proves only that nobody changed the package
    *after* it was signed by whoever holds that key: an attacker who alters files re-signs with their own
    key. So ``ok`` also needs ``key_trusted``: the signing key is one the verifier was told to trust
    (``--trusted-key`` or ``ADWARDEN_EVIDENCE_TRUSTED_KEYS``), and never the public development key.
    """

    path: str
    altered: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    unsafe: tuple[str, ...] = ()
    signature_valid: bool = False
    key_fingerprint: str | None = None
    key_trusted: bool = False
    development_key: bool = False
    trusted_given: bool = False
    request_id: str | None = None
    files_checked: int = 0
    errors: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.signature_valid and not (self.altered or self.missing or self.added or self.unsafe or self.errors)

    @property
    def ok(self) -> bool:
        return self.intact and self.key_trusted

    def signer_problem(self) -> str | None:
        """Why the signer is not verified, or None when it is."""
        if self.development_key:
            return (f"signed with the public development key {self.key_fingerprint}: anyone can sign with it, "
                    "so the signer is unverified")
        if self.key_trusted:
            return None
        if not self.trusted_given:
            return (f"signer unverified: key {self.key_fingerprint} was not checked against a trusted key "
                    "(pass --trusted-key sha256:... with the fingerprint the platform publishes, or set "
                    "ADWARDEN_EVIDENCE_TRUSTED_KEYS)")
        return f"signer unverified: key {self.key_fingerprint} is not one of the trusted keys"

    def problems(self) -> list[str]:
        """One line per problem, naming the file; for an intact package, why its signer is unverified."""
        out = [f"altered: {n}" for n in self.altered]
        out += [f"missing: {n}" for n in self.missing]
        out += [f"added: {n}" for n in self.added]
        out += [f"unsafe name: {n}" for n in self.unsafe]
        out += list(self.errors)
        signer = self.signer_problem()
        if signer and self.intact:  # a tampered package has worse problems than who signed it
            out.append(signer)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "intact": self.intact,
            "signer_verified": self.key_trusted,
            "development_key": self.development_key,
            "request_id": self.request_id,
            "files_checked": self.files_checked,
            "signature_valid": self.signature_valid,
            "key_fingerprint": self.key_fingerprint,
            "key_trusted": self.key_trusted,
            "altered": list(self.altered),
            "missing": list(self.missing),
            "added": list(self.added),
            "unsafe": list(self.unsafe),
            "errors": list(self.errors),
        }


def verify_package(path: str | Path, *, trusted_fingerprints: Sequence[str] | None = None) -> VerifyResult:
    """Check every hash in the manifest, the signature, that no file was added or removed, and that the
    signing key is one of ``trusted_fingerprints`` (without any, the signer is unverified and ``ok`` False).

    Never extracts anything to disk and reads members by name only, so a hostile archive (traversal names,
    duplicate entries, huge members) is reported rather than acted upon.
    """
    p = Path(path)
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        return VerifyResult(path=str(p), errors=(f"not a readable ZIP archive: {exc}",))
    with zf:
        return _verify_open(zf, str(p), trusted_fingerprints)


def _verify_open(zf: zipfile.ZipFile, path: str, trusted: Sequence[str] | None) -> VerifyResult:
    altered: list[str] = []
    missing: list[str] = []
    unsafe: list[str] = []
    errors: list[str] = []
    infos = zf.infolist()
    names = [i.filename for i in infos]
    seen: set[str] = set()
    for name in names:
        problem = member_name_problem(name)
        if problem:
            unsafe.append(f"{name!r} ({problem})")
        if name in seen:
            errors.append(f"duplicate entry in archive: {name}")
        seen.add(name)
    present = set(names)

    def read(name: str) -> bytes | None:
        info = zf.getinfo(name)
        if info.file_size > MAX_MEMBER_BYTES:
            errors.append(f"{name}: larger than {MAX_MEMBER_BYTES} bytes, not read")
            return None
        try:
            return zf.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            altered.append(f"{name} (unreadable: {exc})")
            return None

    if MANIFEST not in present:
        missing.append(MANIFEST)
        added = sorted(n for n in present if n not in UNLISTED)
        for n in (SIGNATURE, PUBLIC_KEY):
            if n not in present:
                missing.append(n)
        return VerifyResult(path=path, missing=tuple(missing), added=tuple(added), unsafe=tuple(unsafe), errors=tuple(errors))

    manifest_bytes = read(MANIFEST) or b""
    manifest: dict[str, Any] = {}
    try:
        loaded = json.loads(manifest_bytes.decode("utf-8"))
        if not isinstance(loaded, dict) or not isinstance(loaded.get("files"), list):
            raise ValueError("no 'files' list")
        manifest = loaded
    except (ValueError, UnicodeDecodeError) as exc:
        altered.append(f"{MANIFEST} (not a valid manifest: {exc})")

    # signature
    signature_valid = False
    key_fp: str | None = None
    public = None
    if PUBLIC_KEY not in present:
        missing.append(PUBLIC_KEY)
    else:
        pem = read(PUBLIC_KEY)
        try:
            public = parse_public_key(pem or b"")
            key_fp = fingerprint(public)
        except (ValueError, TypeError) as exc:
            altered.append(f"{PUBLIC_KEY} (not an Ed25519 public key: {exc})")
    declared_fp = (manifest.get("signing_key") or {}).get("fingerprint") if manifest else None
    if public is not None and declared_fp and key_fp != declared_fp:
        altered.append(f"{PUBLIC_KEY} (fingerprint {key_fp} differs from {declared_fp} named in the manifest)")
    if SIGNATURE not in present:
        missing.append(SIGNATURE)
    elif public is not None:
        raw = read(SIGNATURE) or b""
        try:
            sig = base64.b64decode(raw.strip(), validate=True)
        except (binascii.Error, ValueError):
            sig = b""
        signature_valid = len(sig) == 64 and verify_signature(public, sig, manifest_bytes)
        if not signature_valid and (not declared_fp or key_fp == declared_fp):
            altered.append(f"{MANIFEST} or {SIGNATURE} (the signature does not verify: one of them was changed)")

    listed: set[str] = set()
    checked = 0
    for entry in manifest.get("files", []) if manifest else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            errors.append(f"{MANIFEST}: malformed file entry {entry!r}")
            continue
        name = entry["path"]
        listed.add(name)
        problem = member_name_problem(name)
        if problem:
            unsafe.append(f"{name!r} listed in manifest ({problem})")
            continue
        if name not in present:
            missing.append(name)
            continue
        body = read(name)
        if body is None:
            continue
        checked += 1
        if hashlib.sha256(body).hexdigest() != entry.get("sha256") or len(body) != entry.get("size", len(body)):
            altered.append(name)
    added = sorted(n for n in present if n not in listed and n not in UNLISTED)
    development = key_fp is not None and key_fp == development_fingerprint()
    key_trusted = bool(trusted) and key_fp in set(trusted or ()) and not development
    return VerifyResult(
        path=path,
        altered=tuple(altered),
        missing=tuple(missing),
        added=tuple(added),
        unsafe=tuple(unsafe),
        signature_valid=signature_valid,
        key_fingerprint=key_fp,
        key_trusted=key_trusted,
        development_key=development,
        trusted_given=bool(trusted),
        request_id=manifest.get("request_id") if manifest else None,
        files_checked=checked,
        errors=tuple(errors),
    )
