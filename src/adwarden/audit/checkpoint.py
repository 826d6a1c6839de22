"""Signed checkpoints of the audit chain head, kept outside the database.

The hash chain proves that no event was changed *relative to the head stored next to it*; someone who can
write to the database can still delete the tail and move the head, delete everything, or rewrite events and
rehash the whole chain, and :func:`~adwarden.audit.verify.verify_chain` would pass. A checkpoint is the head
(sequence number and hash) signed with Ed25519 and written as a small JSON file to a directory that operators
ship elsewhere (object storage with retention, another host, a WORM bucket). Verification then checks that
every checkpointed event still exists with the same hash: a rewrite changes it, a truncation or deletion
removes it, and the insider cannot forge a new checkpoint without the signing key.

Checkpoints are written by ``adwarden audit checkpoint`` (cron), at a fixed interval by the API server, and
after every evidence package. Example::

    cp = make_checkpoint(conn, key, now=datetime.now(UTC))
    write_checkpoint(cp, Path("/srv/adwarden/checkpoints"))
    problems = check_checkpoints(conn, load_checkpoints(directory, public_key=key.public_key()))
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from adwarden.domain.json_text import canonical_json
from adwarden.storage.sql.audit_store import chain_head, event_hashes
from adwarden.storage.sql.database import Connection

log = logging.getLogger(__name__)

FORMAT = "adwarden-audit-checkpoint"
FORMAT_VERSION = 1


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """``sha256:<hex>`` of the raw public key (the same fingerprint evidence packages publish)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment: event ``seq`` has hash ``head_hash``. ``reason`` says why it was taken."""

    seq: int
    head_hash: str
    created_at: str
    reason: str
    key_fingerprint: str
    signature: str = ""

    def body(self) -> bytes:
        """The exact bytes signed: everything but the signature, canonical JSON."""
        return canonical_json({
            "format": FORMAT, "format_version": FORMAT_VERSION, "seq": self.seq, "head_hash": self.head_hash,
            "created_at": self.created_at, "reason": self.reason, "key_fingerprint": self.key_fingerprint,
        }).encode("utf-8")

    def to_json(self) -> dict[str, object]:
        return {**json.loads(self.body()), "signature": self.signature}


def make_checkpoint(conn: Connection, key: Ed25519PrivateKey, *, now: datetime, reason: str = "interval") -> Checkpoint:
    """Sign the committed chain head as seen by ``conn`` (call it outside a write transaction)."""
    head = chain_head(conn)
    seq, digest = (head.last_seq, head.last_hash) if head is not None else (0, "0" * 64)
    unsigned = Checkpoint(seq, digest, now.astimezone(UTC).isoformat(), reason, key_fingerprint(key.public_key()))
    signature = base64.b64encode(key.sign(unsigned.body())).decode("ascii")
    return Checkpoint(seq, digest, unsigned.created_at, reason, unsigned.key_fingerprint, signature)


def write_checkpoint(checkpoint: Checkpoint, directory: Path) -> Path:
    """Write ``checkpoint-<seq>-<time>.json`` atomically (a partial file is never seen by a shipper)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint.created_at.replace(":", "").replace("-", "").split(".")[0].split("+")[0]
    path = directory / f"checkpoint-{checkpoint.seq:012d}-{stamp}-{checkpoint.signature[:8].replace('/', '_')}.json"
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(checkpoint.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


@dataclass(frozen=True)
class LoadedCheckpoints:
    checkpoints: tuple[Checkpoint, ...]
    problems: tuple[str, ...]


def _verify(cp: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(cp.signature, validate=True), cp.body())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def load_checkpoints(directory: Path, *, public_key: Ed25519PublicKey) -> LoadedCheckpoints:
    """Every ``checkpoint-*.json`` in ``directory`` whose signature verifies with ``public_key``; a file that
    is malformed or signed with another key is a problem (someone may be trying to replace the anchors)."""
    if not directory.is_dir():
        return LoadedCheckpoints((), (f"{directory}: not a directory of checkpoints",))
    good: list[Checkpoint] = []
    problems: list[str] = []
    for path in sorted(directory.glob("checkpoint-*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            cp = Checkpoint(int(raw["seq"]), str(raw["head_hash"]), str(raw["created_at"]), str(raw["reason"]),
                            str(raw["key_fingerprint"]), str(raw["signature"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path.name}: not a checkpoint ({exc})")
            continue
        if not _verify(cp, public_key):
            problems.append(f"{path.name}: signature does not verify with the trusted key "
                            f"{key_fingerprint(public_key)}")
            continue
        good.append(cp)
    if not good and not problems:
        problems.append(f"{directory}: no checkpoints")
    return LoadedCheckpoints(tuple(good), tuple(problems))


def check_checkpoints(conn: Connection, checkpoints: Sequence[Checkpoint]) -> list[str]:
    """One line per checkpoint the database no longer matches: the event is gone (truncation, deletion) or
    has another hash (a rewrite, even a fully rehashed one), or the head is behind a checkpoint."""
    problems: list[str] = []
    head = chain_head(conn)
    last_seq = head.last_seq if head is not None else 0
    stored = event_hashes(conn, (cp.seq for cp in checkpoints if cp.seq))
    for cp in sorted(checkpoints, key=lambda c: c.seq):
        if cp.seq == 0:
            continue
        found = stored.get(cp.seq)
        if found is None:
            problems.append(f"checkpoint of {cp.created_at}: event {cp.seq} is gone (the log was truncated or "
                            f"deleted; the head now records {last_seq})")
        elif found != cp.head_hash:
            problems.append(f"checkpoint of {cp.created_at}: event {cp.seq} has another hash than when it was "
                            "checkpointed (the log was rewritten)")
        elif last_seq < cp.seq:
            problems.append(f"checkpoint of {cp.created_at}: the head records {last_seq} events, fewer than the "
                            f"{cp.seq} checkpointed")
    return problems


class PeriodicCheckpoints:
    """A daemon thread writing a checkpoint every ``seconds`` while the head moved (the API server runs one).

    ``read`` opens a read-only connection (``Database.read``); it is passed in so this module stays free of
    the runtime's wiring.
    """

    def __init__(self, read: Callable[[], AbstractContextManager[Connection]], key: Ed25519PrivateKey,
                 directory: Path, seconds: float) -> None:
        self._read, self._key, self._dir, self._seconds = read, key, directory, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-checkpoints", daemon=True)
        self._last_seq = -1

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def tick(self) -> Path | None:
        """Write one checkpoint if events were appended since the last one."""
        with self._read() as conn:
            cp = make_checkpoint(conn, self._key, now=datetime.now(UTC), reason="interval")
        if cp.seq == self._last_seq:
            return None
        self._last_seq = cp.seq
        return write_checkpoint(cp, self._dir)

    def _run(self) -> None:
        while not self._stop.wait(self._seconds):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a full disk must not kill the server; the next tick retries
                log.exception("audit checkpoint failed")
