"""``adwarden rescan export / spark / load``: re-screen stored history at scale on Spark (docs/policy.md).

After a policy or bank change: ``export`` writes the stored history to Parquet (sensitive: owner-only files,
audited), ``spark`` re-screens it on the executors with the current screener and writes the changed verdicts,
``load`` stores them through a normal, audited, resumable rescan job.
"""

from __future__ import annotations

from pathlib import Path

import click

from adwarden.cli.common import emit_json, get_state, handle_errors


@click.command("export")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="New or empty directory to write (mode 0700; files 0600).")
@click.option("--batch", default=2000, show_default=True, help="Posts read per page and per Parquet row group.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def export_cmd(out: Path, batch: int, as_json: bool) -> None:
    """Export every stored post's live version, network facts and verdict fingerprint to Parquet.

    The export holds post content, restricted child-safety content included: it needs the rescan:run and
    case:view-restricted permissions, is audited (rescan-exported), and should be deleted once loaded."""
    from adwarden.retro.rescreen_export import export_history

    state = get_state()
    res = export_history(state.runtime, out, actor=state.actor, batch_size=batch)
    if as_json:
        emit_json(res.to_json())
    else:
        click.echo(f"exported {res.posts} posts to {res.path} ({res.files} files, screening state "
                   f"{res.screening_state})")


@click.command("spark")
@click.argument("export", metavar="EXPORT_DIR")
@click.option("--out", "out", required=True, help="New or empty directory for the changed verdicts.")
@click.option("--master", default="local[*]", show_default=True, help="The Spark master URL.")
@click.option("--partitions", type=int,
              help="Tasks to screen in (default: 4 per core of the cluster; never fewer than the export's splits).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def spark_cmd(export: str, out: str, master: str, partitions: int | None, as_json: bool) -> None:
    """Re-screen an export on Spark with the database's current policy, banks and models; write only the
    changed verdicts (then run `adwarden rescan load OUT`)."""
    from adwarden.batch.rescreen_job import spark_rescreen

    manifest = spark_rescreen(get_state().runtime, export, out, master=master, partitions=partitions)
    if as_json:
        emit_json(manifest)
    else:
        click.echo(f"re-screened {manifest['posts']} posts: {manifest['changed']} verdicts changed "
                   f"(screening state {manifest['screening_state']}, {manifest['seconds']} s); "
                   f"load them with `adwarden rescan load {out}`")


@click.command("load")
@click.argument("verdicts", metavar="VERDICTS_DIR", type=click.Path(path_type=Path))
@click.option("--batch", default=500, show_default=True, help="Verdicts stored per transaction.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def load_cmd(verdicts: Path, batch: int, as_json: bool) -> None:
    """Store the changed verdicts of `adwarden rescan spark` through a rescan job (trigger spark-rescan):
    audited, resumable (run it again after a crash), idempotent. Refused when a bank or the policy changed
    after the re-screen; posts edited since the export are re-screened here instead."""
    from adwarden.retro.rescreen_load import load_verdicts

    state = get_state()
    res = load_verdicts(state.runtime, verdicts, actor=state.actor, batch_size=batch)
    if as_json:
        emit_json(res.to_json())
    else:
        j = res.job
        click.echo(f"rescan {j.id} ({j.trigger}) {j.status}: {j.done}/{j.total} posts, {j.changed} verdicts stored; "
                   f"{res.rescreened} edited since the export re-screened here, {res.gone} gone")


commands = [export_cmd, spark_cmd, load_cmd]
