"""/login, /logout, the case reference and the front page.

Login: the form's CSRF token is bound to a `vigil_csrf` cookie (no session exists yet); failed
logins are limited per client address and per user name (`security.LoginLimiter`: 429 with
Retry-After) and audited as `login_failed`; a success starts a server-side session
(`Accounts.start_session`) whose id is the HttpOnly, SameSite=Strict session cookie."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vigil.web.auth import (
    Viewer,
    audit,
    check_csrf,
    client_of,
    current_viewer,
    require,
    safe_next,
    valid_case,
    web,
)
from vigil.web.render import page
from vigil.web.security import CASE_COOKIE, CSRF_COOKIE, SESSION_COOKIE, csrf_ok, csrf_token

router = APIRouter()
MAX_FIELD = 200


@router.get("/")
def home(request: Request) -> Response:
    viewer = current_viewer(request)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    first = "/search" if viewer.can("search") else "/markets" if viewer.can("markets") else "/account"
    return RedirectResponse(first, status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/search") -> Response:
    return _form(request, safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    state = web(request)
    form = await request.form()
    name = str(form.get("username", ""))[:MAX_FIELD].strip()
    password = str(form.get("password", ""))[:1024]
    next_path = safe_next(str(form.get("next", "/search")))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not csrf_ok(state.key, "login", cookie, str(form.get("csrf", ""))):
        return _form(request, next_path, "The form expired: please log in again.", 403)
    client = client_of(request)
    keys = (f"client:{client}", f"user:{name.lower()}")
    wait = state.limiter.retry_after(*keys)
    if wait:
        state.audit_log.record(name, "login_failed", name, detail={"reason": "rate limited"}, client=client)
        response = _form(request, next_path, f"Too many failed logins: try again in {wait} seconds.", 429)
        response.headers["Retry-After"] = str(wait)
        return response
    # argon2 takes tens of milliseconds: off the event loop, so other requests go on meanwhile
    accounts = state.accounts
    user = await run_in_threadpool(accounts.check_password, name, password) if name and password else None
    if user is None:
        state.limiter.failed(*keys)
        state.audit_log.record(name, "login_failed", name, client=client)
        return _form(request, next_path, "Unknown user name or wrong password.", 401)
    state.limiter.succeeded(f"user:{name.lower()}")
    session_id = state.accounts.start_session(user.name, state.session_seconds)
    state.audit_log.record(user.name, "login", user.name, client=client)
    response = RedirectResponse(next_path, status_code=303)
    _cookie(request, response, SESSION_COOKIE, session_id, int(state.session_seconds))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, viewer: Viewer = Depends(require(None))) -> Response:  # noqa: B008
    await check_csrf(request, viewer)
    web(request).accounts.end_session(viewer.session_id)
    audit(request, viewer, "logout", viewer.name)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CASE_COOKIE, path="/")
    return response


@router.post("/case")
async def set_case(request: Request, viewer: Viewer = Depends(require(None))) -> Response:  # noqa: B008
    """The case reference in the header bar: written with every audit entry from now on."""
    form = await check_csrf(request, viewer)
    case = valid_case(str(form.get("case", "")))
    if case is None:
        return page(request, "error.html", 400, title="Case reference",
                    message="A case reference has up to 80 letters, digits, spaces and . : / # - _")
    back = safe_next(str(form.get("next", "/search")))
    response = RedirectResponse(back, status_code=303)
    _cookie(request, response, CASE_COOKIE, case, int(web(request).session_seconds))
    return response


@router.get("/account")
def account(request: Request, viewer: Viewer = Depends(require(None))) -> Response:  # noqa: B008
    return page(request, "account.html", title="Your account")


def _form(request: Request, next_path: str, error: str = "", status: int = 200) -> Response:
    state = web(request)
    cookie = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = page(request, "login.html", status, title="Log in", next_path=next_path, error=error,
                    csrf=csrf_token(state.key, "login", cookie))
    _cookie(request, response, CSRF_COOKIE, cookie, 3600)
    return response


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=web(request).settings.web_secure_cookies)
