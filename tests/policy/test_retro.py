"""Banks in storage, policy activation and retroactive rescans (SQLite and PostgreSQL), CLI and API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import adwarden.retro  # noqa: F401  (registers the runtime hook that loads banks and the active policy)
from adwarden.audit.verify import verify_chain
from adwarden.domain import Actor, PermissionDenied, PolicyError
from adwarden.retro.banks import export_bank, import_bank, list_banks
from adwarden.retro.policies import activate_policy, active_policy
from adwarden.retro.rescan import get_job, run_rescan
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import latest_assessment, open_case_for_post
from adwarden.storage.sql.tables import audit_events
from adwarden.storage.sql.tables_banks import bank_entries
from tests.factories import post, strict_policy_file

ADMIN = Actor("analyst", frozenset({"admin"}))
KEY = b"development-only-bank-key-change-me"


def _ingest(rt: Runtime, items: list[Any]) -> list[str]:
    return [o.post_id for o in rt.ingest(items, actor=ADMIN)]


def _events(rt: Runtime, name: str) -> list[Any]:
    with rt.db.read() as conn:
        return list(conn.execute(select(audit_events).where(audit_events.c.name == name)))


def test_phone_added_to_bank_surfaces_old_ads(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    ids = _ingest(rt, [
        post("old-1", body="Nice furniture, call 206 555 0147"),
        post("old-2", body="Moving sale. Text two oh six 555 0147 anytime"),
        post("other", body="Garden tools, call 206 555 0199"),
    ])
    with rt.db.read() as conn:
        assert latest_assessment(conn, ids[0]).verdict.action.value == "allow"  # type: ignore[union-attr]
    res = import_bank(rt.db, "local-traffick", b"kind,value,label\nphone,(206) 555-0147,trafficking\n",
                      key=KEY, actor=ADMIN, source="t.csv", labels=("trafficking",))
    assert (res.added, res.affected_posts) == (1, 2)
    assert res.rescan_job is not None
    screener = rt.refresh_screener()
    assert "bank" in screener.registry.names()
    job = run_rescan(rt, res.rescan_job, actor=ADMIN)
    assert (job.status, job.total, job.done, job.changed) == ("done", 2, 2, 2)
    with rt.db.read() as conn:
        for pid in ids[:2]:
            a = latest_assessment(conn, pid)
            assert a is not None and a.trigger == "rescan"
            bank = [e for e in a.verdict.reasons if e.detector == "bank"]
            assert bank and bank[0].label == "trafficking" and bank[0].attrs["bank"] == "local-traffick"
            assert bank[0].attrs["kind"] == "phone"
            assert a.verdict.action.value == "hold" and a.verdict.queue == "trafficking"
            assert open_case_for_post(conn, pid) is not None
        assert latest_assessment(conn, ids[2]).trigger == "ingest"  # type: ignore[union-attr]
        assert verify_chain(conn).ok
    assert len(_events(rt, "bank-entries-imported")) == 1 and len(_events(rt, "rescan-finished")) == 1
    # Running again changes nothing: the job is done, and a new import of the same entry adds nothing.
    assert run_rescan(rt, res.rescan_job, actor=ADMIN).changed == 2
    again = import_bank(rt.db, "local-traffick", b"kind,value,label\nphone,2065550147,trafficking\n",
                        key=KEY, actor=ADMIN)
    assert (again.added, again.already_present, again.rescan_job) == (0, 1, None)
    # New ingests are screened with the bank too.
    new = _ingest(rt, [post("new-1", body="call 206-555-0147")])
    with rt.db.read() as conn:
        a = latest_assessment(conn, new[0])
        assert a is not None and any(e.detector == "bank" for e in a.verdict.reasons)


def test_rescan_resumes_after_interruption(runtime: Runtime) -> None:
    rt = runtime
    ids = _ingest(rt, [post(f"p{i}", body=f"item {i}, contact owner@example.com") for i in range(7)])
    res = import_bank(rt.db, "emails", b"kind,value,label\nemail,Owner@Example.com,spam-ring\n", key=KEY, actor=ADMIN)
    assert res.affected_posts == 7 and res.rescan_job
    rt.refresh_screener()
    part = run_rescan(rt, res.rescan_job, actor=ADMIN, batch_size=3, max_batches=1)
    assert (part.status, part.done) == ("running", 3)
    done = run_rescan(rt, res.rescan_job, actor=ADMIN, batch_size=3)
    assert (done.status, done.done, done.changed) == ("done", 7, 7)
    with rt.db.read() as conn:
        assert all(any(e.label == "spam-ring" for e in latest_assessment(conn, p).verdict.reasons)  # type: ignore[union-attr]
                   for p in ids)


def test_malformed_bank_file_changes_nothing(runtime: Runtime) -> None:
    with pytest.raises(PolicyError) as info:
        import_bank(runtime.db, "b1", b"kind,value,label\nphone,1,x\nemail,nope,x\n", key=KEY, actor=ADMIN,
                    source="bad.csv")
    assert [p.split(": ")[0] for p in info.value.problems] == ["bad.csv:2", "bad.csv:3"]
    with runtime.db.read() as conn:
        assert list_banks(conn) == []
        assert conn.execute(select(func.count()).select_from(bank_entries)).scalar_one() == 0


def test_bank_import_needs_permission(runtime: Runtime) -> None:
    with pytest.raises(PermissionDenied):
        import_bank(runtime.db, "b", b"kind,value,label\nphone,2065550147,x\n", key=KEY,
                    actor=Actor("mod", frozenset({"moderator"})))


def test_export_formats(runtime: Runtime) -> None:
    import_bank(runtime.db, "mixed", (b"kind,value,label\nphone,2065550147,x\nmd5," + b"a" * 32 + b",csam\n"),
                key=KEY, actor=ADMIN)
    text, skipped = export_bank(runtime.db, "mixed", "csv")
    assert "phone_hmac" in text and "2065550147" not in text and skipped == 0
    text, skipped = export_bank(runtime.db, "mixed", "pytx")
    assert text == "video_md5 " + "a" * 32 + "\n" and skipped == 1


POLICY_STRICT = Path(__file__).parent / "strict_policy.toml"


def test_policy_activation_is_audited_and_rescans(runtime: Runtime, tmp_path: Path) -> None:
    rt = runtime
    ids = _ingest(rt, [post("a", body="New in town, available 24/7"), post("b", body="Oak table")])
    with rt.db.read() as conn:
        before = latest_assessment(conn, ids[0])
        assert before is not None and before.verdict.action.value == "allow" and not before.verdict.open_case
    policy, job_id = activate_policy(rt.db, strict_policy_file(tmp_path), actor=ADMIN)
    assert policy.version == "strict-1" and job_id
    screener = rt.refresh_screener()
    assert screener.policy.version == "strict-1"
    job = run_rescan(rt, job_id, actor=ADMIN)
    assert (job.done, job.changed) == (2, 1)  # the plain post's verdict did not change
    with rt.db.read() as conn:
        a = latest_assessment(conn, ids[0])
        assert a is not None and a.verdict.action.value == "hold" and a.versions["policy"] == "strict-1"
        assert open_case_for_post(conn, ids[0]) is not None
        assert active_policy(conn).version == "strict-1"  # type: ignore[union-attr]
    ev = _events(rt, "policy-activated")
    assert len(ev) == 1 and json.loads(ev[0].payload)["version"] == "strict-1"
    with pytest.raises(PermissionDenied):
        activate_policy(rt.db, strict_policy_file(tmp_path), actor=Actor("mod", frozenset({"moderator"})))


def test_rescan_closes_cases_when_risk_falls(runtime: Runtime, tmp_path: Path) -> None:
    rt = runtime
    policy, _ = activate_policy(rt.db, strict_policy_file(tmp_path), actor=ADMIN)
    rt.refresh_screener()
    ids = _ingest(rt, [post("c", body="New in town, available 24/7")])
    with rt.db.read() as conn:
        assert open_case_for_post(conn, ids[0]) is not None
    from adwarden.policy import default_policy_text

    default = tmp_path / "default.toml"
    default.write_bytes(default_policy_text())
    _, job_id = activate_policy(rt.db, default, actor=ADMIN)
    assert job_id is not None
    job = run_rescan(rt, job_id, actor=ADMIN)
    assert job.changed == 1
    with rt.db.read() as conn:
        assert open_case_for_post(conn, ids[0]) is None
        assert get_job(conn, job_id).status == "done"
    assert _events(rt, "case-closed")


# -- CLI ------------------------------------------------------------------------------------------------------

def test_cli_policy_check(cli: Any, tmp_path: Path) -> None:
    from adwarden.policy import default_policy_text

    good = tmp_path / "good.toml"
    good.write_bytes(default_policy_text())
    r = cli("policy", "check", str(good))
    assert r.exit_code == 0 and "valid" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text(default_policy_text().decode().replace("review_threshold = 40", "review_threshold = 400")
                   .replace('queue = "trafficking"\npriority = 80', 'queue = "trafic"\npriority = 80'))
    r = cli("policy", "check", str(bad))
    assert r.exit_code == 1
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if t.startswith("review_threshold"))
    assert f"{bad}:{line}: review_threshold must be between 0 and 100" in r.output
    assert "unknown queue 'trafic'" in r.output and "2 problem(s)" in r.output


def test_cli_banks_import_list_export_and_rescan(cli: Any, tmp_path: Path) -> None:
    data = tmp_path / "posts.jsonl"
    data.write_text("\n".join(json.dumps({"external_id": f"x{i}", "site": "example-classifieds",
                                          "body": f"Bike {i}, text 206-555-0147"}) for i in range(3)) + "\n")
    assert cli("ingest", str(data), "--json").exit_code == 0
    f = tmp_path / "bank.csv"
    f.write_text("kind,value,label\nphone,206.555.0147,trafficking\n")
    r = cli("banks", "import", "local", str(f), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["added"] == 1 and out["affected_posts"] == 3
    assert out["rescan"]["status"] == "done" and out["rescan"]["changed"] == 3
    r = cli("banks", "list", "--json")
    assert json.loads(r.output) == [{"name": "local", "labels": ["local"], "enabled": True, "entries": 1,
                                     "description": ""}]
    r = cli("banks", "export", "local")
    assert r.output.startswith("kind,value,label") and "phone_hmac" in r.output
    r = cli("rescan", "--json")
    assert json.loads(r.output) == {"jobs": []}
    r = cli("rescan", "--all", "--json")
    jobs = json.loads(r.output)["jobs"]
    assert len(jobs) == 1 and jobs[0]["total"] == 3 and jobs[0]["changed"] == 0  # nothing changed since
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,value,label\nphone,12,x\n")
    r = cli("banks", "import", "local", str(bad))
    assert r.exit_code == 1 and f"{bad}:2: not a phone number" in r.output


def test_cli_policy_diff_and_activate(cli: Any, tmp_path: Path) -> None:
    from adwarden.policy import default_policy_text

    data = tmp_path / "posts.jsonl"
    data.write_text(json.dumps({"external_id": "d1", "body": "New in town, available 24/7"}) + "\n"
                    + json.dumps({"external_id": "d2", "body": "Lamp for sale"}) + "\n")
    assert cli("ingest", str(data), "--json").exit_code == 0
    old = tmp_path / "old.toml"
    old.write_bytes(default_policy_text())
    new = strict_policy_file(tmp_path)
    r = cli("policy", "diff", str(old), str(new), "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert (d["posts"], d["changed"]) == (2, 1) and d["transitions"] == {"allow->hold": 1}
    r = cli("policy", "activate", str(new), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["rescan"]["changed"] == 1
    r = cli("cases", "list", "--json")
    assert "d1" in r.output


def test_api_import_background_rescan_then_post_carries_bank_reason(runtime: Runtime) -> None:
    from fastapi.testclient import TestClient

    from adwarden.api.app import create_app

    ids = _ingest(runtime, [post("api-1", body="Lamp, call 206 555 0147")])
    runtime.settings.api_keys = {"k-admin": "analyst:admin"}
    with TestClient(create_app(runtime=runtime)) as client:
        h = {"Authorization": "Bearer k-admin"}
        r = client.post("/v1/banks/api-bank/entries", content="kind,value,label\nphone,2065550147,trafficking\n",
                        headers={**h, "Content-Type": "text/plain"})
        assert r.status_code == 201, r.text
        job = r.json()["rescan_job"]
        assert r.json()["affected_posts"] == 1 and job
        r = client.get(f"/v1/rescans/{job}", headers=h)
        assert r.json()["status"] == "done" and r.json()["changed"] == 1  # background task ran after the answer
        r = client.get(f"/v1/posts/{ids[0]}", headers=h)
        reasons = r.json()["verdict"]["reasons"]
        bank = [x for x in reasons if x["detector"] == "bank"]
        assert bank and bank[0]["bank"] == "api-bank" and bank[0]["kind"] == "phone" and bank[0]["label"] == "trafficking"
        assert client.get("/v1/banks", headers=h).json()[0]["entries"] == 1
        bad = client.post("/v1/banks/api-bank/entries", content="kind,value,label\nphone,1,x\n",
                          headers={**h, "Content-Type": "text/plain"})
        assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["errors"] == [{"field": "content line 2", "message": "not a phone number: '1'"}]


def test_background_worker_runs_queued_jobs(runtime: Runtime) -> None:
    import time

    from adwarden.retro.worker import RescanWorker

    ids = _ingest(runtime, [post("w1", body="Chair, text 206 555 0147")])
    res = import_bank(runtime.db, "queued", b"kind,value,label\nphone,2065550147,trafficking\n", key=KEY, actor=ADMIN)
    assert res.rescan_job
    worker = RescanWorker(runtime, 0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with runtime.db.read() as conn:
                if get_job(conn, res.rescan_job).status == "done":
                    break
            time.sleep(0.05)
    finally:
        worker.stop()
    with runtime.db.read() as conn:
        assert get_job(conn, res.rescan_job).status == "done"
        a = latest_assessment(conn, ids[0])
        assert a is not None and any(e.detector == "bank" for e in a.verdict.reasons)
    assert worker.run_once() == 0
