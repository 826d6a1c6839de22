"""``/v1/extract``: extraction for one text, the same output as ``adwarden extract``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.extract import extract_all
from adwarden.permissions import ensure_permission

router = APIRouter(prefix="/v1", tags=["extract"])


class ExtractIn(BaseModel):
    id: str | int | None = None
    text: str = Field(..., max_length=1_000_000)
    url: str | None = Field(None, max_length=2000)
    location: str | None = Field(None, max_length=2000)


@router.post("/extract", summary="Extract phones, e-mails, handles, prices, ages... from one text")
def extract(body: ExtractIn, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "post:ingest")
    ex = extract_all(body.text, url=body.url, location=body.location, region=runtime.settings.default_region)
    return {"id": body.id, **ex.to_json()}
