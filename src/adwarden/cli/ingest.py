"""``adwarden ingest FILE``: screen and store a JSONL or CSV file of posts."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial
from typing import IO, Any

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.domain import PostInput
from adwarden.ingest.files import JsonlChunk, detect_format, jsonl_chunks, parse_mapping, read_records
from adwarden.pipeline import Screening
from adwarden.runtime import warm_up_storing
from adwarden.screening.collector import STORING_GC_THRESHOLD, collect_less_often, freeze_long_lived
from adwarden.screening.parallel import ScreeningPipeline
from adwarden.screening.service import prepare_batch


@click.command("ingest")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, exists=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="Input format (default: by extension).")
@click.option("--map", "mapping", multiple=True, metavar="TARGET=SOURCE",
              help="Read a schema field from a differently named source field, e.g. external_id=sid or "
                   "account.phone=phone. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary object at the end.")
@click.option("--batch-size", type=click.IntRange(1, 10000), default=None,
              help="Posts committed per transaction, at most (a JSONL batch is this many lines, rejected and "
                   "blank ones left out; default: ADWARDEN_INGEST_BATCH_SIZE).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--ack", is_flag=True,
              help="After each committed batch print 'ack LINE' on stderr: every record up to LINE is stored.")
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Processes that screen ahead of the writer (default: 1 on a multi-core machine; 0 screens "
                   "in-process).")
@handle_errors
def ingest_cmd(file: str, fmt: str | None, mapping: tuple[str, ...], as_json: bool, batch_size: int | None,
               progress: bool | None, ack: bool = False, workers: int | None = None) -> None:
    """Screen and store every post in FILE (JSONL or CSV; '-' reads stdin).

    Bad records are reported by line and skipped; the rest go on, and the command then exits 1 saying how many
    were rejected. Each batch is committed before it is counted as accepted, so stopping midway loses nothing
    counted, and running the same file again adds no duplicates.
    """
    # Everything imported so far lives as long as the process: out of the collector's sight, and young
    # collections rarer, before the start-up builds its tables (full collections over them were about 0.7 s
    # of this process's CPU).
    freeze_long_lived()
    collect_less_often()
    state = get_state()
    rt = state.runtime
    actor = state.actor
    maps = parse_mapping(mapping)
    size = batch_size or rt.settings.ingest_batch_size
    kind = detect_format(file, fmt)
    stream: IO[bytes] = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    read = 0
    rejected: list[dict[str, Any]] = []
    statuses: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    cases = 0

    def batches() -> Iterator[tuple[list[PostInput], int]]:
        """Read records (CSV; a JSONL file is read by the screening worker), report bad ones, and yield
        ``(batch, last line read)``."""
        nonlocal read
        batch: list[PostInput] = []
        last_line = 0
        for rec in read_records(stream, kind, mapping=maps, max_body_chars=rt.settings.max_body_bytes,
                                max_field_chars=rt.settings.max_field_chars):
            read += 1
            last_line = rec.line
            if rec.error is not None:
                rejected.append({"line": rec.line, "error": str(rec.error)})
            elif rec.post is not None:
                batch.append(rec.post)
                if len(batch) >= size:
                    yield batch, last_line
                    batch = []
        if batch or last_line:
            yield batch, last_line

    try:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        # The pool is forked before the progress bar starts its refresh thread. The worker also builds each
        # batch's rows and network records (prepare_batch), so this process mostly runs SQL.
        link = rt.networks.config
        prepare = partial(prepare_batch, link=True, text=None if "text" in link.disabled else link.text)
        with ScreeningPipeline[int](rt.screener, workers=_screening_workers(workers), prepare=prepare) as pipeline, \
                Progress(TextColumn("ingest"), BarColumn(), TextColumn("{task.completed} records"),
                         TimeElapsedColumn(), disable=not show, transient=True) as bar:
            task = bar.add_task("ingest", total=None)
            if pipeline.forked:  # while the worker warms up the screener
                warm_up_storing(rt)
                collect_less_often(STORING_GC_THRESHOLD)  # this process only stores (the worker keeps its own)

            def store(posts: Sequence[PostInput], screenings: list[Screening], prepared: list[Any],
                      last_line: int) -> None:
                nonlocal cases
                if posts:
                    for o in rt.ingest(posts, actor=actor, screenings=screenings, prepared=prepared):
                        statuses[o.status] += 1
                        if o.assessment is not None:
                            actions[o.assessment.verdict.action.value] += 1
                        if o.case_id and o.status != "duplicate":
                            cases += 1
                if ack:  # everything up to last_line is committed (or was rejected)
                    click.echo(f"ack {last_line}", err=True)
                bar.update(task, completed=read)

            if kind == "jsonl":  # the worker reads and validates the lines too; this process cuts the file
                chunks = (JsonlChunk(first, data, maps, rt.settings.max_body_bytes, rt.settings.max_field_chars)
                          for first, data in jsonl_chunks(stream, size))
                for got, screenings, prepared in pipeline.run_chunks(chunks):
                    read += got.read
                    rejected.extend({"line": line, "error": error} for line, error in got.rejected)
                    store(got.posts, screenings, prepared, got.last_line)
            else:
                for posts, screenings, prepared, last_line in pipeline.run_prepared(batches()):
                    store(posts, screenings, prepared, last_line)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    accepted, versions = statuses["accepted"], statuses["new-version"]
    duplicates, reverted = statuses["duplicate"], statuses["reverted"]
    seconds = round(time.perf_counter() - started, 3)
    action_counts = {a: actions.get(a, 0) for a in ("allow", "hold", "block")}
    summary: dict[str, Any] = {
        "read": read,
        "accepted": accepted,
        "new_versions": versions,
        "reverted": reverted,
        "duplicates": duplicates,
        "rejected": rejected,
        "actions": action_counts,
        "cases_opened_or_updated": cases,
        "seconds": seconds,
        "posts_per_second": round((accepted + versions + reverted + duplicates) / seconds, 1) if seconds else None,
    }
    if as_json:
        emit_json(summary)
    else:
        _print_summary(file, summary, cases)
    if rejected:
        click.echo(f"error: {len(rejected)} of {read} records rejected (named above); the other records were "
                   "stored", err=True)
        sys.exit(1)


def _print_summary(file: str, summary: dict[str, Any], cases: int) -> None:
    rejected: list[dict[str, Any]] = summary["rejected"]
    action_counts: dict[str, int] = summary["actions"]
    seconds = summary["seconds"]
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"ingest {file}", show_header=False)
    for key in ("read", "accepted", "new_versions", "reverted", "duplicates"):
        table.add_row(key.replace("_", " "), str(summary[key]))
    table.add_row("rejected", str(len(rejected)))
    for a, n in action_counts.items():
        table.add_row(f"action {a}", str(n))
    table.add_row("cases opened/updated", str(cases))
    table.add_row("seconds", str(seconds))
    console = Console()
    console.print(table)
    for r in rejected[:20]:
        console.print(Text.assemble(("rejected ", "red"), str(r["error"])))
    if len(rejected) > 20:
        console.print(f"... and {len(rejected) - 20} more rejected records (use --json for all)")


def _screening_workers(requested: int | None) -> int:
    if requested is not None:
        return requested
    return 1 if (os.cpu_count() or 1) >= 2 else 0


commands = [ingest_cmd]
