"""An ad with characters XML cannot carry is still reported over HTTP and from the CLI (no 500, no crash)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from adwarden.api.app import create_app
from adwarden.reporting.ncmec.validate import validate_report_xml
from adwarden.runtime import BaseDetectors, Runtime, build_runtime
from adwarden.storage.sql.queries import open_case_for_post

from .storefix import PLATFORM, configured, minor_ad

pytestmark = pytest.mark.timeout(90)
CS = {"Authorization": "Bearer cs-key"}


@pytest.fixture
def api(runtime: Runtime, shared_base: BaseDetectors) -> Iterator[tuple[TestClient, Runtime]]:
    settings = configured(runtime.settings, api_keys={"cs-key": "cara:child-safety"})
    rt = build_runtime(settings, migrate=False, base=shared_base)
    with TestClient(create_app(runtime=rt)) as client:
        yield client, rt
    rt.db.dispose()


def test_noncharacters_in_the_ad_cannot_block_its_report(api: tuple[TestClient, Runtime]) -> None:
    client, rt = api
    ad = minor_ad()
    ad = replace(ad, body=ad.body + " \uffff\ufffe", title=ad.title + "\u0085")
    [outcome] = rt.ingest([ad], actor=PLATFORM)
    with rt.db.read() as conn:
        case = open_case_for_post(conn, outcome.post_id)
    assert case is not None
    r = client.post("/v1/reports/drafts", headers=CS,
                    json={"case_id": case.id, "escalation_reason": "Stated age 16\x07\x1b tonight"})
    assert r.status_code == 201, r.text
    xml = r.json()["report_xml"].encode()
    assert validate_report_xml(xml) == []
    root = ET.fromstring(xml)
    assert "[U+FFFF][U+FFFE]" in (root.findtext("additionalInfo") or "")
    assert "character(s) that XML cannot carry" in (root.findtext("additionalInfo") or "")
    assert root.findtext("incidentSummary/escalateToHighPriority") == "Stated age 16[U+0007][U+001B] tonight"
    r = client.get(f"/v1/reports/cases/{case.id}/ic3", headers=CS)
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert z.read("summary.pdf").startswith(b"%PDF-")
