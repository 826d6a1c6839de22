"""``adwarden dev``: development tools. ``dev ncmec-server`` runs the local stand-in for NCMEC's ISPWS."""

from __future__ import annotations

from pathlib import Path

import click

from adwarden.cli.common import get_state, handle_errors


@click.group("dev")
def dev_group() -> None:
    """Development tools (never for production use)."""


@dev_group.command("ncmec-server")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Bind address (loopback by default).")
@click.option("--username", help="Basic-auth user (default: ADWARDEN_NCMEC_USERNAME or esp-user).")
@click.option("--password", help="Basic-auth password (default: ADWARDEN_NCMEC_PASSWORD or esp-password).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every received report, file and fileDetails under this directory.")
@handle_errors
def ncmec_server_cmd(port: int, host: str, username: str | None, password: str | None, store_dir: Path | None) -> None:
    """Run a local stand-in NCMEC server: same endpoints, XSD validation, injectable failures.

    Point AdWarden at it with ADWARDEN_NCMEC_URL=http://HOST:PORT plus the same credentials. Inject failures
    with POST /_standin/fail {"mode": "code1000", "count": 2, "endpoint": "submit"}; list what it received
    with GET /_standin/reports.
    """
    import uvicorn

    from adwarden.reporting.ncmec.standin import StandinState, create_standin_app

    settings = get_state().settings
    user = username or settings.ncmec_username or "esp-user"
    secret = password or settings.ncmec_password or "esp-password"
    app = create_standin_app(username=user, password=secret, state=StandinState(store_dir=store_dir))
    click.echo(f"NCMEC stand-in on http://{host}:{port} (user {user!r}); Ctrl-C to stop", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="off", ws="none")


commands = [dev_group]
