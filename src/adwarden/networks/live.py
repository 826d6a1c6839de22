"""The live network state of one process, kept in step with the durable network log.

Why: a reviewer looking at a post held at ingest needs its network now, and screening needs the network's facts
in the same transaction that stores the post. Linking is a union-find over the whole corpus, so every process
keeps an :class:`~adwarden.detect.network.incremental.IncrementalLinker` in memory; but memory is only a cache.
What is true is what committed: the posts' live versions and the network change log
(:mod:`adwarden.storage.sql.network_log`), whose sequence numbers follow commit order.

* Before answering, a process catches up: new posts are appended in log order; an edit, a revert or a purge
  (which can split a network) rebuilds the linker from the stored live versions. Two API workers and a CLI on one
  database therefore reach the same networks.
* An ingest transaction locks the log, catches up, logs its batch and links it tentatively so that screening sees
  the batch's networks. If the transaction rolls back, the linker is dropped and rebuilt on next use: nothing that
  did not commit survives. The process-local lock is held until the transaction ends, so no other thread reads
  the tentative state.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from adwarden.detect.network.incremental import IncrementalLinker
from adwarden.detect.network.linker import LinkConfig
from adwarden.detect.network.minhash import TextSignature
from adwarden.detect.network.model import LinkResult, Network
from adwarden.detect.network.records import LinkRecord
from adwarden.storage.sql.database import Connection, after_commit, after_rollback
from adwarden.storage.sql.network_log import append_changes, changes_since, last_seq, lock_log
from adwarden.storage.sql.networks import load_records

__all__ = ["LiveNetworks"]


class LiveNetworks:
    """A process's view of the networks of every stored post (see the module docstring).

    >>> live = LiveNetworks()  # the runtime builds one per process  # doctest: +SKIP
    >>> with db.read() as conn:  # doctest: +SKIP
    ...     live.facts_for(conn, post_id)
    """

    def __init__(self, config: LinkConfig | None = None) -> None:
        self.config = config or LinkConfig()
        self._linker: IncrementalLinker | None = None
        self._applied = 0
        self._lock = threading.RLock()
        #: Full rebuilds so far (after edits, reverts, purges, rollbacks, or the first use).
        self.rebuilds = 0

    # -- reading ------------------------------------------------------------------------------------------------
    def facts_for(self, conn: Connection, post_id: str) -> dict[str, Any]:
        """Facts of the post's network as of what ``conn`` sees committed (``{}`` when it is in none)."""
        with self._lock:
            linker = self._caught_up(conn)
            return linker.facts_of(post_id) if post_id in linker else {}

    def network_of(self, conn: Connection, post_id: str) -> Network | None:
        """The post's network (its members), or None when the post is alone or unknown."""
        with self._lock:
            linker = self._caught_up(conn)
            return linker.network_of(post_id)

    def result(self, conn: Connection) -> LinkResult:
        """Every network, with its links and ignored identifiers (as :func:`link_records` would give them)."""
        with self._lock:
            return self._caught_up(conn).result()

    def applied_seq(self) -> int:
        """The last log sequence number this process has applied."""
        return self._applied

    # -- writing (inside an ingest transaction) ------------------------------------------------------------------
    def stage(self, conn: Connection, changes: Sequence[tuple[str, str]], *,
              records: Mapping[str, LinkRecord] | None = None,
              signatures: Mapping[str, TextSignature] | None = None) -> Mapping[str, Mapping[str, Any]]:
        """Log ``(post_id, op)`` changes in ``conn``'s transaction (after their versions are stored) and link
        them; returns each changed post's network facts. The process lock is held until the transaction ends.

        ``records``: the changed posts' records as this transaction stores them
        (:func:`~adwarden.storage.sql.networks.stored_record`), so that new posts are linked without reading
        back the rows just written; a post missing from it is read from storage. ``signatures``: their text
        signatures computed beforehand, if any (see :meth:`IncrementalLinker.add_many`)."""
        self._lock.acquire()
        after_commit(conn, self._lock.release)
        after_rollback(conn, self._rolled_back)
        committed = lock_log(conn)
        if all(op == "add" for _, op in changes):
            linker = self._caught_up(conn, upto=committed)
            # a rebuild while catching up reads this transaction's rows, so the batch may be in already
            missing = [p for p, _ in changes if p not in linker]
            if missing:
                linker.add_many(self._records_of(conn, missing, records or {}), signatures=signatures)
            self._applied = append_changes(conn, changes, after=committed)
        else:  # an edit or a revert can split a network: one rebuild, which reads the batch's own rows
            self._applied = append_changes(conn, changes, after=committed)
            linker = self._rebuild(conn)
        return {p: linker.facts_of(p) for p, _ in changes if p in linker}

    @staticmethod
    def _records_of(conn: Connection, post_ids: Sequence[str], known: Mapping[str, LinkRecord]) -> list[LinkRecord]:
        """Records of ``post_ids`` in that order: from ``known`` when there, the others from storage."""
        unknown = [p for p in post_ids if p not in known]
        loaded = {r.post_id: r for r in load_records(conn, unknown)} if unknown else {}
        return [known[p] if p in known else loaded[p] for p in post_ids if p in known or p in loaded]

    def _rolled_back(self) -> None:
        self._linker = None
        self._applied = 0
        self._lock.release()

    # -- catching up --------------------------------------------------------------------------------------------
    def _caught_up(self, conn: Connection, *, upto: int | None = None) -> IncrementalLinker:
        if self._linker is None:
            return self._rebuild(conn, upto=upto)
        if upto is not None and self._applied >= upto:
            return self._linker  # nothing committed since this process last wrote or read the log
        changes = changes_since(conn, self._applied, upto=upto)
        if not changes:
            return self._linker
        linker = self._linker
        fresh = [p for _, p, op in changes if op == "add"]
        if len(fresh) == len(changes) and not any(p in linker for p in fresh):
            linker.add_many(load_records(conn, fresh))
            self._applied = changes[-1][0]
            return linker
        return self._rebuild(conn, upto=upto)

    def _rebuild(self, conn: Connection, *, upto: int | None = None) -> IncrementalLinker:
        linker = IncrementalLinker(self.config)
        seq = last_seq(conn) if upto is None else upto
        linker.add_many(load_records(conn))
        self._linker = linker
        self._applied = seq
        self.rebuilds += 1
        return linker
