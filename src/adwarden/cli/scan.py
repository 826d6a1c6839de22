"""``adwarden scan CORPUS``: the analyst's one command over a scraped corpus.

Reads JSONL, CSV or Parquet (files, directories, globs) on every core, screens every ad, links the ads into
networks and writes a directory with a self-contained HTML report plus the same findings as JSON and
Parquet. Nothing is stored unless ``--store`` is given; then the corpus is also ingested through the normal,
audited ingest path.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.detect.network.records import LINK_KINDS

#: Exit code when the scan completed but some records were rejected (0: every record was read).
EXIT_REJECTED = 6


def _default_out(corpus: Sequence[str]) -> str:
    stem = Path(corpus[0].rstrip("/*")).stem or "corpus"
    return f"scan-{stem}"


@click.command("scan")
@click.argument("corpus", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: ./scan-NAME after the first input).")
@click.option("--map", "mapping", multiple=True, metavar="TARGET=SOURCE",
              help="Read a schema field from a differently named field, e.g. external_id=url. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]),
              help="Input format (default: by file extension).")
@click.option("--workers", type=click.IntRange(0, 256), default=None,
              help="Worker processes (default: every core; 0 runs in this process).")
@click.option("--no-link", "no_link", multiple=True, type=click.Choice(LINK_KINDS),
              help="Switch a link kind off (repeatable).")
@click.option("--store", is_flag=True, help="Also ingest the corpus into the database (screened, audited).")
@click.option("--spark", is_flag=True, help="Run the scan as an Apache Spark job (see docs/networks.md).")
@click.option("--master", default="local[*]", show_default=True, help="With --spark: the Spark master URL.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the totals and output paths as JSON.")
@handle_errors
def scan_cmd(corpus: tuple[str, ...], out_dir: str | None, mapping: tuple[str, ...], fmt: str | None,
             workers: int | None, no_link: tuple[str, ...], store: bool, spark: bool, master: str,
             progress: bool | None, as_json: bool) -> None:
    """Screen a corpus of ads, link them into networks, and write a report.

    CORPUS is one or more files, directories or globs of JSONL, CSV or Parquet records in the ingest schema
    (use --map for other field names). The output directory gets report.html (open it in a browser; it needs
    no network), scan.json, posts.parquet, networks.parquet and rejected.parquet. Bad records are listed with
    file and line and the rest goes on. Exit code 0: every record was read; 6: some were rejected; 1: the
    corpus could not be scanned (no such path, no id field).
    """
    from adwarden.detect.network.linker import LinkConfig
    from adwarden.ingest.files import parse_mapping
    from adwarden.runtime import build_screener
    from adwarden.scan.runner import ScanOptions, run_scan

    state = get_state()
    settings = state.settings
    maps = parse_mapping(mapping)
    out = out_dir or _default_out(corpus)
    link = LinkConfig(disabled=frozenset(no_link))
    if spark:
        from adwarden.batch.scan_job import spark_scan

        summary = spark_scan(list(corpus), out, settings=settings, mapping=maps,
                             fmt=fmt if fmt != "csv" else _no_csv(), config=link, master=master)
        _finish(summary, {"dir": out}, as_json)
        return
    screener = state.runtime.screener if store else build_screener(settings)
    opts = ScanOptions(mapping=maps, fmt=fmt, workers=workers, link=link,
                       max_body_chars=settings.max_body_bytes, max_field_chars=settings.max_field_chars)
    show = sys.stderr.isatty() if progress is None else progress
    with _progress_bar(show) as update:
        outcome = run_scan(list(corpus), screener, out, opts, progress=update)
    stored: dict[str, Any] | None = None
    if store:
        stored = _store(outcome.sources, maps, settings.max_body_bytes, settings.max_field_chars, show)
        outcome.summary["stored"] = stored
    _finish(outcome.summary, outcome.files, as_json, stored)


def _no_csv() -> str:
    from adwarden.domain import InputError

    raise InputError("the Spark job reads JSONL or Parquet; convert CSV first (or scan it without --spark)",
                     field="--format")


def _finish(summary: dict[str, Any], files: dict[str, str], as_json: bool,
            stored: dict[str, Any] | None = None) -> None:
    totals = summary["totals"]
    if as_json:
        emit_json({"totals": totals, "files": files, "seconds": summary.get("seconds", {}),
                   **({"stored": stored} if stored is not None else {})})
    else:
        click.echo(f"{totals['records']:,} records: {totals['posts']:,} posts, {totals['rejected']:,} rejected, "
                   f"{totals['duplicates']:,} duplicates; {totals['networks']:,} networks "
                   f"({totals['networked_posts']:,} posts, largest {totals['largest_network']:,}); "
                   f"{totals['posts_with_stated_minor']:,} posts state a minor")
        for r in summary.get("rejected", [])[:10]:
            field = f"{r['field']}: " if r.get("field") else ""
            click.echo(f"rejected {r['file']}:{r['line']}: {field}{r['error']}", err=True)
        if totals["rejected"] > 10:
            click.echo(f"... and {totals['rejected'] - 10:,} more (all in scan.json)", err=True)
        if stored is not None:
            click.echo(f"stored: {stored}")
        click.echo(f"report: {files.get('report.html', files.get('dir'))}")
    if totals["rejected"]:
        sys.exit(EXIT_REJECTED)


class _progress_bar:  # noqa: N801 - used as a context manager like a function
    """A rich progress bar over input bytes with records/s and time left; a no-op when hidden."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self._bar: Any = None
        self._task: Any = None
        self._started = time.perf_counter()

    def __enter__(self) -> Any:
        if not self.show:
            return None
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("scan"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                             TextColumn("{task.fields[records]:>12,} records"),
                             TextColumn("{task.fields[rate]:>8,.0f}/s"), TimeElapsedColumn(),
                             TextColumn("left"), TimeRemainingColumn(), transient=True)
        self._bar.start()
        self._task = self._bar.add_task("scan", total=None, records=0, rate=0.0)
        return self.update

    def update(self, done: int, total: int, records: int) -> None:
        rate = records / max(time.perf_counter() - self._started, 1e-6)
        self._bar.update(self._task, completed=done, total=total, records=records, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _store(sources: Sequence[Any], mapping: dict[str, str], max_body: int, max_field: int,
           show: bool) -> dict[str, Any]:
    """Ingest every source through the normal ingest path (screened ahead in a forked worker, committed in
    batches, audited); returns the counts by status."""
    from collections import Counter

    from adwarden.domain import PostInput
    from adwarden.scan.sources import plan_chunks
    from adwarden.scan.worker import chunk_records
    from adwarden.screening.parallel import ScreeningPipeline

    state = get_state()
    rt = state.runtime
    size = rt.settings.ingest_batch_size
    statuses: Counter[str] = Counter()

    def batches() -> Iterator[tuple[list[PostInput], int]]:
        batch: list[PostInput] = []
        for chunk in plan_chunks(sources):
            for _line, post, _error in chunk_records(chunk, mapping, max_body, max_field)[0]:
                if post is not None:
                    batch.append(post)
                    if len(batch) >= size:
                        yield batch, 0
                        batch = []
        if batch:
            yield batch, 0

    with ScreeningPipeline[int](rt.screener, workers=1) as pipeline:
        for posts, screenings, _ in pipeline.run(batches()):
            for o in rt.ingest(posts, actor=state.actor, screenings=screenings):
                statuses[o.status] += 1
    return dict(statuses)


commands = [scan_cmd]
