"""docs/api.md lists every route of the app (the table is generated from the OpenAPI and must not drift)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adwarden.api.route_table import BEGIN, END, route_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_route_table_matches_the_app(client: Any) -> None:
    openapi = client.get("/openapi.json").json()
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == route_table(openapi), (
        "docs/api.md is out of date: run python -m adwarden.api.route_table --write docs/api.md")
    for path in ("/v1/cases/{case_id}", "/v1/actions", "/v1/flags", "/v1/appeals", "/v1/webhooks", "/v1/metrics/prometheus"):
        assert f"`{path}`" in documented
