"""Sign-in, sessions and users: argon2 hashes, rotation at sign-in (no fixation), logout, expiry, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from adwarden.console.sessions import IDLE_TIMEOUT
from adwarden.console.users import authenticate, change_user
from adwarden.domain import Conflict, InputError
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import audit_events
from adwarden.storage.sql.tables_console import console_sessions, console_users
from tests.console.helpers import ADMIN, PASSWORD, console, make_user


def test_password_is_stored_as_argon2id_and_checked(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    make_user(rt, "mia", "moderator")
    with rt.db.read() as conn:
        stored = conn.execute(select(console_users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        assert authenticate(conn, "mia", PASSWORD) is not None
        assert authenticate(conn, "mia", PASSWORD + "x") is None
        assert authenticate(conn, "nobody", PASSWORD) is None


def test_bad_users_are_refused_with_the_field_named(runtime: Runtime) -> None:
    with pytest.raises(InputError, match="12 characters"):
        from adwarden.console.users import add_user
        add_user(runtime.db, "short", "tiny", ["moderator"], actor=ADMIN)
    with pytest.raises(InputError, match="unknown role") as err:
        from adwarden.console.users import add_user
        add_user(runtime.db, "x", PASSWORD, ["wizard"], actor=ADMIN)
    assert err.value.field == "role"
    make_user(runtime, "mia", "moderator")
    with pytest.raises(Conflict):
        make_user(runtime, "mia", "moderator")


def test_sign_in_sets_a_strict_httponly_cookie_and_audits(runtime: Runtime) -> None:
    with console(runtime) as con:
        make_user(runtime, "mia", "moderator")
        r = con.login("mia")
        assert r.status_code == 303 and r.headers["location"].endswith("/console/")
        cookie = r.headers["set-cookie"]
        assert "adw_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert "Path=/console" in cookie
        assert con.get("/console/queues").status_code == 200
    with runtime.db.read() as conn:
        names = list(conn.execute(select(audit_events.c.name).where(audit_events.c.subject_id == "mia")).scalars())
    assert names == ["console-user-created", "console-signed-in"]


def test_wrong_password_is_401_and_says_nothing_about_which_part(runtime: Runtime) -> None:
    make_user(runtime, "mia", "moderator")
    with console(runtime) as con:
        bad = con.login("mia", "not the password at all")
        unknown = con.login("nobody", PASSWORD)
        assert bad.status_code == unknown.status_code == 401
        assert "Unknown user name or wrong password" in bad.text
        assert con.get("/console/queues", follow_redirects=False).status_code == 303


def test_session_fixation_the_id_is_rotated_and_the_planted_one_is_dead(runtime: Runtime) -> None:
    """An attacker who plants a session id in the victim's browser gains nothing: sign-in issues a new id and
    revokes the old one; a planted id that was never issued is not accepted either."""
    make_user(runtime, "eve", "moderator")
    make_user(runtime, "mia", "moderator")
    with console(runtime) as attacker:
        attacker.login("eve")
        planted = attacker.c.cookies.get("adw_session")
    with console(runtime) as victim:
        victim.c.cookies.set("adw_session", planted, path="/console")
        r = victim.login("mia")
        issued = r.cookies.get("adw_session")
        assert issued and issued != planted
        page = victim.get("/console/preferences")
        assert "mia" in page.text
    with console(runtime) as attacker:
        attacker.c.cookies.set("adw_session", planted, path="/console")
        assert attacker.get("/console/queues", follow_redirects=False).status_code == 303  # to the login page
    with console(runtime) as forged:
        forged.c.cookies.set("adw_session", "made-up-session-id", path="/console")
        assert forged.get("/console/queues", follow_redirects=False).status_code == 303


def test_logout_revokes_the_session_server_side(runtime: Runtime) -> None:
    with console(runtime, "mia", "moderator") as con:
        cookie = con.c.cookies.get("adw_session")
        assert con.post("/console/logout").status_code == 303
        con.c.cookies.set("adw_session", cookie, path="/console")  # a copy kept by an attacker
        r = con.get("/console/queues", follow_redirects=False)
        assert r.status_code == 303 and "/console/login" in r.headers["location"]
    with runtime.db.read() as conn:
        assert conn.execute(select(console_sessions)).first() is None


def test_expired_and_idle_sessions_end(runtime: Runtime) -> None:
    with console(runtime, "mia", "moderator") as con:
        with runtime.db.transaction() as conn:
            conn.execute(update(console_sessions).values(last_seen_at=datetime.now(UTC) - IDLE_TIMEOUT
                                                         - timedelta(seconds=1)))
        assert con.get("/console/queues", follow_redirects=False).status_code == 303
    with console(runtime, "ann", "moderator") as con:
        with runtime.db.transaction() as conn:
            conn.execute(update(console_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert con.get("/console/queues", follow_redirects=False).status_code == 303


def test_disabling_or_a_new_password_signs_the_user_out(runtime: Runtime) -> None:
    with console(runtime, "mia", "moderator") as con:
        change_user(runtime.db, "mia", actor=ADMIN, password="another long password")
        assert con.get("/console/queues", follow_redirects=False).status_code == 303
        assert con.login("mia", "another long password").status_code == 303
        change_user(runtime.db, "mia", actor=ADMIN, disabled=True)
        assert con.get("/console/queues", follow_redirects=False).status_code == 303
        assert con.login("mia", "another long password").status_code == 401


def test_next_is_only_followed_inside_the_console(runtime: Runtime) -> None:
    make_user(runtime, "mia", "moderator")
    with console(runtime) as con:
        page = con.get("/console/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        for evil in ("https://evil.example.com/", "//evil.example.com/", "/console/\\evil"):
            r = con.c.post("/console/login", data={"username": "mia", "password": PASSWORD, "csrf_token": token,
                                                   "next": evil}, follow_redirects=False)
            assert r.headers["location"] == "/console/"
            token = con.get("/console/login").text.split('name="csrf_token" value="')[1].split('"')[0]


def test_users_cli_adds_lists_and_changes(cli, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    out = cli("users", "add", "mia", "--role", "moderator", "--role", "child-safety", "--password-stdin",
              input=PASSWORD + "\n")
    assert out.exit_code == 0, out.output
    assert "child-safety, moderator" in out.output
    listed = cli("users", "list", "--json")
    assert '"name": "mia"' in listed.output
    bad = cli("users", "add", "x", "--role", "moderator", "--password-stdin", input="short\n")
    assert bad.exit_code != 0 and "12 characters" in bad.output
    out = cli("users", "set", "mia", "--disable")
    assert out.exit_code == 0 and "disabled" in out.output
    with runtime.db.read() as conn:
        assert authenticate(conn, "mia", PASSWORD) is None
