"""Evidence packages: build, verify, and catch every kind of tampering by name."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adwarden.legal.model import NonDisclosure, Target
from adwarden.legal.package import (
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    PackageInput,
    build_package,
    member_name_problem,
    safe_component,
    verify_package,
)
from adwarden.legal.signing import DEVELOPMENT_KEY_HEX, fingerprint, public_key_pem

from .factories import T0, make_post, make_request

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def _input(**overrides: object) -> PackageInput:
    base: dict[str, object] = {
        "request": make_request(nondisclosure=NonDisclosure(T0.date().replace(year=2027))),
        "posts": [make_post()],
        "produced_by": "liaison@platform.example.com",
        "recipient": "Det. Casey Morgan, Example County Sheriff",
        "created_at": T0,
        "accounts": [{"id": "acct-77", "email": "jane.demo@example.com"}],
        "identifiers": [
            {"post_id": "p-1", "version": 1, "kind": "phone", "value": "+12065550147", "source": "text"},
            {"post_id": "p-1", "version": 1, "kind": "handle", "value": "=cmd|' /C calc'!A0", "source": "text"},
        ],
        "network": {"linked_posts": [{"post_id": "p-9", "shared": ["phone:+12065550147"]}]},
        "assessments": [{"post_id": "p-1", "action": "hold", "risk": 0.8}],
        "decisions": [{"case_id": "c-1", "outcome": "remove", "actor": "rev-1"}],
        "audit": [{"seq": 1, "name": "post.ingested", "actor": "api"}],
        "media_files": {"../../evil.jpg": b"\x89PNG not really"},
    }
    base.update(overrides)
    return PackageInput(**base)  # type: ignore[arg-type]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    out = tmp_path / "pkg.zip"
    build_package(out, _input(), signing_key=KEY)
    return out


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rewrite(path: Path, members: dict[str, bytes]) -> None:
    """Rewrite the archive the way a tamperer would (CRCs recomputed, so only hashes can tell)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)


def _flip(body: bytes, at: int | None = None) -> bytes:
    i = len(body) // 2 if at is None else at
    return body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]


def test_intact_package_verifies(package: Path) -> None:
    result = verify_package(package, trusted_fingerprints=[fingerprint(KEY.public_key())])
    assert result.ok, result.problems()
    assert result.signature_valid and result.key_trusted is True
    assert result.request_id == "lr-1"
    names = set(_members(package))
    assert result.files_checked == len(names) - 3
    for expected in (
        "request.json",
        "posts/ads.example.com_1001/v0001.json",
        "posts/ads.example.com_1001/v0002.json",
        "media/references.json",
        "identifiers.json",
        "identifiers.csv",
        "network.json",
        "audit.jsonl",
        "summary.html",
        "summary.pdf",
        MANIFEST,
        SIGNATURE,
        PUBLIC_KEY,
    ):
        assert expected in names


def test_manifest_lists_every_file_with_its_hash_and_names_the_chain_of_custody(package: Path) -> None:
    import hashlib

    members = _members(package)
    manifest = json.loads(members[MANIFEST])
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(members) - {MANIFEST, SIGNATURE, PUBLIC_KEY}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(members[name]).hexdigest()
        assert entry["size"] == len(members[name])
    assert manifest["authority"] == "Grand jury subpoena GJ-2026-0042"
    assert manifest["recipient"].startswith("Det. Casey Morgan")
    assert manifest["produced_by"] == "liaison@platform.example.com"
    assert manifest["signing_key"]["fingerprint"] == fingerprint(KEY.public_key())
    assert members[PUBLIC_KEY] == public_key_pem(KEY.public_key())
    assert len(base64.b64decode(members[SIGNATURE])) == 64


def test_package_keeps_every_post_version_as_received(package: Path) -> None:
    members = _members(package)
    v1 = json.loads(members["posts/ads.example.com_1001/v0001.json"])
    v2 = json.loads(members["posts/ads.example.com_1001/v0002.json"])
    assert v1["content"]["title"] == "New in town, version 1"
    assert v2["content"]["title"] == "New in town, version 2"
    assert "\u2764" in v1["content"]["body"]
    refs = json.loads(members["media/references.json"])
    assert [r["version"] for r in refs] == [1, 2] and refs[0]["sha256"] == "ab" * 32


