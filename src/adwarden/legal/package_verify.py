"""Verification of an evidence package received from elsewhere: hashes, signature, added or missing files.

Kept apart from building: verifying trusts nothing in the archive (names, sizes, the key inside it), and reads
members by name only, so it is written and reviewed as the code that faces hostile input.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adwarden.legal.package_layout import MANIFEST, PUBLIC_KEY, SIGNATURE, UNLISTED, member_name_problem
from adwarden.legal.signing import development_fingerprint, fingerprint, parse_public_key, verify_signature

#: A member larger than this is not read during verification (guards against ZIP bombs).
MAX_MEMBER_BYTES = 2 * 1024**3


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
