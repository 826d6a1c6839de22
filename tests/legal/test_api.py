"""``/v1/legal``: role checks, intake, workflow, production and download, holds, transparency."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adwarden.legal.package import verify_package
from adwarden.runtime import Runtime

from .storefix import ad, store

KEYS = {"lia": "lee:le-liaison", "sup": "sam:le-liaison", "adm": "ada:admin", "mod": "mo:moderator",
        "cs": "cy:child-safety", "plat": "shop:platform"}


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api(client: Any, runtime: Runtime) -> Any:
    runtime.settings.api_keys = KEYS
    return client


INTAKE = {"type": "subpoena", "agency": "Example County Sheriff", "authority": "Subpoena GJ-42",
          "targets": ["phone:+12065550147"], "officer": "Det. Casey Morgan", "case_number": "2026-42"}


@pytest.mark.parametrize("key", ["mod", "cs", "plat", "nope"])
def test_other_roles_are_refused_everywhere(api: Any, key: str) -> None:
    for method, url in [("post", "/v1/legal/requests"), ("get", "/v1/legal/requests"), ("get", "/v1/legal/holds"),
                        ("get", "/v1/legal/overdue"), ("post", "/v1/legal/holds"),
                        ("get", "/v1/legal/transparency?from=2026-01-01&to=2026-12-31")]:
        r = api.post(url, headers=_h(key), json={}) if method == "post" else api.get(url, headers=_h(key))
        # A known key without the role is forbidden (403); an unknown key is not authenticated at all (401).
        assert r.status_code == (401 if key == "nope" else 403), (url, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_dev_mode_without_keys_is_refused(client: Any) -> None:
    assert client.get("/v1/legal/requests").status_code == 403


def test_intake_workflow_produce_download(api: Any, runtime: Runtime, tmp_path: Path) -> None:
    store(runtime, ad("a1"), ad("b1", phone="206-555-0199", account="u-2"))
    r = api.post("/v1/legal/requests", json=INTAKE, headers=_h("lia"))
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["status"] == "received" and req["flags"] == []
    rid = req["id"]
    bad = api.post(f"/v1/legal/requests/{rid}/transition", json={"status": "produced"}, headers=_h("lia"))
    assert bad.status_code == 409 and "allowed next" in bad.json()["detail"]
    for status in ("in_review", "producing"):
        assert api.post(f"/v1/legal/requests/{rid}/transition", json={"status": status}, headers=_h("lia")).status_code == 200
    prod = api.post(f"/v1/legal/requests/{rid}/productions", json={"recipient": "Det. Morgan"}, headers=_h("lia"))
    assert prod.status_code == 201, prod.text
    body = prod.json()
    dl = api.get(body["download"], headers=_h("lia"))
    assert dl.status_code == 200 and dl.headers["content-type"] == "application/zip"
    path = tmp_path / "dl.zip"
    path.write_bytes(dl.content)
    result = verify_package(path, trusted_fingerprints=[body["key_fingerprint"]])
    assert result.intact and result.development_key and not result.ok, result.problems()  # test deployment key
    with zipfile.ZipFile(io.BytesIO(dl.content)) as zf:
        assert any(n.startswith("posts/") for n in zf.namelist())
    log = api.get(f"/v1/legal/productions/{body['production_id']}", headers=_h("adm")).json()
    assert log["recipient"] == "Det. Morgan" and log["authority"] == "Subpoena GJ-42"
    shown = api.get(f"/v1/legal/requests/{rid}", headers=_h("adm")).json()
    assert shown["status"] == "produced" and len(shown["productions"]) == 1


def test_bad_intake_is_422_naming_the_field(api: Any) -> None:
    r = api.post("/v1/legal/requests", json={**INTAKE, "targets": ["phone:nope"]}, headers=_h("lia"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "target"
    r = api.post("/v1/legal/requests", json={**INTAKE, "type": "pen-trap"}, headers=_h("lia"))
    assert r.status_code == 422 and "unknown request type" in r.json()["detail"]


def test_emergency_checklist_over_http(api: Any, runtime: Runtime) -> None:
    store(runtime, ad("a1"))
    req = api.post("/v1/legal/requests", json={**INTAKE, "type": "emergency", "contact_phone": "+12065550111"},
                   headers=_h("lia")).json()
    rid = req["id"]
    url = f"/v1/legal/requests/{rid}/verifications"
    assert api.post(url, json={"check": "callback", "detail": "x", "callback_number": "+12065550111"},
                    headers=_h("lia")).status_code == 422
    assert api.post(url, json={"check": "official_domain", "detail": "pd.example.gov"}, headers=_h("lia")).status_code == 200
    assert api.post(url, json={"check": "callback", "detail": "published switchboard",
                               "callback_number": "+12065550100"}, headers=_h("lia")).status_code == 200
    done = api.post(url, json={"check": "supervisor_approval", "detail": "approved"}, headers=_h("sup")).json()
    assert done == {"complete": True, "problems": []}
    assert api.get(f"/v1/legal/requests/{rid}", headers=_h("lia")).json()["status"] == "verifying"


def test_preservation_and_holds(api: Any, runtime: Runtime) -> None:
    store(runtime, ad("a1"))
    req = api.post("/v1/legal/requests", json={**INTAKE, "type": "preservation"}, headers=_h("lia")).json()
    assert req["hold_id"]
    holds = api.get("/v1/legal/holds", headers=_h("lia")).json()
    assert [h["id"] for h in holds] == [req["hold_id"]] and holds[0]["items"]["post"] == 1
    manual = api.post("/v1/legal/holds", json={"targets": ["account:u-1"], "reason": "investigation"},
                      headers=_h("lia"))
    assert manual.status_code == 201
    hid = manual.json()["id"]
    rel = api.post(f"/v1/legal/holds/{hid}/release", json={"reason": "closed"}, headers=_h("adm"))
    assert rel.status_code == 200 and rel.json()["released_by"] == "ada"
    again = api.post(f"/v1/legal/holds/{hid}/release", json={"reason": "closed"}, headers=_h("adm"))
    assert again.status_code == 409


def test_overdue_and_transparency(api: Any) -> None:
    old = api.post("/v1/legal/requests", json={**INTAKE, "targets": ["post:zzz"], "received_at": "2020-01-01T00:00:00Z"},
                   headers=_h("lia")).json()
    assert old["flags"] == ["no_match"]
    late = api.get("/v1/legal/overdue", headers=_h("lia")).json()
    assert [r["id"] for r in late] == [old["id"]]
    r = api.get("/v1/legal/transparency", params={"from": "2020-01-01", "to": "2020-01-31"}, headers=_h("adm"))
    assert r.status_code == 200
    by = {row["type"]: row for row in r.json()["requests_by_type"]}
    assert by["subpoena"]["requests"] == 1 and by["subpoena"]["percent_with_data_produced"] == 0.0
    today = datetime.now(UTC).date().isoformat()
    empty = api.get("/v1/legal/transparency", params={"from": today, "to": today}, headers=_h("adm")).json()
    assert empty["requests_total"] == 0
