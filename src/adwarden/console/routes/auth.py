"""Sign-in, sign-out and the reviewer's own wellness preferences."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from adwarden.console.sessions import SESSION_LIFETIME, end_session, start_session
from adwarden.console.users import authenticate, set_preferences
from adwarden.console.web import LOGIN_COOKIE, SESSION_COOKIE, ViewerDep, render, runtime_of, see_other

router = APIRouter()


def _safe_next(target: str | None, root: str) -> str:
    """Only a path inside the console: never an absolute or protocol-relative URL (open redirect)."""
    if target and target.startswith(root + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return root + "/"


def _login_page(request: Request, *, error: str | None = None, status: int = 200,
                next_url: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, status_code=status, login_token=token, error=error,
                      next_url=next_url or "")
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", max_age=3600,
                        secure=request.url.scheme == "https", path=request.scope.get("root_path", "") or "/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002 - query name
    return _login_page(request, next_url=next)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "") -> Response:  # noqa: A002
    runtime = runtime_of(request)
    root = request.scope.get("root_path", "")
    with runtime.db.transaction() as conn:
        user = authenticate(conn, username.strip(), password)
        if user is None:
            session_id = None
        else:
            # A new id every time, and the one the browser came with is revoked: no session fixation.
            session_id = start_session(conn, user, previous_id=request.cookies.get(SESSION_COOKIE))
    if session_id is None:
        return _login_page(request, error="Unknown user name or wrong password.", status=401, next_url=next)
    response = see_other(_safe_next(next, root))
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="strict",
                        max_age=int(SESSION_LIFETIME.total_seconds()), secure=request.url.scheme == "https",
                        path=root or "/")
    response.delete_cookie(LOGIN_COOKIE, path=root or "/")
    return response


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep) -> Response:
    with viewer.runtime.db.transaction() as conn:
        end_session(conn, viewer.session)
    root = request.scope.get("root_path", "")
    response = see_other(f"{root}/login")
    response.delete_cookie(SESSION_COOKIE, path=root or "/")
    return response


@router.get("/preferences", response_class=HTMLResponse)
def preferences_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    return render(request, "preferences.html", viewer, prefs=viewer.session.user.preferences, saved=False)


@router.post("/preferences", response_class=HTMLResponse)
def save_preferences(request: Request, viewer: ViewerDep, reblur_seconds: Annotated[str, Form()] = "10",
                     blur: Annotated[str | None, Form()] = None,
                     greyscale: Annotated[str | None, Form()] = None) -> HTMLResponse:
    user = set_preferences(viewer.runtime.db, viewer.name, {"blur": blur is not None, "greyscale": greyscale
                                                            is not None, "reblur_seconds": reblur_seconds},
                           actor=viewer.actor)
    return render(request, "preferences.html", viewer, prefs=user.preferences, saved=True)
