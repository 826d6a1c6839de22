"""``/v1/reports`` over the in-process API client, against the stand-in NCMEC server."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adwarden.api.app import create_app
from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.standin import StandinServer
from adwarden.runtime import BaseDetectors, Runtime, build_runtime

from .ncmec_cases import text_only_trafficking
from .storefix import configured, store_case

pytestmark = pytest.mark.timeout(90)

CS = {"Authorization": "Bearer cs-key"}
CS2 = {"Authorization": "Bearer cs2-key"}
MOD = {"Authorization": "Bearer mod-key"}


@pytest.fixture
def api(runtime: Runtime, standin: StandinServer, shared_base: BaseDetectors) -> Iterator[tuple[TestClient, Runtime]]:
    settings = configured(runtime.settings, standin, report_requires_second_approval=True, api_keys={
        "cs-key": "cara:child-safety", "cs2-key": "sol:child-safety", "mod-key": "mo:moderator"})
    rt = build_runtime(settings, migrate=False, base=shared_base)
    with TestClient(create_app(runtime=rt)) as client:
        yield client, rt
    rt.db.dispose()


def test_draft_approve_submit_over_http(api: tuple[TestClient, Runtime], standin: StandinServer) -> None:
    client, rt = api
    stored = store_case(rt)
    r = client.post("/v1/reports/drafts", json={"case_id": stored.case_id}, headers=MOD)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    r = client.post("/v1/reports/drafts", json={"case_id": stored.case_id, "escalation_reason": "Ad says 16."}, headers=CS)
    assert r.status_code == 201, r.text
    draft: dict[str, Any] = r.json()
    assert draft["missing"] == [] and "<escalateToHighPriority>" in draft["report_xml"]
    r = client.get(f"/v1/reports/{draft['id']}/xml", headers=CS)
    assert r.headers["content-type"] == "application/xml" and r.content.startswith(b"<?xml")
    r = client.post(f"/v1/reports/{draft['id']}/submit", headers=CS)
    assert r.status_code == 403 and "second reviewer" in r.json()["detail"]
    assert client.post(f"/v1/reports/{draft['id']}/approve", headers=CS).status_code == 403
    assert client.post(f"/v1/reports/{draft['id']}/approve", headers=CS2).json()["approved_by"] == "sol"
    r = client.post(f"/v1/reports/{draft['id']}/submit", headers=CS)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "finished" and r.json()["hold_id"]
    r = client.post(f"/v1/reports/{draft['id']}/submit", headers=CS)
    assert r.status_code == 409
    listed = client.get("/v1/reports", params={"case_id": stored.case_id}, headers=CS).json()
    assert [x["id"] for x in listed] == [draft["id"]]
    detail = client.get(f"/v1/reports/{draft['id']}", headers=CS).json()
    assert [e["endpoint"] for e in detail["exchanges"]] == ["submit", "finish"]
    status = client.get("/v1/reports/status", headers=CS).json()
    assert status["ok"] is True and status["environment"] == "test"
    r = client.get(f"/v1/reports/cases/{stored.case_id}/ic3", headers=CS)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert "summary.pdf" in z.namelist()


def test_ncmec_error_is_a_502_problem_with_code(api: tuple[TestClient, Runtime], standin: StandinServer) -> None:
    client, rt = api
    stored = store_case(rt)
    draft = client.post("/v1/reports/drafts", json={"case_id": stored.case_id}, headers=CS).json()
    client.post(f"/v1/reports/{draft['id']}/approve", headers=CS2)
    standin.state.fail_next("code4100", endpoint="submit")
    r = client.post(f"/v1/reports/{draft['id']}/submit", headers=CS)
    assert r.status_code == 502 and r.json()["code"] == 4100
    assert client.post("/v1/reports/drafts", json={"case_id": "c-missing"}, headers=CS).status_code == 404


def test_validate_and_lint_endpoints(api: tuple[TestClient, Runtime]) -> None:
    client, _ = api
    xml = build_report_xml(text_only_trafficking())
    r = client.post("/v1/reports/validate", content=xml, headers={**CS, "Content-Type": "application/xml"})
    assert r.json() == {"valid": True, "problems": []}
    broken = xml.replace(b"Child Sex Trafficking", b"Trafficking")
    r = client.post("/v1/reports/validate", content=broken, headers={**CS, "Content-Type": "application/xml"})
    [problem] = r.json()["problems"]
    assert r.json()["valid"] is False and problem["line"] == 4 and problem["path"].endswith("incidentType")
    r = client.post("/v1/reports/lint", content=xml, headers={**CS, "Content-Type": "application/xml"})
    assert r.json() == []
    assert client.post("/v1/reports/validate", content=b"", headers=CS).status_code == 422
    assert client.post("/v1/reports/validate", content=xml, headers=MOD).status_code == 403
