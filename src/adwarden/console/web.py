"""Request plumbing shared by every console route: who is viewing, templates, the CSRF guard, error pages.

A :class:`Viewer` is built once per request from the session cookie. Routes ask it for permissions with the
same names as the API (:mod:`adwarden.permissions`), so the console can never grant what the API would refuse.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from adwarden.console.security import CSRF_FIELD, CSRF_HEADER, UNSAFE_METHODS, check_same_origin, check_token
from adwarden.console.sessions import Session, load_session, touch_session
from adwarden.domain import Actor, AdWardenError, NotFound, PermissionDenied
from adwarden.domain.errors import Unauthenticated
from adwarden.permissions import has_permission, permissions_of
from adwarden.review.queues import visible_queues
from adwarden.runtime import Runtime

log = logging.getLogger(__name__)

SESSION_COOKIE = "adw_session"
LOGIN_COOKIE = "adw_login"

env = Environment(loader=PackageLoader("adwarden.console", "templates"),
                  autoescape=select_autoescape(default=True, default_for_string=True))
templates = Jinja2Templates(env=env)


@dataclass(frozen=True)
class Viewer:
    """The signed-in reviewer for this request."""

    session: Session
    runtime: Runtime

    @property
    def actor(self) -> Actor:
        return self.session.user.actor

    @property
    def name(self) -> str:
        return self.session.user.name

    @property
    def permissions(self) -> frozenset[str]:
        return permissions_of(self.actor)

    def can(self, permission: str) -> bool:
        return has_permission(self.actor, permission)

    def require(self, permission: str, *, hide: bool = False) -> None:
        """Refuse without ``permission``: 403, or 404 when ``hide`` (restricted things must not be seen to exist)."""
        if not self.can(permission):
            if hide:
                raise NotFound("not found")
            raise PermissionDenied(f"{self.name} lacks permission {permission!r}")

    @property
    def restricted_queues(self) -> frozenset[str]:
        return self.runtime.screener.policy.restricted_queues

    def visible_queues(self) -> list[str] | None:
        return visible_queues(self.runtime.screener.policy, restricted=self.can("case:view-restricted"))

    def may_see_queue(self, queue: str) -> bool:
        return queue not in self.restricted_queues or self.can("case:view-restricted")


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _load(runtime: Runtime, cookie: str) -> Session | None:
    with runtime.db.read() as conn:
        session = load_session(conn, cookie)
    if session is not None:
        with runtime.db.transaction() as conn:
            touch_session(conn, session.id_hash)
    return session


async def current_session(request: Request) -> Session | None:
    """The request's live session (loaded once per request, cached on ``request.state``)."""
    try:
        cached: Session | None = request.state.adw_session
        return cached
    except AttributeError:
        pass
    cookie = request.cookies.get(SESSION_COOKIE)
    session = await run_in_threadpool(_load, runtime_of(request), cookie) if cookie else None
    request.state.adw_session = session
    return session


async def csrf_guard(request: Request) -> None:
    """Every unsafe request: same origin, and the CSRF token of the session (or of the login form)."""
    if request.method not in UNSAFE_METHODS:
        return
    check_same_origin(request.headers, scheme=request.url.scheme, host=request.headers.get("host", ""))
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if request.url.path.endswith("/login"):
        check_token(request.cookies.get(LOGIN_COOKIE, ""), given)
        return
    session = await current_session(request)
    if session is None:
        raise Unauthenticated("sign in first")
    check_token(session.csrf_token, given)


async def get_viewer(request: Request) -> Viewer:
    session = await current_session(request)
    if session is None:
        raise Unauthenticated("sign in first")
    return Viewer(session=session, runtime=runtime_of(request))


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def render(request: Request, template: str, viewer: Viewer | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """Render a page or fragment; every template gets the viewer, its CSRF token and the clock."""
    ctx = {"viewer": viewer, "csrf_token": viewer.session.csrf_token if viewer else "",
           "now": datetime.now(UTC), **context}
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"{request.scope.get('root_path', '')}/login?next={quote(target)}"
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": url})
    if request.method in UNSAFE_METHODS:
        return _error_page(request, 401, "Signed out", "Your session has ended; sign in again.")
    return RedirectResponse(url, status_code=303)


def _error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "error.html", {"viewer": None, "csrf_token": "", "title": title,
                                                              "detail": detail, "status": status},
                                      status_code=status)


def install_error_pages(app: FastAPI) -> None:
    """Expected failures become an HTML page with their status; bugs a 500 page that leaks nothing."""

    @app.exception_handler(Unauthenticated)
    async def _unauth(request: Request, exc: Unauthenticated) -> Response:
        return _login_redirect(request)

    @app.exception_handler(AdWardenError)
    async def _domain(request: Request, exc: AdWardenError) -> Response:
        detail = "not found" if isinstance(exc, NotFound) else str(exc)
        return _error_page(request, exc.http_status, exc.title, detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'form'}: {e.get('msg', '')}"
                             for e in exc.errors())
        return _error_page(request, 422, "Invalid input", problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(request, exc.status_code, "Error", str(exc.detail))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        log.exception("console error on %s %s", request.method, request.url.path)
        return _error_page(request, 500, "Internal error", "an unexpected error occurred; it has been logged")
