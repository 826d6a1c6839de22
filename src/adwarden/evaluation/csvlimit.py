"""Reading evaluation CSVs whose fields exceed the csv module's default limit, without changing it for others.

Why: ``csv.field_size_limit`` is process-wide. Ingest relies on it to reject an oversized CSV field as a line
error; an evaluation that widened it for good changed what ingest accepts later in the same process.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def wide_csv_fields() -> Iterator[None]:
    """Allow fields of any size inside the block; the previous limit is restored after it."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)
