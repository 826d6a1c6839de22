"""``/v1/banks`` and ``/v1/rescans``: import bank files over HTTP and follow the background rescan.

An import answers as soon as the entries are stored (one audited transaction); the rescan of the stored posts
they affect runs in the background of the serving process, resumable, and ``GET /v1/rescans/{id}`` shows its
progress. ``adwarden rescan`` finishes any job an interrupted server left behind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Body, FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.problems import file_problems, invalid_input
from adwarden.domain import Actor, PolicyError
from adwarden.identities.secrets_check import ensure_bank_key
from adwarden.permissions import ensure_permission
from adwarden.retro.banks import ImportResult, import_bank, list_banks
from adwarden.retro.rescan import RescanJob, get_job, run_rescan
from adwarden.runtime import Runtime


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the background rescan worker with the server (never under tests; 0 seconds disables it)."""
    runtime: Runtime = app.state.runtime
    s = runtime.settings
    worker = None
    if s.rescan_worker_seconds > 0 and s.environment != "test":
        from adwarden.retro.worker import RescanWorker

        worker = RescanWorker(runtime, s.rescan_worker_seconds)
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()


router = APIRouter(tags=["banks"], lifespan=_lifespan)


class BankOut(BaseModel):
    name: str
    labels: list[str]
    enabled: bool
    entries: int
    description: str


#: The import result and the rescan job are answered as the service's own dataclasses (one definition of
#: each shape; FastAPI derives the schema from them).
ImportOut = ImportResult
RescanOut = RescanJob


@router.get("/v1/banks", response_model=list[BankOut], summary="Banks with their entry counts")
def get_banks(runtime: RuntimeDep, actor: ActorDep) -> list[BankOut]:
    ensure_permission(actor, "bank:manage")
    with runtime.db.read() as conn:
        rows = list_banks(conn)
    return [BankOut(name=b.name, labels=list(b.labels), enabled=b.enabled, entries=n, description=b.description)
            for b, n in rows]


def _background_rescan(runtime: Runtime, job_id: str, actor: Actor) -> None:
    run_rescan(runtime, job_id, actor=actor)


@router.post("/v1/banks/{name}/entries", response_model=ImportOut, status_code=201,
             summary="Import a bank file (CSV kind,value,label; pytx; HMA JSON)")
def post_entries(name: str, runtime: RuntimeDep, actor: ActorDep, background: BackgroundTasks,
                 content: str = Body(..., media_type="text/plain"),
                 format: Literal["csv", "pytx", "hma"] | None = None) -> ImportOut | JSONResponse:
    """A malformed file changes nothing and answers 422 with one ``{field: "content line N", message}`` per
    problem found (every problem at once)."""
    s = runtime.settings
    with runtime.db.transaction() as conn:  # entries hashed under another key would silently never match
        ensure_bank_key(conn, s.bank_hmac_key.encode("utf-8"), actor=actor)
    try:
        res = import_bank(runtime.db, name, content.encode("utf-8"), key=s.bank_hmac_key.encode("utf-8"),
                          actor=actor, fmt=format, source=f"api:{actor.name}", region=s.default_region)
    except PolicyError as exc:
        return invalid_input(file_problems(exc.problems, field="content"), instance=f"/v1/banks/{name}/entries")
    runtime.refresh_screener()
    if res.rescan_job:
        background.add_task(_background_rescan, runtime, res.rescan_job, actor)
    return res


@router.get("/v1/rescans/{job_id}", response_model=RescanOut, summary="Progress of a rescan job")
def get_rescan(job_id: str, runtime: RuntimeDep, actor: ActorDep) -> RescanOut:
    ensure_permission(actor, "rescan:run")
    with runtime.db.read() as conn:
        j = get_job(conn, job_id)
    return j
