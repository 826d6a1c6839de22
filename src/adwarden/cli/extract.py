"""``adwarden extract``: extraction over a file of texts, one JSON line out per line in."""

from __future__ import annotations

import json
import sys
from typing import IO

import click

from adwarden.cli.common import get_state, handle_errors


@click.command("extract")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False), default="-")
@handle_errors
def extract_cmd(file: str) -> None:
    """Read JSONL lines {"id", "text", "url"?, "location"?} or plain text lines (id = line number) from FILE
    ('-' = stdin) and write one JSON line per input with phones, e-mails, URLs, handles, payments, ages, prices,
    locations, service mode and availability. A line that cannot be read yields {"id", "error"}."""
    from adwarden.extract.cli_io import process_line

    region = get_state().settings.default_region
    stream: IO[bytes] = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
    try:
        for n, raw in enumerate(stream, start=1):
            out = process_line(raw, n, region=region)
            if out is not None:
                click.echo(json.dumps(out, ensure_ascii=False))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


commands = [extract_cmd]
