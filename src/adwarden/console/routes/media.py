"""``POST /console/media/reveal``: the click that un-blurs one item (JSON for console.js)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse

from adwarden.console.reveal import reveal_media
from adwarden.console.web import ViewerDep

router = APIRouter()


@router.post("/media/reveal", name="reveal_media")
def reveal(viewer: ViewerDep, case_id: Annotated[str, Form()], version: Annotated[int, Form()],
           position: Annotated[int, Form()]) -> JSONResponse:
    viewer.require("case:view")
    out = reveal_media(viewer.runtime.db, viewer.session, case_id=case_id, version=version, position=position,
                       may_see_restricted=viewer.can("case:view-restricted"),
                       restricted_queues=viewer.restricted_queues)
    return JSONResponse({"exposures": out.exposures, "reblur_seconds": out.reblur_seconds})
