"""Case view server time with a large store: 100k posts, 10k open cases, on SQLite (the issue's target:
p95 <= 100 ms).

    .venv/bin/python bench/bench_console.py --posts 100000 --cases 10000 --requests 300

The store is built fast: a few hundred synthetic posts (non-explicit, 555-01xx phones) go through the real
ingest path once (extraction, detection, policy, cases, audit); their stored rows are then cloned with new ids
in bulk (posts, versions, identifiers, assessments, cases, audit events) up to the sizes asked, so the case
view meets tables of realistic size and index shape. Timed: ``GET /console/cases/{id}`` for random open cases
through the real app (CSP middleware, session lookup, permission checks, templates) in process (httpx ASGI
transport: no socket, so the figure is the server's time plus a small client cost). Baseline in the same run:
the JSON API's ``GET /v1/cases/{id}`` (the review loop's case detail) on the same cases.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from adwarden.config import Settings
from adwarden.console.users import add_user
from adwarden.domain import Account, Actor, PostInput
from adwarden.runtime import build_runtime
from adwarden.storage.sql.tables import assessments, audit_events, cases, identifiers, post_versions, posts

PLATFORM = Actor("bench-platform", frozenset({"platform"}))
ADMIN = Actor("bench-admin", frozenset({"admin"}))
PASSWORD = "bench password for the console"


def seed_posts(n: int, rng: random.Random) -> list[PostInput]:
    towns = ["Seattle, WA", "Tacoma, WA", "Portland, OR", "Boise, ID", "Spokane, WA"]
    out = []
    for i in range(n):
        phone = f"206-555-01{i % 100:02d}"
        risky = i % 2 == 0
        body = (f"Just arrived this week, available 24/7. {100 + i % 50} roses per hour. I am {19 + i % 6} yrs. "
                f"Call {phone}." if risky else f"Oak desk {i}, pick up only. Text {phone}.")
        out.append(PostInput(external_id=f"seed-{i}", site="example-classifieds", title="New in town" if risky
                             else "Desk for sale", body=body, location=rng.choice(towns),
                             url=f"https://example.com/seed-{i}", account=Account(id=f"acct-{i % 500}")))
    return out


def clone(rt: Any, total_posts: int, total_cases: int, rng: random.Random) -> None:
    """Copy the seeded rows with new ids until the store holds ``total_posts`` posts and ``total_cases`` cases."""
    with rt.db.read() as conn:
        p_rows = [dict(r._mapping) for r in conn.execute(select(posts))]
        v_rows = {r.post_id: dict(r._mapping) for r in conn.execute(select(post_versions))}
        i_rows: dict[str, list[dict[str, Any]]] = {}
        for r in conn.execute(select(identifiers)):
            i_rows.setdefault(r.post_id, []).append(dict(r._mapping))
        a_rows = {r.post_id: dict(r._mapping) for r in conn.execute(select(assessments))}
        c_rows = {r.post_id: dict(r._mapping) for r in conn.execute(select(cases))}
        # Far beyond the chain head, so later audited writes (sign-in) never collide with the synthetic rows.
        next_seq = 10**9
    with_case = [p for p in p_rows if p["id"] in c_rows]
    without = [p for p in p_rows if p["id"] not in c_rows]
    made_posts, made_cases = len(p_rows), len(c_rows)
    batch = 5000
    n = 0
    while made_posts < total_posts:
        new_posts, new_versions, new_idents, new_assessments, new_cases, new_events = [], [], [], [], [], []
        for _ in range(min(batch, total_posts - made_posts)):
            n += 1
            want_case = made_cases < total_cases and (total_posts - made_posts) <= (total_cases - made_cases) * 10
            src = rng.choice(with_case if want_case or not without else without)
            pid = f"p-bench{n:09d}"
            new_posts.append({**src, "id": pid, "external_id": f"bench-{n}"})
            new_versions.append({**{k: v for k, v in v_rows[src["id"]].items() if k != "id"}, "post_id": pid})
            for ident in i_rows.get(src["id"], []):
                new_idents.append({**{k: v for k, v in ident.items() if k != "id"}, "post_id": pid})
            if src["id"] in a_rows:
                new_assessments.append({**a_rows[src["id"]], "id": f"a-bench{n:09d}", "post_id": pid, "case_id": None})
            if src["id"] in c_rows and made_cases < total_cases:
                cid = f"c-bench{n:09d}"
                new_cases.append({**c_rows[src["id"]], "id": cid, "post_id": pid})
                made_cases += 1
                for name in ("case-opened", "post-assessed"):
                    new_events.append({"seq": next_seq, "name": name, "actor": "bench", "subject_type": "case",
                              "subject_id": cid, "payload": "{}", "created_at": "2026-12-01T00:00:00+00:00",
                              "prev_hash": "0" * 64, "hash": "0" * 64})
                    next_seq += 1
            made_posts += 1
        with rt.db.engine.begin() as conn:  # bulk load: bypasses the audit writer on purpose (synthetic rows)
            for table, rows in ((posts, new_posts), (post_versions, new_versions), (identifiers, new_idents),
                                (assessments, new_assessments), (cases, new_cases), (audit_events, new_events)):
                if rows:
                    conn.execute(insert(table), rows)


def timed(client: Any, paths: list[str], headers: dict[str, str] | None = None) -> list[float]:
    out = []
    for path in paths:
        t = time.perf_counter()
        r = client.get(path, headers=headers or {})
        out.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{path}: {r.status_code} {r.text[:300]}")
    return out


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed-posts", type=int, default=400)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--dir", default=None, help="Keep the store here (default: a temporary directory).")
    args = ap.parse_args()
    rng = random.Random(7)
    work = Path(args.dir or tempfile.mkdtemp(prefix="adw-bench-console-"))
    settings = Settings(environment="test", data_dir=work, database_url=f"sqlite:///{work / 'bench.db'}",
                        api_keys={"bench-key": "bench:admin"})
    rt = build_runtime(settings)
    t0 = time.perf_counter()
    rt.ingest(seed_posts(args.seed_posts, rng), actor=PLATFORM)
    clone(rt, args.posts, args.cases, rng)
    built = time.perf_counter() - t0
    add_user(rt.db, "bench-mod", PASSWORD, ["moderator"], actor=ADMIN)
    with rt.db.read() as conn:
        open_ids = list(conn.execute(select(cases.c.id).where(cases.c.status == "open", cases.c.queue != "child-safety")
                                     ).scalars())
        n_posts = len(list(conn.execute(select(posts.c.id)).scalars()))
    from fastapi.testclient import TestClient

    from adwarden.api.app import create_app

    with TestClient(create_app(runtime=rt)) as client:
        page = client.get("/console/login").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/console/login", data={"username": "bench-mod", "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        sample = [rng.choice(open_ids) for _ in range(args.requests)]
        timed(client, [f"/console/cases/{c}" for c in sample[:20]])  # warm-up
        console_ms = timed(client, [f"/console/cases/{c}" for c in sample])
        api_ms = timed(client, [f"/v1/cases/{c}" for c in sample], headers={"Authorization": "Bearer bench-key"})
    print(f"machine: {platform.machine()} {os.cpu_count()} cpu(s), Python {platform.python_version()} "
          "(shared with other jobs: figures are indicative)")
    print(f"store: {n_posts} posts, {len(open_ids)} open unrestricted cases (of {args.cases}); built in {built:.1f}s")
    for name, ms in (("console GET /console/cases/{id}", console_ms), ("API GET /v1/cases/{id} (baseline)", api_ms)):
        print(f"{name}: p50 {pct(ms, 50):.1f} ms  p95 {pct(ms, 95):.1f} ms  p99 {pct(ms, 99):.1f} ms  "
              f"({len(ms)} requests)")
    print(f"ratio console/API at p95: {pct(console_ms, 95) / pct(api_ms, 95):.2f}")


if __name__ == "__main__":
    main()
