"""Transport hardening for every response and request: security headers, and no control characters in URLs.

Why: API answers carry ad text written by adversaries, so a browser must never sniff one as HTML
(``X-Content-Type-Options``), run anything from it (a ``Content-Security-Policy`` of ``default-src 'none'``)
or frame it; and what the API returns about restricted cases must not stay in a shared or browser cache
(``Cache-Control: no-store`` on every ``/v1`` answer, which are all authenticated). A NUL or other control
character in a path or query string cannot be stored or compared on PostgreSQL, so it is refused at the edge
with a 422 problem naming where it was.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from adwarden.api.problems import invalid_input
from adwarden.response_headers import ResponseHeaders

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: The interactive docs (Swagger UI, ReDoc) load their scripts and styles from a CDN.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "worker-src blob:; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def api_headers(path: str) -> dict[str, str]:
    """The security headers of an API answer for ``path`` (see the module docstring for why each)."""
    headers = {
        "x-content-type-options": "nosniff",
        "content-security-policy": DOCS_CSP if path.startswith(DOCS_PATHS) else API_CSP,
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
    }
    if path.startswith("/v1/"):
        headers["cache-control"] = "no-store"
    return headers


def _has_control(raw: bytes) -> bool:
    return any(b < 0x20 or b == 0x7F for b in raw)


class Hardening(ResponseHeaders):
    """ASGI middleware: refuse control characters in the URL, add the security headers to every answer (the
    refusal included); a header a route set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(_ControlCharacterGuard(app), api_headers, replace=False)


class _ControlCharacterGuard:
    """ASGI middleware: a request whose path or query string holds a control character gets a 422 problem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = None
            if _has_control(scope.get("path", "").encode("utf-8", "surrogatepass")):
                where = "(path)"
            elif _has_control(unquote_to_bytes(scope.get("query_string", b""))):
                where = "(query)"
            if where is not None:
                refusal = invalid_input([{"field": where, "message": "contains a control character (such as NUL)"}],
                                        instance=None)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
