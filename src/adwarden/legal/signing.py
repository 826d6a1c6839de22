"""Ed25519 keys for signing evidence-package manifests.

A package carries its public key so anyone can check it offline, but a key inside the package only
proves the package was not changed *after* signing by whoever holds that key. Recipients should compare
:func:`fingerprint` with the fingerprint the platform publishes (``adwarden legal key``) to know it was
this platform that signed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from adwarden.domain.errors import ConfigError

#: A well-known development key (RFC 8032 test vector 1's secret). Using it outside development is
#: refused by :func:`load_signing_key` because anybody could forge packages with it.
DEVELOPMENT_KEY_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    """``sha256:<hex>`` of the raw 32-byte public key: short enough to read over the phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_private_key(material: str | bytes) -> Ed25519PrivateKey:
    """Accept a PEM (PKCS#8) private key or the 32-byte seed as 64 hex characters."""
    data = material.encode() if isinstance(material, str) else material
    text = data.strip()
    if len(text) == 64 and all(c in b"0123456789abcdefABCDEF" for c in text):
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text.decode()))
    try:
        key = serialization.load_pem_private_key(text, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"signing key is neither an Ed25519 PEM private key nor 64 hex characters ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("signing key must be an Ed25519 key")
    return key


def parse_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("public key is not Ed25519")
    return key


def load_signing_key(
    *, key: str | None, key_path: str | Path | None, environment: str
) -> Ed25519PrivateKey:
    """The signing key from settings: ``key_path`` (a PEM or hex file) wins over ``key``; with neither, the
    well-known development key — refused (:class:`ConfigError`) outside ``development``/``test``."""
    if key_path:
        path = Path(key_path)
        try:
            material: str | bytes = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read signing key file {path}: {exc.strerror}") from None
        private = parse_private_key(material)
    elif key:
        private = parse_private_key(key)
    else:
        private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(DEVELOPMENT_KEY_HEX))
    if environment not in {"development", "test"} and is_development_key(private):
        raise ConfigError(
            "the evidence signing key is the public development key; set ADWARDEN_LEGAL_SIGNING_KEY_PATH "
            "to a private Ed25519 key (generate one with `adwarden legal keygen`)"
        )
    return private


def is_development_key(key: Ed25519PrivateKey) -> bool:
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return raw.hex() == DEVELOPMENT_KEY_HEX


def development_fingerprint() -> str:
    """The fingerprint of the public development key: a package signed with it proves nothing."""
    return fingerprint(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(DEVELOPMENT_KEY_HEX)).public_key())


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
