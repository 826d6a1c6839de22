"""Re-screening stored history with Spark: export, re-screen on local executors, load through a rescan job.

The reference is the in-process rescan: two stores get the same posts, the same bank and the same policy
change; one runs ``run_pending``, the other export -> ``spark_rescreen`` -> ``load_verdicts``; every post must
end with the same verdict and the same open case.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from adwarden.audit.verify import verify_chain
from adwarden.batch.rescreen_job import spark_rescreen
from adwarden.demo.generate import generate_posts
from adwarden.domain import Actor, Conflict, InputError, PermissionDenied, PostInput
from adwarden.ingest.schema import validate_post
from adwarden.retro.banks import import_bank
from adwarden.retro.policies import activate_policy
from adwarden.retro.rescan import all_post_ids, list_jobs, run_pending
from adwarden.retro.rescreen_export import export_history
from adwarden.retro.rescreen_format import VERDICT_COLUMNS, VERDICTS_FORMAT, VERDICTS_MANIFEST, arrow_schema
from adwarden.retro.rescreen_load import load_verdicts
from adwarden.runtime import BaseDetectors, Runtime
from adwarden.storage.sql import screening_state
from adwarden.storage.sql.queries import latest_assessment, open_case_for_post
from adwarden.storage.sql.tables import assessments, audit_events
from tests.conftest import Cli, _new_pg_database, _runtime, _settings
from tests.factories import post, risky_post, strict_policy_file

ADMIN = Actor("analyst", frozenset({"admin"}))
KEY = b"development-only-bank-key-change-me"
BANK = b"kind,value,label\nphone,(206) 555-0147,trafficking\n" \
       b"text,Just arrived this week available 24/7 roses per hour call now,trafficking\n"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def twins(request: pytest.FixtureRequest, tmp_path: Path, shared_base: BaseDetectors,
          sqlite_template: Path) -> Iterator[tuple[Runtime, Runtime]]:
    """Two empty stores on the same backend: the in-process reference and the Spark path."""
    import shutil

    runtimes: list[Runtime] = []
    drops: list[Callable[[], None]] = []
    for name in ("inproc", "spark"):
        if request.param == "sqlite":
            path = tmp_path / f"{name}.db"
            shutil.copyfile(sqlite_template, path)
            url = f"sqlite:///{path}"
        else:
            url, drop = _new_pg_database(request.getfixturevalue("pg_template"))
            drops.append(drop)
        runtimes.append(_runtime(_settings(tmp_path / name, url), shared_base))
    yield runtimes[0], runtimes[1]
    for rt in runtimes:
        rt.db.dispose()
    for drop in drops:
        drop()


def _posts() -> list[PostInput]:
    generated = [validate_post(d, record=f"post {i}") for i, d in enumerate(generate_posts(150, seed=11))]
    return [*generated, risky_post("r-1"), post("bank-hit", body="Moving sale, call 206 555 0147 after six"),
            post("quiet", body="Oak table and four chairs")]


def _change(rt: Runtime, tmp_path: Path) -> None:
    """The same store and the same change on either side: posts, a bank import, a stricter policy."""
    rt.ingest(_posts(), actor=ADMIN)
    import_bank(rt.db, "local", BANK, key=KEY, actor=ADMIN, source="t.csv", labels=("trafficking",), rescan=False)
    activate_policy(rt.db, strict_policy_file(tmp_path), actor=ADMIN)  # queues the in-process rescan of every post
    rt.refresh_screener()


def _state(rt: Runtime) -> dict[str, Any]:
    """Per post: its latest verdict (everything a reviewer sees of it) and its open case."""
    out: dict[str, Any] = {}
    with rt.db.read() as conn:
        for pid in all_post_ids(conn):
            a = latest_assessment(conn, pid)
            assert a is not None
            v = a.verdict
            case = open_case_for_post(conn, pid)
            reasons = [{k: x for k, x in e.to_json().items() if k != "added_at"} for e in v.reasons]  # bank import time
            out[pid] = (a.version, v.action, v.risk, v.priority, v.queue, v.open_case, v.preserve,
                        reasons, v.contributions, v.rules_fired, a.versions.get("policy"),
                        (case.queue, case.priority, case.risk, case.status) if case else None)
    return out


def _count(rt: Runtime, table: Any, *where: Any) -> int:
    with rt.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_spark_rescreen_gives_the_in_process_rescan_verdicts(twins: tuple[Runtime, Runtime], spark: Any,
                                                              tmp_path: Path) -> None:
    ref, rt = twins
    _change(ref, tmp_path)
    _change(rt, tmp_path)
    edit = post("bank-hit", body="Moving sale is over, thanks")
    ref.ingest([edit], actor=ADMIN)  # the reference sees the edit the Spark side gets between export and load
    (job,) = [j for j in run_pending(ref, actor=ADMIN) if j.trigger == "policy-activated"]
    assert job.changed > 0  # the change matters, so equal states below are not trivially equal

    export = tmp_path / "export"
    exported = export_history(rt, export, actor=ADMIN, batch_size=40)  # several pages and row groups
    assert exported.posts == len(_posts())
    assert _mode(export) == 0o700 and _mode(export / "export.json") == 0o600
    assert all(_mode(f) == 0o600 for f in (export / "posts").iterdir())

    out = tmp_path / "verdicts"
    manifest = spark_rescreen(rt, str(export), str(out), spark=spark)
    verdict_files = sorted((out / "verdicts").glob("*.parquet"))
    changed_ids = [pid for f in verdict_files for pid in pq.read_table(f).column("post_id").to_pylist()]
    # only changed verdicts leave the executors: the reference's, and the bank hit's unedited version
    assert manifest["changed"] == len(changed_ids) == job.changed + 1
    assert all(_mode(f) == 0o600 for f in verdict_files) and _mode(out) == 0o700
    bank_hit = next(o.post_id for o in rt.ingest([edit], actor=ADMIN))  # edited after the export
    assert bank_hit in changed_ids

    result = load_verdicts(rt, out, actor=ADMIN, batch_size=7)
    assert (result.job.trigger, result.job.status, result.job.done) == ("spark-rescan", "done", len(changed_ids))
    # re-screened in process, not given the exported verdict: the edited post, and r-1, which shared its phone
    # (its network's facts changed with the edit)
    assert (result.rescreened, result.gone) == (2, 0)
    assert _state(rt) == _state(ref)
    # the edited post's exported version got no verdict from the export: only its ingest assessment
    assert _count(rt, assessments, assessments.c.post_id == bank_hit, assessments.c.version == 1) == 1

    before = (_count(rt, assessments), _count(rt, audit_events))
    again = load_verdicts(rt, out, actor=ADMIN)
    assert again.job.id == result.job.id and (_count(rt, assessments), _count(rt, audit_events)) == before

    with rt.db.read() as conn:
        assert verify_chain(conn).ok
        names = [r.name for r in conn.execute(select(audit_events.c.name, audit_events.c.payload)
                                              .where(audit_events.c.name.in_(["rescan-exported", "rescan-loaded"])))]
        exported_event = conn.execute(select(audit_events.c.payload, audit_events.c.actor)
                                      .where(audit_events.c.name == "rescan-exported")).one()
    assert names == ["rescan-exported", "rescan-loaded"]
    assert exported_event.actor == "analyst" and json.loads(exported_event.payload)["posts"] == len(_posts())

    hollow = tmp_path / "hollow"
    hollow.mkdir()
    (hollow / "export.json").write_text((export / "export.json").read_text())
    with pytest.raises(InputError, match="no such file"):
        spark_rescreen(rt, str(hollow), str(tmp_path / "v2"), spark=spark)


def _verdicts_dir(path: Path, state: int) -> Path:
    (path / "verdicts").mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([], schema=arrow_schema(VERDICT_COLUMNS)), path / "verdicts" / "p.parquet")
    (path / VERDICTS_MANIFEST).write_text(json.dumps({"format": VERDICTS_FORMAT, "id": "s-1", "export": "x-1",
                                                      "screening_state": state}))
    return path


def test_load_refuses_verdicts_of_another_screening_state(runtime: Runtime, tmp_path: Path) -> None:
    runtime.ingest([risky_post("r-1")], actor=ADMIN)
    activate_policy(runtime.db, strict_policy_file(tmp_path), actor=ADMIN)
    with runtime.db.read() as conn:
        current = screening_state.read(conn)
    with pytest.raises(Conflict, match=f"screening state {current - 1}, the database is at {current}"):
        load_verdicts(runtime, _verdicts_dir(tmp_path / "old", current - 1), actor=ADMIN)
    done = load_verdicts(runtime, _verdicts_dir(tmp_path / "now", current), actor=ADMIN)
    assert (done.job.status, done.job.total) == ("done", 0)


def test_spark_refuses_an_export_older_than_the_screener(runtime: Runtime, tmp_path: Path) -> None:
    runtime.ingest([risky_post("r-1")], actor=ADMIN)
    export_history(runtime, tmp_path / "export", actor=ADMIN)
    activate_policy(runtime.db, strict_policy_file(tmp_path), actor=ADMIN)  # after the export: posts in between missed
    with pytest.raises(Conflict, match="exported under screening state"):
        spark_rescreen(runtime, str(tmp_path / "export"), str(tmp_path / "out"), spark=object())
    assert not (tmp_path / "out").exists()


def test_export_needs_restricted_access(runtime: Runtime, tmp_path: Path) -> None:
    runtime.ingest([risky_post("r-1")], actor=ADMIN)
    lead = Actor("lead", frozenset({"review-lead"}))
    with pytest.raises(PermissionDenied, match="rescan:run"):
        export_history(runtime, tmp_path / "x", actor=lead)
    assert not (tmp_path / "x").exists()


def test_bad_paths_are_one_clear_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "f").write_text("x")
    (tmp_path / "not-export").mkdir()
    cases = [
        (["rescan", "spark", str(tmp_path / "missing"), "--out", str(tmp_path / "o")], "no such directory"),
        (["rescan", "spark", str(tmp_path / "not-export"), "--out", str(tmp_path / "o")], "no export.json"),
        (["rescan", "spark", "hdfs:///x", "--out", str(tmp_path / "o")], "local path"),
        (["rescan", "load", str(tmp_path / "missing")], "no such directory"),
        (["rescan", "load", str(tmp_path / "not-export")], "no rescreen.json"),
        (["rescan", "export", "--out", str(tmp_path / "full")], "not an empty directory"),
    ]
    for args, message in cases:
        res = cli(*args)
        assert res.exit_code == 1, (args, res.output)
        assert res.output.startswith("error: ") and message in res.output and "Traceback" not in res.output


class _SparkRow(dict[str, Any]):
    def asDict(self) -> dict[str, Any]:  # noqa: N802 - pyspark's Row method
        return dict(self)


def _rescreen_in_process(rt: Runtime, export: Path, out: Path) -> None:
    """What ``spark_rescreen`` writes, with the executor function run here (no JVM): for load-only tests."""
    from adwarden.batch.rescreen_job import RescreenSpec, rescreen_partition

    class Broadcast:
        value = rt.snapshot

    rows = [_SparkRow(r) for f in sorted((export / "posts").iterdir()) for r in pq.read_table(f).to_pylist()]
    changed = list(rescreen_partition(RescreenSpec(rt.settings, rt.snapshot.version), Broadcast(), rows))
    (out / "verdicts").mkdir(parents=True)
    table = pa.Table.from_pylist([dict(zip([c for c, _ in VERDICT_COLUMNS], r, strict=True)) for r in changed],
                                 schema=arrow_schema(VERDICT_COLUMNS))
    pq.write_table(table, out / "verdicts" / "part-0.parquet")
    exported = json.loads((export / "export.json").read_text())
    (out / VERDICTS_MANIFEST).write_text(json.dumps({"format": VERDICTS_FORMAT, "id": "s-test", "export": exported["id"],
                                                     "screening_state": rt.snapshot.version}))


def test_an_interrupted_load_resumes_and_matches_the_in_process_rescan(
        backend_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import adwarden.screening.service as service

    rt = backend_runtime
    _change(rt, tmp_path)
    export_history(rt, tmp_path / "export", actor=ADMIN)
    _rescreen_in_process(rt, tmp_path / "export", tmp_path / "v")
    record, calls = service.record_verdict, []

    def failing(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("crash in the second batch")
        return record(*args, **kw)

    monkeypatch.setattr(service, "record_verdict", failing)
    with pytest.raises(RuntimeError, match="second batch"):
        load_verdicts(rt, tmp_path / "v", actor=ADMIN, batch_size=3)
    monkeypatch.setattr(service, "record_verdict", record)
    with rt.db.read() as conn:
        (job,) = [j for j in list_jobs(conn) if j.trigger == "spark-rescan"]
    assert (job.done, job.changed, job.status) == (3, 3, "running")  # the first batch committed, not the second
    stored_before = _count(rt, assessments, assessments.c.trigger == "rescan")
    assert stored_before == 3

    resumed = load_verdicts(rt, tmp_path / "v", actor=ADMIN, batch_size=3)  # at once: the lease was released
    assert resumed.job.id == job.id and resumed.job.status == "done" and resumed.job.changed == resumed.job.total
    assert _count(rt, assessments, assessments.c.trigger == "rescan") == resumed.job.total
    # the in-process rescan the policy change queued finds nothing left to change
    (policy_job,) = [j for j in run_pending(rt, actor=ADMIN) if j.trigger == "policy-activated"]
    assert policy_job.done == len(_posts()) and policy_job.changed == 0
