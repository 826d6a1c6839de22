"""Re-screening stored history after a policy change: Spark (export, re-screen, load) against the in-process rescan.

    .venv/bin/python bench/bench_spark_rescreen.py --posts 20000 --master 'local[2]'

Builds one SQLite store of ``--posts`` synthetic posts (the demo generator: benign ads and ~5% planted
networks, all fictional), imports a bank of a few of their phones (no rescan) and activates a stricter policy
(which queues the full rescan), then copies the store. On the first copy the queued job runs in process
(:func:`~adwarden.retro.rescan.run_rescan`, the baseline); on the second: ``export_history`` ->
``spark_rescreen`` in ``--master`` -> ``load_verdicts``. Both copies must end identical (every post's latest
verdict and open case); the run says so.

Per stage: wall seconds, posts/s, posts per core-second on the wall clock (seconds x cores the stage may use:
1 in process, the local[N] cores for Spark), and the CPU seconds measured (this process and its descendants:
the JVM and Spark's Python workers). Spark's session start is reported apart (paid once per job).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil


def _cpu() -> float:
    """CPU seconds of this process and every live descendant (user + system, their children included)."""
    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            continue
    return total


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    c, t = _cpu(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t, _cpu() - c


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _store(rt: Any, n: int, seed: int, work: Path) -> str:
    """Ingest ``n`` posts, bank some of their phones, activate a stricter policy; return the queued job."""
    from adwarden.demo.generate import generate_posts
    from adwarden.domain import Actor
    from adwarden.ingest.schema import validate_post
    from adwarden.policy import default_policy_text
    from adwarden.retro.banks import import_bank
    from adwarden.retro.policies import activate_policy

    actor = Actor("bench", frozenset({"admin"}))
    batch: list[Any] = []
    phones: list[str] = []
    for i, d in enumerate(generate_posts(n, seed=seed)):
        batch.append(validate_post(d, record=f"post {i}"))
        if len(batch) == 500:
            if not phones:  # a few phones of risky posts of the first batch: the bank's entries
                risky = [p for p in batch if rt.screener.screen(p).verdict.risk > 0]
                phones = sorted({i.value for p in risky for i in rt.screener.screen(p).identifiers
                                 if i.kind == "phone"})[:5]
            rt.ingest(batch, actor=actor)
            batch = []
    if batch:
        rt.ingest(batch, actor=actor)
    bank = "kind,value,label\n" + "".join(f"phone,{p},trafficking\n" for p in phones)
    bank += "text,new in town available now call me sweet and young,trafficking\n"
    import_bank(rt.db, "bench", bank.encode(), key=rt.settings.bank_hmac_key.encode(), actor=actor, source="bench",
                labels=("trafficking",), rescan=False)
    policy = work / "strict.toml"
    policy.write_text(default_policy_text().decode().replace('version = "2026.11.0"', 'version = "bench-strict"')
                      .replace("review_threshold = 40", "review_threshold = 20")
                      .replace("hold_threshold = 60", "hold_threshold = 35"))
    _, job = activate_policy(rt.db, policy, actor=actor)
    assert job is not None
    return job


def _state(rt: Any) -> dict[str, Any]:
    from adwarden.retro.rescan import all_post_ids
    from adwarden.storage.sql.queries import latest_assessment, open_case_for_post

    out: dict[str, Any] = {}
    with rt.db.read() as conn:
        for pid in all_post_ids(conn):
            a = latest_assessment(conn, pid)
            c = open_case_for_post(conn, pid)
            v = a.verdict if a is not None else None
            out[pid] = (v and (a.version, v.action, v.risk, v.priority, v.queue, v.open_case, v.preserve,  # type: ignore[union-attr]
                               [e.to_json() for e in v.reasons], v.rules_fired),
                        c and (c.queue, c.priority, c.risk, c.status))
    return out


def _stage(n: int, seconds: float, cpu: float, cores: int) -> dict[str, Any]:
    return {"seconds": round(seconds, 2), "posts_per_s": round(n / seconds, 1),
            "posts_per_core_s_wall": round(n / (seconds * cores), 1), "cores": cores, "cpu_s": round(cpu, 2),
            "posts_per_cpu_s": round(n / cpu, 1) if cpu > 0 else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", help="work directory to keep (default: a temporary one, removed)")
    args = ap.parse_args()

    from adwarden.batch.network_job import spark_session
    from adwarden.batch.rescreen_job import spark_rescreen
    from adwarden.config import Settings
    from adwarden.domain import Actor
    from adwarden.retro.rescan import run_rescan
    from adwarden.retro.rescreen_export import export_history
    from adwarden.retro.rescreen_load import load_verdicts
    from adwarden.runtime import BaseDetectors, build_runtime

    m = re.match(r"local\[(\d+|\*)\]", args.master)
    cores = (os.cpu_count() or 1) if m and m.group(1) == "*" else int(m.group(1)) if m else 1
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-rescreen-"))
    work.mkdir(parents=True, exist_ok=True)
    actor = Actor("bench", frozenset({"admin"}))

    def settings(name: str) -> Settings:
        return Settings(data_dir=work / name, database_url=f"sqlite:///{work / name}.db")

    base = BaseDetectors.build(settings("a"))
    report: dict[str, Any] = {"posts": args.posts, "master": args.master, "uptime_start": _uptime()}
    rt = build_runtime(settings("a"), base=base)
    job, seconds, _ = _timed(lambda: _store(rt, args.posts, args.seed, work))
    report["build_store_s"] = round(seconds, 1)
    rt.db.dispose()
    raw = sqlite3.connect(work / "a.db")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    shutil.copyfile(work / "a.db", work / "b.db")
    ref, rt = build_runtime(settings("a"), migrate=False, base=base), build_runtime(settings("b"), migrate=False, base=base)

    stages: dict[str, Any] = {}
    report["uptime_baseline"] = _uptime()
    done, seconds, cpu = _timed(lambda: run_rescan(ref, job, actor=actor, batch_size=200))
    stages["in_process_rescan"] = {**_stage(args.posts, seconds, cpu, 1), "changed": done.changed}

    report["uptime_spark"] = _uptime()
    exported, seconds, cpu = _timed(lambda: export_history(rt, work / "export", actor=actor))
    stages["export"] = _stage(args.posts, seconds, cpu, 1)
    session, seconds, _ = _timed(lambda: spark_session(args.master, "adwarden-bench-rescan"))
    report["spark_session_s"] = round(seconds, 1)
    manifest, seconds, cpu = _timed(lambda: spark_rescreen(rt, str(work / "export"), str(work / "verdicts"),
                                                           spark=session))
    stages["spark_rescreen"] = {**_stage(args.posts, seconds, cpu, cores), "changed": manifest["changed"]}
    loaded, seconds, cpu = _timed(lambda: load_verdicts(rt, work / "verdicts", actor=actor))
    stages["load"] = {**_stage(args.posts, seconds, cpu, 1), "stored": loaded.job.changed,
                      "rescreened_in_process": loaded.rescreened}
    session.stop()
    report["uptime_end"] = _uptime()

    spark_total = sum(stages[s]["seconds"] for s in ("export", "spark_rescreen", "load"))
    spark_core_s = sum(stages[s]["seconds"] * stages[s]["cores"] for s in ("export", "spark_rescreen", "load"))
    base_s = stages["in_process_rescan"]["seconds"]
    report["stages"] = stages
    report["spark_path"] = {"seconds": round(spark_total, 2), "posts_per_s": round(args.posts / spark_total, 1),
                            "posts_per_core_s_wall": round(args.posts / spark_core_s, 1),
                            "speedup_wall_vs_in_process": round(base_s / spark_total, 2),
                            "rescreen_stage_per_core_vs_in_process": round(
                                stages["spark_rescreen"]["posts_per_core_s_wall"]
                                / stages["in_process_rescan"]["posts_per_core_s_wall"], 2)}
    report["identical_to_in_process"] = _state(ref) == _state(rt)
    print(json.dumps(report, indent=1, default=str))
    ref.db.dispose()
    rt.db.dispose()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