def test_build_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    build_package(a, _input(), signing_key=KEY)
    build_package(b, _input(), signing_key=KEY)
    assert a.read_bytes() == b.read_bytes()


def test_summary_html_escapes_ad_text_and_shows_nondisclosure(package: Path) -> None:
    html = _members(package)["summary.html"].decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Non-disclosure order until 2027-03-02" in html
    pdf = _members(package)["summary.pdf"]
    assert pdf.startswith(b"%PDF-")


def test_identifiers_csv_neutralises_formulas(package: Path) -> None:
    text = _members(package)["identifiers.csv"].decode()
    assert "+12065550147" in text  # an E.164 number is data, left alone
    assert "'=cmd" in text


@pytest.mark.parametrize(
    "victim",
    [
        "request.json",
        "posts/ads.example.com_1001/v0001.json",
        "media/references.json",
        "media/files/__.._evil.jpg",
        "identifiers.json",
        "identifiers.csv",
        "network.json",
        "assessments.json",
        "decisions.json",
        "audit.jsonl",
        "summary.html",
        "summary.pdf",
        "README.txt",
    ],
)
def test_one_flipped_byte_in_any_content_file_is_named(package: Path, victim: str) -> None:
    members = _members(package)
    assert victim in members
    members[victim] = _flip(members[victim])
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok
    assert result.altered == (victim,)
    assert result.signature_valid  # the manifest itself is intact
    assert result.problems() == [f"altered: {victim}"]


def test_flipped_byte_in_manifest_is_caught(package: Path) -> None:
    members = _members(package)
    manifest = members[MANIFEST]
    # flip inside the request id value so the JSON stays valid: only the signature can tell
    at = manifest.index(b'"lr-1"') + 2
    members[MANIFEST] = _flip(manifest, at)
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok and not result.signature_valid
    assert any(MANIFEST in a for a in result.altered)


def test_broken_manifest_json_is_named(package: Path) -> None:
    members = _members(package)
    members[MANIFEST] = members[MANIFEST].replace(b"{", b"[", 1)
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok
    assert any(a.startswith(MANIFEST) for a in result.altered)


def test_flipped_signature_is_caught(package: Path) -> None:
    members = _members(package)
    sig = base64.b64decode(members[SIGNATURE])
    members[SIGNATURE] = base64.b64encode(_flip(sig, 10)) + b"\n"
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok and not result.signature_valid
    assert any(SIGNATURE in a for a in result.altered)


def test_flipped_byte_in_public_key_is_caught(package: Path) -> None:
    members = _members(package)
    pem = members[PUBLIC_KEY]
    at = pem.index(b"\n") + 20  # inside the base64 body
    members[PUBLIC_KEY] = pem[:at] + (b"B" if pem[at : at + 1] != b"B" else b"C") + pem[at + 1 :]
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok and not result.signature_valid
    assert any(PUBLIC_KEY in a for a in result.altered)


def test_resigned_with_another_key_fails_trust_check(package: Path) -> None:
    """A tamperer who rewrites a file, the manifest and re-signs with their own key is caught by the
    fingerprint the platform publishes (and by the fingerprint named in the signed manifest)."""
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    members = _members(package)
    members["request.json"] = b'{"id": "forged"}\n'
    manifest = json.loads(members[MANIFEST])
    import hashlib

    for entry in manifest["files"]:
        if entry["path"] == "request.json":
            entry["sha256"] = hashlib.sha256(members["request.json"]).hexdigest()
            entry["size"] = len(members["request.json"])
    manifest["signing_key"]["fingerprint"] = fingerprint(other.public_key())
    members[MANIFEST] = json.dumps(manifest).encode()
    members[SIGNATURE] = base64.b64encode(other.sign(members[MANIFEST]))
    members[PUBLIC_KEY] = public_key_pem(other.public_key())
    _rewrite(package, members)
    untold = verify_package(package)
    assert untold.intact and not untold.ok  # self-consistent, but nobody said which signer to trust...
    assert "signer unverified" in (untold.signer_problem() or "")
    trusted = verify_package(package, trusted_fingerprints=[fingerprint(KEY.public_key())])
    assert trusted.intact and not trusted.ok and trusted.key_trusted is False  # ...and not the platform's key
    assert "not one of the trusted keys" in trusted.problems()[-1]


