"""``adwarden networks``: link posts into networks, list them, show one."""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.detect.network.linker import LinkConfig, link_records
from adwarden.detect.network.model import LinkResult
from adwarden.detect.network.records import LINK_KINDS, LinkRecord
from adwarden.domain import InputError, NotFound
from adwarden.networks import service as network_service

_LIST_KEYS = ("id", "size", "posts", "links", "ignored", "cities", "first_seen", "last_seen", "risk")


def _config(no_link: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from adwarden.detect.network.linker import LinkConfig

    return LinkConfig(disabled=frozenset(no_link))


def _summary(rows: list[dict], limit: int) -> None:  # type: ignore[type-arg]
    from rich.console import Console
    from rich.table import Table

    table = Table("network", "size", "risk", "cities", "linked by", "ignored")
    for r in rows[:limit]:
        kinds = sorted({link["kind"] for link in r["links"]})
        table.add_row(r["id"], str(r["size"]), f"{r['risk']:.0f}", ", ".join(r["cities"][:4]),
                      ", ".join(kinds), str(len(r["ignored"])))
    Console().print(table)
    click.echo(f"{len(rows)} network(s) of {sum(r['size'] for r in rows)} posts")


def _linker(spark: bool) -> network_service.Linker:
    """The in-process linker, or the Spark job (local mode) for ``--spark``."""
    if not spark:
        return link_records
    from adwarden.batch.network_job import link_with_spark

    def run(records: Sequence[LinkRecord], config: LinkConfig) -> LinkResult:
        out = link_with_spark(records, config)
        assert out.result is not None
        return out.result

    return run


@click.group("networks")
def networks_group() -> None:
    """Networks of posts linked by shared phones, e-mails, handles, accounts, images and near-duplicate text."""


@networks_group.command("build")
@click.option("--from", "from_file", type=click.Path(),
              help="Link this JSONL corpus (ingest schema) directly, without storing it. With --spark: JSONL or "
                   "Parquet files, directories or globs (any Hadoop path), read by Spark.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="networks-spark", show_default=True,
              help="With --spark --from: where the job writes its Parquet datasets.")
@click.option("--master", default="local[*]", show_default=True, help="With --spark --from: the Spark master URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the networks as a JSON array (as `list --json`).")
@click.option("--spark", is_flag=True, help="Run the linking as an Apache Spark job (local mode).")
@click.option("--no-link", "no_link", multiple=True, type=click.Choice(LINK_KINDS),
              help="Switch a link kind off (repeatable), e.g. --no-link phone for an evaluation.")
@click.option("--full", is_flag=True, help="With --json: include facts and templates.")
@handle_errors
def build_cmd(from_file: str | None, out_dir: str, master: str, as_json: bool, spark: bool,
              no_link: tuple[str, ...], full: bool) -> None:
    """Link stored posts (or a corpus file with --from) into networks."""
    config = _config(no_link)
    if from_file and spark:
        from adwarden.batch.scan_job import spark_scan

        summary = spark_scan([from_file], out_dir, settings=get_state().settings, config=config, master=master,
                             posts_output=False)
        emit_json({"totals": summary["totals"], "out": out_dir, "seconds": summary["seconds"]})
        return
    if from_file and not os.path.isfile(from_file):
        raise InputError(f"no such file: {from_file}", record=from_file)
    if from_file:
        rows = network_service.build_from_file(from_file, config=config, link=_linker(spark))
    else:
        state = get_state()
        rows = network_service.build_from_storage(state.runtime.db, actor=state.actor, config=config,
                                                  link=_linker(spark), spark=spark)
    if as_json:
        emit_json([r if full else {k: r[k] for k in _LIST_KEYS} for r in rows])
    else:
        _summary(rows, 20)


@networks_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--min-size", type=int, default=2, show_default=True)
@click.option("--full", is_flag=True, help="With --json: include facts and templates.")
@handle_errors
def list_cmd(as_json: bool, limit: int, min_size: int, full: bool) -> None:
    """Stored networks, riskiest first (rebuilt first when posts were added since the last build)."""
    from adwarden.storage.sql.networks import list_networks

    rt = get_state().runtime
    network_service.ensure_fresh(rt.db)
    with rt.db.read() as conn:
        rows = list_networks(conn, limit=limit, min_size=min_size)
    if as_json:
        emit_json([r if full else {k: r[k] for k in _LIST_KEYS} for r in rows])
    else:
        _summary(rows, limit)


@networks_group.command("show")
@click.argument("network_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def show_cmd(network_id: str, as_json: bool) -> None:
    """One network: its posts, what links them, what was ignored, movement, templates."""
    from adwarden.storage.sql.networks import get_network

    rt = get_state().runtime
    network_service.ensure_fresh(rt.db)
    with rt.db.read() as conn:
        row = get_network(conn, network_id)
    if row is None:
        raise NotFound(f"no network {network_id!r}")
    if as_json:
        emit_json(row)
        return
    f = row["facts"]
    click.echo(f"{row['id']}: {row['size']} posts, risk {row['risk']:.0f}, {row['first_seen']} .. {row['last_seen']}")
    click.echo(f"cities in posting-time order: {' -> '.join(row['cities']) or '-'} ({f.get('km_travelled', 0)} km)")
    if f.get("untimed_posts"):
        seen = ", ".join(f.get("untimed_places") or []) or "no other place"
        click.echo(f"  {f['untimed_posts']} post(s) without a posting time are not in the route (also seen: {seen})")
    click.echo(f"phones {f.get('phones')}, names {f.get('distinct_names')}, names per phone {f.get('names_per_phone')}, "
               f"ages per phone {f.get('ages_per_phone')}, accounts {f.get('accounts')}")
    click.echo("posts: " + ", ".join(row["posts"]))
    click.echo("linked by:")
    for link in row["links"]:
        click.echo(f"  {link['kind']:<13} {str(link['value'])[:48]:<48} {len(link['posts'])} posts")
    for ig in row["ignored"]:
        click.echo(f"  ignored {ig['kind']} {ig['value'][:40]}: {ig['reason']}")
    for t in row["templates"]:
        click.echo(f"template ({t['size']} posts, compression {t['compression']}): {t['skeleton'][:300]}")


commands = [networks_group]
