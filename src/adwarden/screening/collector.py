"""How processes that work through batches of posts keep Python's cyclic garbage collector out of the way.

Why a module of its own: the API's writer, a file ingest's storing process and every screening worker tune the
collector the same way, and the screening pool (:mod:`adwarden.screening.parallel`) and the batcher
(:mod:`adwarden.screening.batcher`, which uses the pool) both need it without importing each other.
"""

from __future__ import annotations

import gc
import time

__all__ = ["BATCH_GC_THRESHOLD", "FREEZE_EVERY_SECONDS", "STORING_GC_THRESHOLD", "collect_every",
           "collect_less_often", "freeze_long_lived", "freeze_now_and_then"]

#: How often the writer moves long-lived objects out of the collector's way (see freeze_long_lived).
FREEZE_EVERY_SECONDS = 1.0

_last_freeze = time.monotonic()


def freeze_now_and_then() -> None:
    """:func:`freeze_long_lived` at most once every :data:`FREEZE_EVERY_SECONDS` in this process: called after
    every stored batch by each writer (the API's, a file ingest's), so the state they grow is frozen as it
    grows."""
    global _last_freeze
    now = time.monotonic()
    if now - _last_freeze > FREEZE_EVERY_SECONDS:
        _last_freeze = now
        freeze_long_lived()


#: The young generation's collection threshold in processes that work through batches of posts (a file
#: ingest's storing process, every screening worker). Python's default, 700 allocations, ran a young
#: collection every post or two, which promoted the batch's screenings (alive until the batch is shipped or
#: stored) into the older generations and so triggered their collections as well: 56 µs of a screening
#: worker's CPU per post, 1 µs with this threshold and :func:`freeze_long_lived` (docs/PERFORMANCE.md).
BATCH_GC_THRESHOLD = 10_000


#: The young threshold of a file ingest's storing process. It unpickles each batch the worker screened (posts,
#: screenings, prepared rows: about 250 objects per post, alive until the batch is stored), so at
#: :data:`BATCH_GC_THRESHOLD` a young collection ran several times per batch and walked the batches in flight
#: each time; at 50,000 about once per batch. Its young and middle collections fell from 1.1 to 0.7-0.9 s of
#: CPU per 20,000 posts (docs/PERFORMANCE.md); it makes about 30 objects of cyclic garbage per batch.
STORING_GC_THRESHOLD = 50_000


def collect_less_often(threshold: int = BATCH_GC_THRESHOLD) -> None:
    """Raise the young generation's threshold to ``threshold`` in this process (never lower it); the older
    generations keep their ratios. Cyclic garbage is still collected, in larger, rarer passes."""
    young, *older = gc.get_threshold()
    if young < threshold:
        gc.set_threshold(threshold, *older)


def collect_every(threshold: int = BATCH_GC_THRESHOLD) -> None:
    """Set the young generation's threshold to exactly ``threshold`` in this process; the older generations keep
    their ratios.

    Why not :func:`collect_less_often`: a forked screening worker inherits its parent's threshold, which a
    storing process may already have raised to :data:`STORING_GC_THRESHOLD` (the pool is forked again after a
    worker dies, or by a later ingest in the same process); the worker's own batches want its own setting."""
    _young, *older = gc.get_threshold()
    gc.set_threshold(threshold, *older)


def freeze_long_lived() -> None:
    """Move the objects that survived a young collection into the permanent generation.

    Why: the in-process state AdWarden keeps (network linker, detector tables) grows into millions of
    objects; Python's full (generation 2) collections scan them all and stalled the API writer for 200-300 ms
    at a time. Frozen objects are never scanned; garbage made by requests dies young and is still collected.
    """
    gc.collect(1)
    gc.freeze()
