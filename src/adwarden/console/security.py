"""Browser security for the console: response headers (a strict CSP) and the CSRF and cross-site checks.

Why these and not fewer: ad text is hostile, so even if escaping ever failed the CSP allows no inline script,
no inline style, no ``eval`` and no connection but to this origin; forms may only post here and no other site
may frame the console. Unsafe requests need both a same-origin browser signal (``Sec-Fetch-Site`` or ``Origin``)
and the session's CSRF token (synchronizer token), so neither a cross-site form nor a same-site attacker
without the token can act as a signed-in reviewer.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from starlette.types import ASGIApp

from adwarden.domain import PermissionDenied
from adwarden.response_headers import ResponseHeaders

#: Media from posts are external http(s) images (shown blurred): the only thing that may load from elsewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

SECURITY_HEADERS: Mapping[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def console_headers(path: str) -> dict[str, str]:
    """:data:`SECURITY_HEADERS`, and ``no-store`` on everything but static files: pages show case data."""
    if "/static/" in path:
        return dict(SECURITY_HEADERS)
    return {**SECURITY_HEADERS, "cache-control": "no-store"}


class SecurityHeaders(ResponseHeaders):
    """ASGI middleware: every console response gets :data:`SECURITY_HEADERS` (replacing any a route set);
    pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, console_headers, replace=True)


def check_same_origin(headers: Mapping[str, str], *, scheme: str, host: str) -> None:
    """Refuse a request a browser marks as coming from another site (a cross-site form POST).

    ``Sec-Fetch-Site`` is sent by every current browser; ``Origin`` covers older ones. Clients that send
    neither (curl, tests) are not browsers, so cross-site forgery does not apply and the token still must match.
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise PermissionDenied(f"cross-site request refused (Sec-Fetch-Site: {site})")
    origin = headers.get("origin")
    if origin is not None and origin != f"{scheme}://{host}":
        raise PermissionDenied(f"cross-origin request refused (Origin: {origin})")


def check_token(expected: str, given: str | None) -> None:
    """Constant-time comparison of the CSRF token the request carried with the session's."""
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise PermissionDenied("missing or wrong CSRF token: reload the page and try again")
