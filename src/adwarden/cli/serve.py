"""``adwarden serve``: run the HTTP API under uvicorn."""

from __future__ import annotations

import click

from adwarden.cli.common import get_state, handle_errors


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--log-level", default="warning", show_default=True)
@handle_errors
def serve_cmd(host: str, port: int, log_level: str) -> None:
    """Serve the API (POST /v1/posts, GET /v1/posts/{id}, /v1/cases, /docs for OpenAPI) and the reviewer
    console at /console/ (users: adwarden users add NAME --role ROLE)."""
    import uvicorn

    from adwarden.api.app import create_app

    state = get_state()
    app = create_app(runtime=state.runtime)
    click.echo(f"AdWarden API on http://{host}:{port} (database: {state.runtime.db.backend}); OpenAPI at /docs; "
               f"reviewer console at http://{host}:{port}/console/", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


commands = [serve_cmd]
