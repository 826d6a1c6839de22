"""``adwarden keys``: API keys with roles, stored hashed; the bank key's fingerprint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.identities.keys import create_key, expire_key, list_keys, revoke_key
from adwarden.identities.secrets_check import forget_bank_key
from adwarden.permissions import ROLES


@click.group("keys")
def keys_group() -> None:
    """API keys (stored as SHA-256, shown once) and deployment secrets."""


@keys_group.command("create")
@click.argument("actor_name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLES)),
              help="A role of the key (repeatable).")
@click.option("--days", type=click.IntRange(1, 3650), default=None, help="Expire after DAYS (default: never).")
@click.option("--note", default="", help="What the key is for (shown in `keys list`).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def create_cmd(actor_name: str, roles: tuple[str, ...], days: int | None, note: str, as_json: bool) -> None:
    """Create a key for ACTOR_NAME. The key is printed once: only its hash is stored."""
    state = get_state()
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    plaintext, key = create_key(state.runtime.db, actor_name=actor_name, roles=roles, actor=state.actor,
                                expires_at=expires, note=note)
    if as_json:
        emit_json({**key.to_json(), "key": plaintext})
    else:
        click.echo(f"key {key.id} for {actor_name} ({', '.join(key.roles)}); store it now, it is not shown again:")
        click.echo(plaintext)


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_cmd(as_json: bool) -> None:
    """Every key: id, actor, roles, created, expiry, revoked, active (never the key itself)."""
    with get_state().runtime.db.read() as conn:
        keys = list_keys(conn)
    now = datetime.now(UTC)
    if as_json:
        emit_json([k.to_json(now) for k in keys])
        return
    for k in keys:
        state = "active" if k.active(now) else ("revoked" if k.revoked_at else "expired")
        until = f" until {k.expires_at:%Y-%m-%d %H:%M}" if k.expires_at else ""
        click.echo(f"{k.id}  {k.actor:<24} {','.join(k.roles):<28} {state}{until}  {k.note}")


@keys_group.command("expire")
@click.argument("key_id")
@click.option("--in-days", type=click.IntRange(0, 3650), default=0, help="Expire in DAYS (default: now).")
@handle_errors
def expire_cmd(key_id: str, in_days: int) -> None:
    """Set KEY_ID to stop working now or in DAYS."""
    state = get_state()
    key = expire_key(state.runtime.db, key_id, at=datetime.now(UTC) + timedelta(days=in_days), actor=state.actor)
    click.echo(f"key {key.id} of {key.actor} expires {key.expires_at:%Y-%m-%d %H:%M} UTC")


@keys_group.command("revoke")
@click.argument("key_id")
@handle_errors
def revoke_cmd(key_id: str) -> None:
    """Stop KEY_ID at once, for good (a leaked key). Servers stop accepting it within 5 seconds."""
    state = get_state()
    key = revoke_key(state.runtime.db, key_id, actor=state.actor)
    click.echo(f"key {key.id} of {key.actor} revoked")


@keys_group.command("forget-bank-key")
@click.confirmation_option(prompt="Forget the bank key fingerprint? Only do this before re-importing every bank.")
@handle_errors
def forget_bank_key_cmd() -> None:
    """Drop the recorded fingerprint of ADWARDEN_BANK_HMAC_KEY so a new key is accepted (then re-import banks)."""
    state = get_state()
    with state.runtime.db.transaction() as conn:
        forget_bank_key(conn, actor=state.actor)
    click.echo("bank key fingerprint forgotten; re-import every bank under the new key")


commands = [keys_group]
