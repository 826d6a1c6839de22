"""Banks: counts, import with the parser's per-line errors, enable/disable, and the match debugger.

Imports go through :func:`adwarden.retro.banks.import_bank` (all-or-nothing; a bad line changes nothing),
then the screener is refreshed and the rescan queued, as the API does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from adwarden.console.web import Viewer, ViewerDep, render
from adwarden.detect.banks.index import BankMatch
from adwarden.detect.banks.model import DIGEST_KINDS, IDENTIFIER_KINDS
from adwarden.domain import Actor, InputError, PolicyError
from adwarden.retro.banks import import_bank, list_banks, load_bank_index, set_bank_enabled
from adwarden.retro.rescan import run_rescan
from adwarden.runtime import Runtime

router = APIRouter()
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
DEBUG_KINDS = ("phone", "email", "handle", "payment", "url", "pdq", "md5", "sha256", "text")


def _page(request: Request, viewer: Viewer, **extra: object) -> HTMLResponse:
    with viewer.runtime.db.read() as conn:
        rows = list_banks(conn)
    ctx: dict[str, object] = {"banks": rows, "kinds": DEBUG_KINDS, "problems": None, "imported": None,
                              "matches": None, "query": None}
    ctx.update(extra)
    status = 422 if extra.get("problems") else 200
    return render(request, "banks.html", viewer, status_code=status, **ctx)


@router.get("/banks", response_class=HTMLResponse, name="banks")
def banks_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    viewer.require("bank:manage", hide=True)
    return _page(request, viewer)


def _rescan(runtime: Runtime, job_id: str, actor: Actor) -> None:
    run_rescan(runtime, job_id, actor=actor)


@router.post("/banks/import", response_class=HTMLResponse, name="bank_import")
async def bank_import(request: Request, viewer: ViewerDep, background: BackgroundTasks,
                      name: Annotated[str, Form(max_length=100)], text: Annotated[str, Form()] = "",
                      file: UploadFile | None = None) -> HTMLResponse:
    viewer.require("bank:manage", hide=True)
    data = text.encode("utf-8")
    source = f"console:{viewer.name}"
    if file is not None and file.filename:
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        source = file.filename
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"bank files are at most {MAX_UPLOAD_BYTES} bytes", record=source, field="file")
    if not data.strip():
        raise InputError("paste entries or choose a file", record="bank import", field="text")
    s = viewer.runtime.settings
    try:
        res = import_bank(viewer.runtime.db, name.strip(), data, key=s.bank_hmac_key.encode("utf-8"),
                          actor=viewer.actor, source=source, region=s.default_region)
    except PolicyError as exc:
        return _page(request, viewer, problems=exc.problems)
    viewer.runtime.refresh_screener()
    if res.rescan_job:
        background.add_task(_rescan, viewer.runtime, res.rescan_job, viewer.actor)
    return _page(request, viewer, imported=res)


@router.post("/banks/{name}/enabled", response_class=HTMLResponse, name="bank_enabled")
def bank_enabled(request: Request, viewer: ViewerDep, name: str, enabled: Annotated[str, Form()]) -> HTMLResponse:
    viewer.require("bank:manage", hide=True)
    set_bank_enabled(viewer.runtime.db, name, enabled == "1", actor=viewer.actor)
    viewer.runtime.refresh_screener()
    return _page(request, viewer)


def debug_matches(runtime: Runtime, kind: str, value: str) -> list[BankMatch]:
    """What ``value`` (a phone, an e-mail, a PDQ hash, a phrase...) matches in the enabled banks."""
    s = runtime.settings
    index = load_bank_index(runtime.db, key=s.bank_hmac_key.encode("utf-8"), region=s.default_region)
    value = value.strip()
    if kind in IDENTIFIER_KINDS:
        return index.match_identifier(kind, value)
    if kind in DIGEST_KINDS:
        return index.match_digest(kind, value)
    if kind == "pdq":
        if len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
            raise InputError("a PDQ hash is 64 hex digits", record="match debugger", field="value")
        return index.match_pdq(value)
    if kind == "text":
        return index.match_text(value)
    raise InputError(f"unknown kind {kind!r}; choose one of {', '.join(DEBUG_KINDS)}", record="match debugger",
                     field="kind")


@router.post("/banks/debug", response_class=HTMLResponse, name="bank_debug")
def bank_debug(request: Request, viewer: ViewerDep, kind: Annotated[str, Form()],
               value: Annotated[str, Form(max_length=20_000)]) -> HTMLResponse:
    viewer.require("bank:manage", hide=True)
    matches = debug_matches(viewer.runtime, kind, value)
    return _page(request, viewer, matches=matches, query=(kind, value))
