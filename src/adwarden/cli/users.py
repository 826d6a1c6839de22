"""``adwarden users``: console accounts (add, list, set roles or password, disable, enable).

Passwords are read from a prompt (hidden, confirmed) or, for scripts, from ``--password-stdin``; never from an
argument, which would land in shell history and ``ps``.
"""

from __future__ import annotations

import sys

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.permissions import ROLES

_ROLE = click.Choice(sorted(ROLES))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("users")
def users_group() -> None:
    """Console users and their roles (the same roles as API keys; see docs/permissions.md)."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=_ROLE, help="A role; repeat for several.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@handle_errors
def add_cmd(name: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Create console user NAME with --role ROLE (prompts for a password of at least 12 characters)."""
    from adwarden.console.users import add_user

    state = get_state()
    user = add_user(state.runtime.db, name, _password(password_stdin), roles, actor=state.actor)
    click.echo(f"console user {user.name} created with roles {', '.join(sorted(user.roles))}")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_cmd(as_json: bool) -> None:
    """List console users with their roles and state."""
    from adwarden.console.users import list_users

    with get_state().runtime.db.read() as conn:
        users = list_users(conn)
    if as_json:
        emit_json([{"name": u.name, "roles": sorted(u.roles), "disabled": u.disabled} for u in users])
        return
    for u in users:
        click.echo(f"{u.name}\t{','.join(sorted(u.roles))}\t{'disabled' if u.disabled else 'enabled'}")


@users_group.command("set")
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=_ROLE, help="Replace the roles (repeat for several).")
@click.option("--password", "new_password", is_flag=True, help="Set a new password (prompted; signs the user out).")
@click.option("--password-stdin", is_flag=True, help="With --password: read it from stdin.")
@click.option("--disable/--enable", "disabled", default=None, help="Disable (signs the user out) or enable.")
@handle_errors
def set_cmd(name: str, roles: tuple[str, ...], new_password: bool, password_stdin: bool,
            disabled: bool | None) -> None:
    """Change a console user's roles, password or enabled state."""
    from adwarden.console.users import change_user

    state = get_state()
    password = _password(password_stdin) if new_password else None
    user = change_user(state.runtime.db, name, actor=state.actor, roles=roles or None, password=password,
                       disabled=disabled)
    click.echo(f"console user {user.name}: roles {', '.join(sorted(user.roles))}, "
               f"{'disabled' if user.disabled else 'enabled'}")


commands = [users_group]
