"""The ingest write path kept fast without giving anything up: a batch is linked from the records of the rows it
writes (they must equal what storage reads back), and a SQLite writer waiting for the write lock gets it once the
other writer lets go, or fails as before when it never does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from adwarden.domain import Account, Actor, MediaRef, StorageError
from adwarden.ingest.identity import post_id_for
from adwarden.runtime import Runtime
from adwarden.storage.sql import database as database_module
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.networks import load_records
from tests.factories import post

ACTOR = Actor.system("test")
PDQ = "A" * 64  # upper case: storage lower-cases it for the linker


def test_the_records_linked_at_ingest_are_the_ones_storage_reads_back(
    backend_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = backend_runtime
    rt.ingest([post("w-0")], actor=ACTOR)  # the linker is built (from storage) by the first batch
    linked: list[object] = []
    original = rt.networks._records_of

    def spy(conn: object, post_ids: object, known: object) -> object:
        out = original(conn, post_ids, known)  # type: ignore[arg-type]
        linked.extend(out)
        return out

    monkeypatch.setattr(rt.networks, "_records_of", spy)
    posted = datetime(2026, 11, 1, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-8)))
    batch = [
        post("w-1", body="Desk, call 206-555-0111 or write desk@example.com", posted_at=posted,
             location="Seattle, WA", category="furniture",
             account=Account(id="u-1", email="U1@Example.com", phone="206-555-0111"),
             media=(MediaRef(url="https://example.com/1.jpg", sha256="b" * 64, pdq=PDQ),)),
        post("w-2", title=None, body="Chair. Ask for Maria, 24. ig: example_chairs " + "x" * 600),
        post("w-3", body="Lamp, call 206-555-0111"),
        post("w-3", body="Lamp, call 206-555-0112"),  # edited within the batch: the live version is this one
    ]
    rt.ingest(batch, actor=ACTOR)
    ids = [post_id_for("example-classifieds", x) for x in ("w-1", "w-2", "w-3")]
    with rt.db.read() as conn:
        stored = load_records(conn, ids)
    assert len(linked) == 3
    assert sorted(linked, key=lambda r: r.post_id) == sorted(stored, key=lambda r: r.post_id)  # type: ignore[attr-defined]
    by_id = {r.post_id: r for r in stored}
    assert by_id[ids[0]].image_hashes == (PDQ.lower(),)
    assert by_id[ids[0]].posted_at == posted
    assert "206-555-0112" in by_id[ids[2]].text


def _hold_write_lock(url: str, seconds: float, held: threading.Event) -> None:
    db = Database(url)
    try:
        with db.transaction():
            held.set()
            time.sleep(seconds)
    finally:
        db.dispose()


@contextmanager
def _while_another_writer_holds_the_lock(url: str, seconds: float) -> Iterator[Database]:
    """A second handle on ``url`` while a thread's transaction holds the write lock for ``seconds``."""
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(url, seconds, held))
    holder.start()
    held.wait(10)
    db = Database(url)
    try:
        yield db
    finally:
        holder.join()
        db.dispose()


def test_a_waiting_sqlite_writer_gets_the_lock_when_the_other_commits(tmp_path: Path) -> None:
    with _while_another_writer_holds_the_lock(f"sqlite:///{tmp_path / 'lock.db'}", 0.3) as db, \
            db.transaction() as conn:  # waits for the holder's transaction, then proceeds
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == database_module.BUSY_TIMEOUT_MS


def test_a_sqlite_writer_that_never_gets_the_lock_fails_as_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "WRITE_LOCK_POLL_SECONDS", 0.05)
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 50)
    with _while_another_writer_holds_the_lock(f"sqlite:///{tmp_path / 'lock.db'}", 1.0) as db, \
            pytest.raises(StorageError, match="locked"), db.transaction():
        pass
