"""Policy: the active policy, a candidate's validation, its diff against the active one, the backtest on
stored posts, and activation. Validation, backtest and activation are :mod:`adwarden.retro.policies`' own.

A candidate is kept under ``DATA_DIR/policy-candidates/SHA256.toml`` between the backtest and activation, so
what is activated is byte for byte what was backtested.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse

from adwarden.console.web import Viewer, ViewerDep, render
from adwarden.domain import InputError, PolicyError
from adwarden.policy.loader import default_policy_text, parse_policy
from adwarden.retro.policies import activate_policy, backtest
from adwarden.retro.rescan import run_rescan
from adwarden.storage.sql.banks_store import latest_activation

router = APIRouter()
MAX_POLICY_BYTES = 1024 * 1024
#: Posts replayed by the console's backtest (the CLI's ``adwarden policy diff`` has no limit by default).
BACKTEST_LIMIT = 5000


def _active_text(viewer: Viewer) -> str:
    """The active policy's text: as stored at activation, else the packaged default or the configured file."""
    policy = viewer.runtime.screener.policy
    with viewer.runtime.db.read() as conn:
        stored = latest_activation(conn, digest=policy.digest)
    if stored is not None:
        return stored.content
    if policy.source.startswith("<packaged>"):
        return default_policy_text().decode("utf-8")
    try:
        return Path(policy.source).read_text(encoding="utf-8")
    except OSError:
        return ""


def _candidates_dir(viewer: Viewer) -> Path:
    d = Path(viewer.runtime.settings.data_dir) / "policy-candidates"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _page(request: Request, viewer: Viewer, status: int = 200, **extra: object) -> HTMLResponse:
    ctx: dict[str, object] = {"policy": viewer.runtime.screener.policy, "active_text": _active_text(viewer),
                              "problems": None, "candidate": None, "diff_lines": None, "backtest": None,
                              "activated": None, "limit": BACKTEST_LIMIT}
    ctx.update(extra)
    return render(request, "policy.html", viewer, status_code=status, **ctx)


@router.get("/policy", response_class=HTMLResponse, name="policy")
def policy_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    viewer.require("policy:activate", hide=True)
    return _page(request, viewer)


@router.post("/policy/candidate", response_class=HTMLResponse, name="policy_candidate")
def candidate(request: Request, viewer: ViewerDep, text: Annotated[str, Form()]) -> HTMLResponse:
    """Validate the pasted candidate, diff it against the active policy and backtest it."""
    viewer.require("policy:activate", hide=True)
    data = text.replace("\r\n", "\n").encode("utf-8")
    if len(data) > MAX_POLICY_BYTES:
        raise InputError(f"policies are at most {MAX_POLICY_BYTES} bytes", record="candidate policy", field="text")
    try:
        new = parse_policy(data, source="candidate.toml")
    except PolicyError as exc:
        return _page(request, viewer, status=422, problems=exc.problems, candidate_text=text)
    digest = hashlib.sha256(data).hexdigest()
    (_candidates_dir(viewer) / f"{digest}.toml").write_bytes(data)
    runtime = viewer.runtime
    result = backtest(runtime.db, runtime.screener, runtime.screener.policy, new, limit=BACKTEST_LIMIT)
    lines = list(difflib.unified_diff(_active_text(viewer).splitlines(), text.splitlines(), "active",
                                      "candidate", lineterm="", n=2))
    return _page(request, viewer, candidate=new, candidate_digest=digest, diff_lines=lines, backtest=result,
                 candidate_text=text)


def _rescan(viewer: Viewer, job_id: str) -> None:
    run_rescan(viewer.runtime, job_id, actor=viewer.actor)


@router.post("/policy/activate", response_class=HTMLResponse, name="policy_activate")
def activate(request: Request, viewer: ViewerDep, background: BackgroundTasks,
             digest: Annotated[str, Form(min_length=64, max_length=64)]) -> HTMLResponse:
    viewer.require("policy:activate", hide=True)
    if any(c not in "0123456789abcdef" for c in digest):
        raise InputError("not a candidate digest", record="activation", field="digest")
    path = _candidates_dir(viewer) / f"{digest}.toml"
    if not path.exists():
        raise InputError("that candidate is not stored; validate it again", record="activation", field="digest")
    policy, job_id = activate_policy(viewer.runtime.db, path, actor=viewer.actor)
    viewer.runtime.refresh_screener()
    if job_id:
        background.add_task(_rescan, viewer, job_id)
    return _page(request, viewer, activated=(policy, job_id))