def test_development_key_is_never_trusted(tmp_path: Path) -> None:
    dev = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(DEVELOPMENT_KEY_HEX))
    out = tmp_path / "dev.zip"
    build_package(out, _input(), signing_key=dev)
    result = verify_package(out, trusted_fingerprints=[fingerprint(dev.public_key())])
    assert result.intact and result.development_key and not result.ok
    assert "public development key" in (result.signer_problem() or "")


@pytest.mark.parametrize("victim", ["summary.pdf", "audit.jsonl", MANIFEST, SIGNATURE, PUBLIC_KEY])
def test_removed_file_is_named(package: Path, victim: str) -> None:
    members = _members(package)
    del members[victim]
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok
    assert victim in result.missing


def test_added_file_is_named(package: Path) -> None:
    members = _members(package)
    members["posts/extra.json"] = b"{}"
    _rewrite(package, members)
    result = verify_package(package)
    assert not result.ok
    assert result.added == ("posts/extra.json",)
    assert result.problems() == ["added: posts/extra.json"]


@pytest.mark.parametrize("evil", ["../outside.txt", "/etc/passwd", "posts/../../x", "C:\\x.txt", "a/\x07b"])
def test_traversal_names_in_archive_are_reported(package: Path, evil: str) -> None:
    with zipfile.ZipFile(package, "a") as zf:
        zf.writestr(evil, b"x")
    result = verify_package(package)
    assert not result.ok
    assert result.unsafe, result


def test_raw_byte_flip_in_archive_is_caught(package: Path) -> None:
    data = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as zf:
        info = zf.getinfo("summary.html")
    data[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF
    package.write_bytes(bytes(data))
    result = verify_package(package)
    assert not result.ok
    assert any("summary.html" in a for a in result.altered)


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"hello")
    result = verify_package(bad)
    assert not result.ok and result.errors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "__.._etc_passwd"),
        ("..", "_"),
        (".", "_"),
        ("", "_"),
        ("/abs/path", "_abs_path"),
        ("C:\\Windows", "C__Windows"),
        ("a\x00b\x1fc", "a_b_c"),
        ("name\u202egpj.exe", "name_gpj.exe"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("ok-name_1.json", "ok-name_1.json"),
    ],
)
def test_safe_component(raw: str, expected: str) -> None:
    assert safe_component(raw) == expected
    assert member_name_problem(safe_component(raw)) is None


def test_safe_component_bounds_length() -> None:
    long = "x" * 500
    name = safe_component(long)
    assert len(name) <= 120 and name != safe_component("x" * 499)


def test_hostile_post_ids_stay_inside_the_package(tmp_path: Path) -> None:
    posts = [make_post("p-a", external_id="../../../etc/cron.d/x"), make_post("p-b", external_id="/abs")]
    out = tmp_path / "pkg.zip"
    build_package(out, _input(posts=posts, request=make_request(targets=(Target("post", "x"),))), signing_key=KEY)
    names = list(_members(out))
    assert all(member_name_problem(n) is None for n in names), names
    assert verify_package(out).intact


def test_colliding_sanitized_names_do_not_overwrite(tmp_path: Path) -> None:
    posts = [make_post("p-a", external_id="a/b"), make_post("p-b", external_id="a_b")]
    out = tmp_path / "pkg.zip"
    build_package(out, _input(posts=posts), signing_key=KEY)
    post_files = [n for n in _members(out) if n.startswith("posts/")]
    assert len(post_files) == 4
    assert verify_package(out).intact


def test_naive_created_at_is_refused(tmp_path: Path) -> None:
    from adwarden.domain.errors import InputError

    with pytest.raises(InputError, match="created_at"):
        build_package(tmp_path / "x.zip", _input(created_at=T0.replace(tzinfo=None)), signing_key=KEY)
