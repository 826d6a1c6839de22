"""``adwarden reports`` and ``adwarden dev ncmec-server`` through the real CLI."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from adwarden.config import Settings
from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.standin import StandinServer
from adwarden.runtime import Runtime

from ..conftest import Cli
from .ncmec_cases import text_only_trafficking
from .storefix import PASSWORD, REPORTER_ENV, USER, store_case

pytestmark = pytest.mark.timeout(90)


def _env(server: StandinServer | None = None, **extra: str) -> dict[str, str]:
    env = {f"ADWARDEN_{k.upper()}": v for k, v in REPORTER_ENV.items()}
    if server is not None:
        env.update(ADWARDEN_NCMEC_URL=server.url, ADWARDEN_NCMEC_USERNAME=USER, ADWARDEN_NCMEC_PASSWORD=PASSWORD,
                   ADWARDEN_NCMEC_TIMEOUT="2", ADWARDEN_NCMEC_RETRY_ATTEMPTS="2")
    env.update(extra)
    return env


def test_validate_and_lint_files(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(build_report_xml(text_only_trafficking()))
    result = cli("reports", "validate", str(good))
    assert result.exit_code == 0 and "valid" in result.output
    bad = tmp_path / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(b"<incidentDateTime>2026-03-01T14:05:00Z", b"<incidentDateTime>soon"))
    result = cli("reports", "validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:6: /report/incidentSummary/incidentDateTime:" in result.output
    result = cli("reports", "lint", str(good), "--no-db")
    assert result.exit_code == 0 and "no warnings" in result.output
    bare = tmp_path / "bare.xml"
    bare.write_bytes(b"<report><incidentSummary><incidentType>Child Sex Trafficking</incidentType>"
                     b"<incidentDateTime>2026-03-01T00:00:00Z</incidentDateTime></incidentSummary>"
                     b"<reporter><reportingPerson/></reporter></report>")
    result = cli("reports", "lint", str(bare), "--victim-hint", "stated age 15")
    codes = {line.split(": ")[1] for line in result.output.splitlines() if line.startswith(str(bare))}
    assert codes == {"no-url", "no-reported-user", "no-email", "no-ip", "no-location", "victim-info-missing"}


def test_draft_submit_status_ic3(cli: Cli, runtime: Runtime, standin: StandinServer, tmp_path: Path) -> None:
    stored = store_case(runtime)
    out = tmp_path / "draft.xml"
    env = _env(standin)
    result = cli("reports", "draft", stored.case_id, "--out", str(out), "--escalate", "Ad says 16.", env=env)
    assert result.exit_code == 0, result.output
    assert "missing" not in result.output
    assert cli("reports", "validate", str(out)).exit_code == 0
    result = cli("reports", "submit", stored.case_id, "--json", env=env)
    assert result.exit_code == 0, result.output
    filed = json.loads(result.output)
    assert filed["status"] == "finished" and filed["hold_id"]
    [received] = standin.state.reports.values()
    assert received.xml == out.read_bytes()
    result = cli("reports", "submit", stored.case_id, env=env)
    assert result.exit_code == 1 and "no draft report" in result.output
    result = cli("reports", "status", "--json", env=env)
    assert result.exit_code == 0
    status = json.loads(result.output)
    assert status["ncmec"]["ok"] is True and status["reports"][0]["ncmec_report_id"] == filed["ncmec_report_id"]
    result = cli("reports", "show", filed["id"], env=env)
    assert [e["endpoint"] for e in json.loads(result.output)["exchanges"]] == ["submit", "finish"]
    zip_path = tmp_path / "case.zip"
    result = cli("reports", "ic3", stored.case_id, "--out", str(zip_path), env=env)
    assert result.exit_code == 0
    with zipfile.ZipFile(io.BytesIO(zip_path.read_bytes())) as z:
        assert f"evidence/cybertip-{filed['ncmec_report_id']}.xml" in z.namelist()


def test_ncmec_errors_exit_4_with_code(cli: Cli, runtime: Runtime, standin: StandinServer) -> None:
    stored = store_case(runtime)
    env = _env(standin)
    assert cli("reports", "draft", stored.case_id, env=env).exit_code == 0
    standin.state.fail_next("code4100", endpoint="submit")
    result = cli("reports", "submit", stored.case_id, env=env)
    assert result.exit_code == 4 and "response code 4100" in result.output
    # Missing credentials: a configuration error, not a crash.
    result = cli("reports", "submit", stored.case_id, env=_env())
    assert result.exit_code == 2 and "ADWARDEN_NCMEC_USERNAME" in result.output
    # An outage after the report was opened: exit 4, and `reports resume` finishes it later.
    standin.state.fail_next("code1000", 2, endpoint="finish")
    result = cli("reports", "submit", stored.case_id, env=env)
    assert result.exit_code == 4 and "gave up after 2 attempts" in result.output
    result = cli("reports", "resume", env=env)
    assert result.exit_code == 0 and "1 unfinished submission(s) resumed" in result.output
    assert [r.status for r in standin.state.reports.values()] == ["finished"]


def test_status_when_ncmec_is_unreachable(cli: Cli, settings: Settings) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(ADWARDEN_NCMEC_URL=f"http://127.0.0.1:{port}", ADWARDEN_NCMEC_USERNAME="u",
               ADWARDEN_NCMEC_PASSWORD="p")
    result = cli("reports", "status", env=env)
    assert result.exit_code == 4 and "NOT reachable" in result.output


def test_refresh_xsd(cli: Cli, standin: StandinServer, settings: Settings) -> None:
    result = cli("reports", "refresh-xsd", env=_env(standin))
    assert result.exit_code == 0, result.output
    target = settings.data_dir / "ncmec" / "cyber_tipline.xsd"
    assert target.read_bytes().startswith(b"<?xml") and b"reportDoneResponse" in target.read_bytes()


def test_dev_ncmec_server_runs(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ADWARDEN_DATA_DIR": str(tmp_path), "ADWARDEN_ENVIRONMENT": "test"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "adwarden", "dev", "ncmec-server", "--port", str(port), "--username", "u",
         "--password", "p", "--store", str(tmp_path / "got")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/status", auth=("u", "p"), timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert r.status_code == 200 and b"<responseCode>0</responseCode>" in r.content
        r = httpx.post(f"http://127.0.0.1:{port}/submit", content=build_report_xml(text_only_trafficking()),
                       auth=("u", "p"), headers={"Content-Type": "text/xml"})
        assert b"<responseCode>0</responseCode>" in r.content
        assert list((tmp_path / "got").glob("*/report.xml"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
