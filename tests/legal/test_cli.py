"""The legal CLI end to end: intake, workflow, emergency checks, production, verification, holds, purge."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from adwarden.legal.signing import DEVELOPMENT_KEY_HEX, development_fingerprint
from adwarden.runtime import Runtime

from .storefix import ad, backdate, store

LIAISON_ENV = {"ADWARDEN_CLI_ACTOR": "lee.liaison", "ADWARDEN_CLI_ROLES": "le-liaison"}
SUPERVISOR_ENV = {"ADWARDEN_CLI_ACTOR": "sam.supervisor", "ADWARDEN_CLI_ROLES": "le-liaison"}
_KEYS = {"lee-liaison-key-0123456789abcdef0123": "lee.liaison:le-liaison",
         "sam-supervisor-key-0123456789abcdef01": "sam.supervisor:le-liaison"}
LIAISON_ID_ENV = {**LIAISON_ENV, "ADWARDEN_API_KEYS": json.dumps(_KEYS),
                  "ADWARDEN_CLI_API_KEY": "lee-liaison-key-0123456789abcdef0123"}
SUPERVISOR_ID_ENV = {**SUPERVISOR_ENV, "ADWARDEN_API_KEYS": json.dumps(_KEYS),
                     "ADWARDEN_CLI_API_KEY": "sam-supervisor-key-0123456789abcdef01"}
MODERATOR_ENV = {"ADWARDEN_CLI_ACTOR": "mo", "ADWARDEN_CLI_ROLES": "moderator"}


def _intake(cli, *extra: str, env=LIAISON_ENV) -> str:  # type: ignore[no-untyped-def]
    result = cli("legal", "intake", "--agency", "Example County Sheriff", "--authority", "Subpoena GJ-42",
                 "--officer", "Det. Casey Morgan", "--contact-phone", "+12065550111", *extra, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_subpoena_to_verified_package(cli, runtime: Runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store(runtime, ad("a1"), ad("b1", phone="206-555-0199", account="u-2"))
    rid = _intake(cli, "--type", "subpoena", "--target", "phone:+1 206 555 0147", "--case-number", "2026-42")
    assert rid.startswith("lr-")
    shown = json.loads(cli("legal", "show", rid, "--json", env=LIAISON_ENV).stdout)
    assert shown["status"] == "received" and shown["flags"] == []
    assert shown["target_matches"] == [{"target": "phone:+12065550147", "matched_posts": 1}]

    out = tmp_path / "pkg.zip"
    early = cli("legal", "produce", rid, "--out", str(out), env=LIAISON_ENV)
    assert early.exit_code == 1 and "move it to producing" in early.stderr
    bad = cli("legal", "transition", rid, "produced", env=LIAISON_ENV)
    assert bad.exit_code == 1 and "allowed next" in bad.stderr
    for status in ("in_review", "producing"):
        assert cli("legal", "transition", rid, status, env=LIAISON_ENV).exit_code == 0
    produced = cli("legal", "produce", rid, "--out", str(out), "--json", env=LIAISON_ENV)
    assert produced.exit_code == 0, produced.output
    info = json.loads(produced.stdout)
    assert info["recipient"] == "Det. Casey Morgan, Example County Sheriff"
    # every evidence package anchors the audit log outside the database
    anchors = list((runtime.settings.data_dir / "audit-checkpoints").glob("checkpoint-*.json"))
    assert [json.loads(a.read_text())["reason"] for a in anchors] == [f"evidence package {info['production_id']}"]
    assert cli("audit", "verify").exit_code == 0
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert sum(n.startswith("posts/") for n in names) == 1  # only the post in scope

    # The test deployment signs with the public development key: intact, but the signer proves nothing.
    assert info["key_fingerprint"] == development_fingerprint()
    unverified = cli("evidence", "verify", str(out))
    assert unverified.exit_code == 3 and unverified.stdout.startswith("UNVERIFIED SIGNER:")
    assert "not checked against a trusted key" not in unverified.stdout and "development key" in unverified.stdout
    told = cli("evidence", "verify", str(out), "--trusted-key", info["key_fingerprint"])
    assert told.exit_code == 3 and "public development key" in told.stdout

    # tamper: rewrite one file
    with zipfile.ZipFile(out) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["request.json"] = members["request.json"].replace(b"Subpoena", b"Subpoenb")
    with zipfile.ZipFile(out, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    bad_pkg = cli("evidence", "verify", str(out))
    assert bad_pkg.exit_code == 1
    assert "altered: request.json" in bad_pkg.stdout

    shown = json.loads(cli("legal", "show", rid, "--json", env=LIAISON_ENV).stdout)
    assert shown["status"] == "produced"
    assert shown["productions"][0]["package_sha256"] == info["package_sha256"]


def test_no_match_is_recorded_and_flagged(cli, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    result = cli("legal", "intake", "--type", "warrant", "--agency", "A", "--authority", "W-1",
                 "--target", "email:nobody@example.org", "--json", env=LIAISON_ENV)
    assert result.exit_code == 0, result.output
    req = json.loads(result.stdout)
    assert req["flags"] == ["no_match"] and req["type"] == "search-warrant"
    listed = json.loads(cli("legal", "list", "--json", env=LIAISON_ENV).stdout)
    assert [r["id"] for r in listed] == [req["id"]]


def test_bad_target_exit_code_and_message(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("legal", "intake", "--type", "subpoena", "--agency", "A", "--authority", "S",
                 "--target", "phone:hello", env=LIAISON_ENV)
    assert result.exit_code == 1
    assert "intake: target:" in result.stderr and "phone:hello" in result.stderr


def test_moderator_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("legal", "intake", "--type", "subpoena", "--agency", "A", "--authority", "S",
                 "--target", "post:1", env=MODERATOR_ENV)
    assert result.exit_code == 3 and "lacks permission" in result.stderr
    assert cli("legal", "list", env=MODERATOR_ENV).exit_code == 3


def test_preservation_places_hold_and_purge_keeps_it(cli, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    a1, b1 = store(runtime, ad("a1"), ad("b1", phone="206-555-0199", account="u-2"))
    result = cli("legal", "intake", "--type", "2703(f)", "--agency", "A", "--authority", "2703(f) letter",
                 "--target", "phone:+12065550147", "--json", env=LIAISON_ENV)
    req = json.loads(result.stdout)
    assert req["hold_id"]
    holds = json.loads(cli("legal", "holds", "--json", env=LIAISON_ENV).stdout)
    assert holds[0]["id"] == req["hold_id"] and holds[0]["items"]["post"] == 1
    # a preservation request compels no disclosure
    cli("legal", "transition", req["id"], "in_review", env=LIAISON_ENV)
    refused = cli("legal", "transition", req["id"], "producing", env=LIAISON_ENV)
    assert refused.exit_code == 1 and "compels no disclosure" in refused.stderr
    # renew once, not twice
    assert cli("legal", "renew", req["id"], env=LIAISON_ENV).exit_code == 0
    again = cli("legal", "renew", req["id"], env=LIAISON_ENV)
    assert again.exit_code == 1 and "renewal" in again.stderr

    backdate(runtime, [a1, b1], days=100)
    denied = cli("retention", "purge", "--older-than", "30", env=LIAISON_ENV)
    assert denied.exit_code == 3
    purged = json.loads(cli("retention", "purge", "--older-than", "30", "--json").stdout)
    assert purged["post_ids"] == [b1] and purged["kept_held"] == 1


def test_manual_hold_and_release(cli, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    store(runtime, ad("a1"))
    hold_id = cli("legal", "hold", "--target", "account:u-1", "--reason", "investigation", "--days", "30",
                  env=LIAISON_ENV).stdout.strip()
    assert hold_id.startswith("h-")
    assert cli("legal", "release", hold_id, "--reason", "closed", env=MODERATOR_ENV).exit_code == 3
    assert cli("legal", "release", hold_id, "--reason", "closed", env=LIAISON_ENV).exit_code == 0
    assert json.loads(cli("legal", "holds", "--json", env=LIAISON_ENV).stdout) == []
    assert len(json.loads(cli("legal", "holds", "--all", "--json", env=LIAISON_ENV).stdout)) == 1


def test_emergency_needs_the_checklist(cli, runtime: Runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store(runtime, ad("a1"))
    rid = _intake(cli, "--type", "emergency", "--target", "phone:+12065550147",
                  "--contact-email", "duty@pd.example.gov")
    req = json.loads(cli("legal", "show", rid, "--json", env=LIAISON_ENV).stdout)
    assert req["emergency_verification"]["complete"] is False
    # the call-back may not go to the number written in the request
    same = cli("legal", "verify", rid, "--check", "callback", "--number", "206-555-0111", "--detail", "x",
               env=LIAISON_ID_ENV)
    assert same.exit_code == 1 and "published number" in same.stderr
    assert cli("legal", "verify", rid, "--check", "domain", "--detail", "pd.example.gov is the agency's domain",
               env=LIAISON_ENV).exit_code == 0
    assert cli("legal", "verify", rid, "--check", "callback", "--number", "+12065550100",
               "--detail", "switchboard listed on the agency website", env=LIAISON_ID_ENV).exit_code == 0
    assert cli("legal", "transition", rid, "in_review", env=LIAISON_ENV).exit_code == 0
    blocked = cli("legal", "transition", rid, "producing", env=LIAISON_ENV)
    assert blocked.exit_code == 1 and "supervisor_approval not yet verified" in blocked.stderr
    self_approval = cli("legal", "verify", rid, "--check", "supervisor", "--detail", "ok", env=LIAISON_ID_ENV)
    assert "someone other than" in self_approval.stdout
    # a name in an environment variable is not a second person: the supervisor must authenticate
    named_only = cli("legal", "verify", rid, "--check", "supervisor", "--detail", "ok", env=SUPERVISOR_ENV)
    assert named_only.exit_code == 3 and "ADWARDEN_CLI_API_KEY" in named_only.stderr
    assert cli("legal", "verify", rid, "--check", "supervisor", "--detail", "approved by phone",
               env=SUPERVISOR_ID_ENV).exit_code == 0
    assert cli("legal", "transition", rid, "producing", env=LIAISON_ENV).exit_code == 0
    out = tmp_path / "edr.zip"
    assert cli("legal", "produce", rid, "--out", str(out), env=LIAISON_ENV).exit_code == 0
    assert cli("evidence", "verify", str(out)).exit_code == 3  # intact; signed with the development key
    steps = json.loads(cli("legal", "show", rid, "--json", env=LIAISON_ENV).stdout)["emergency_verification"]["steps"]
    assert [(s["check"], s["verified_by"]) for s in steps] == [
        ("official_domain", "lee.liaison"), ("callback", "lee.liaison"), ("supervisor_approval", "lee.liaison"),
        ("supervisor_approval", "sam.supervisor")]


def test_overdue_lists_late_requests(cli, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    assert cli("legal", "overdue", env=LIAISON_ENV).exit_code == 0
    rid = _intake(cli, "--type", "subpoena", "--target", "post:zzz", "--received-at", "2020-01-01T00:00:00Z")
    late = cli("legal", "overdue", "--json", env=LIAISON_ENV)
    assert late.exit_code == 1
    assert [r["id"] for r in json.loads(late.stdout)] == [rid]


def test_transparency_command(cli, runtime: Runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _intake(cli, "--type", "subpoena", "--target", "post:zzz")
    _intake(cli, "--type", "preservation", "--target", "post:zzz")
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    result = cli("transparency", "--from", today, "--to", today, "--out", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "t" / "transparency.json").read_text())
    by = {r["type"]: r for r in data["requests_by_type"]}
    assert by["subpoena"]["requests"] == 1 and data["preservation_requests"] == 1
    assert (tmp_path / "t" / "transparency.html").read_text().count("<svg") == 3


def test_production_key_refused_in_production(cli, runtime: Runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    long_secret = "s3cret-bank-key-0123456789abcdef0123456789"
    result = cli("legal", "key", env={"ADWARDEN_ENVIRONMENT": "production", "ADWARDEN_BANK_HMAC_KEY": long_secret})
    assert result.exit_code == 2 and "ADWARDEN_LEGAL_SIGNING_KEY_PATH must name" in result.stderr
    result = cli("legal", "key", env={"ADWARDEN_ENVIRONMENT": "production", "ADWARDEN_BANK_HMAC_KEY": long_secret,
                                      "ADWARDEN_LEGAL_SIGNING_KEY": DEVELOPMENT_KEY_HEX})
    assert result.exit_code == 2 and "development key" in result.stderr
    key = tmp_path / "k.pem"
    fp = cli("legal", "keygen", "--out", str(key)).stdout.strip()
    assert fp.startswith("sha256:") and oct(key.stat().st_mode & 0o777) == "0o600"
    env = {"ADWARDEN_ENVIRONMENT": "production", "ADWARDEN_BANK_HMAC_KEY": long_secret,
           "ADWARDEN_LEGAL_SIGNING_KEY_PATH": str(key)}
    assert cli("legal", "key", env=env).stdout.strip() == fp


@pytest.mark.parametrize("flag", ["--help"])
def test_help_lists_commands(cli, flag: str) -> None:  # type: ignore[no-untyped-def]
    out = cli("legal", flag).stdout
    for name in ("intake", "list", "show", "verify", "hold", "release", "transition", "overdue", "produce"):
        assert name in out
