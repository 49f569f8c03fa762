"""Who is asking: the session cookie to a user (`Accounts.user_for_session`), the role's
permission (`vigil.accounts.allowed`), and the audit entry every view writes.

`require("search")` is a route dependency: no valid session → a redirect to /login; a role
without the permission → the 403 page. It puts a `Viewer` on `request.state.viewer` for the
templates (the header bar, the CSRF token of every form)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request

from vigil.web.security import CASE_COOKIE, SESSION_COOKIE, csrf_ok, csrf_token
from vigil.web.state import WebState

#: The header bar: (path, label, permission).
NAV = (("/search", "Search", "search"), ("/trends", "Trends", "search"), ("/markets", "Markets", "markets"),
       ("/runs", "Runs", "runs"))
_CASE = re.compile(r"^[\w .:/#-]{0,80}$")


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(Exception):
    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


class CsrfRefused(Exception):
    """A POST without the form's token (or with another session's)."""


@dataclass(frozen=True)
class Viewer:
    user: Any  # vigil.accounts.User
    session_id: str
    csrf: str
    case: str
    client: str

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role

    def can(self, permission: str) -> bool:
        from vigil.accounts import allowed

        return allowed(self.user.role, permission)


def web(request: Request) -> WebState:
    return request.app.state.web


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def case_of(request: Request) -> str:
    """The case reference the user set in the header bar (kept in its own cookie)."""
    value = request.cookies.get(CASE_COOKIE, "")
    return value if _CASE.match(value) else ""


def valid_case(value: str) -> str | None:
    value = value.strip()
    return value if _CASE.match(value) else None


def current_viewer(request: Request) -> Viewer | None:
    session_id = request.cookies.get(SESSION_COOKIE, "")
    if not session_id:
        return None
    state = web(request)
    user = state.accounts.user_for_session(session_id)
    if user is None:
        return None
    return Viewer(user, session_id, csrf_token(state.key, "session", session_id), case_of(request),
                  client_of(request))


def require(permission: str | None) -> Callable[[Request], Viewer]:
    """A dependency: the viewer, if logged in and allowed `permission` (None: any role)."""

    def dependency(request: Request) -> Viewer:
        viewer = current_viewer(request)
        if viewer is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target)
        request.state.viewer = viewer
        if permission is not None and not viewer.can(permission):
            raise Forbidden(permission)
        return viewer

    return dependency


async def check_csrf(request: Request, viewer: Viewer) -> FormData:
    """The POSTed form, once its CSRF token is this session's."""
    form = await request.form()
    if not csrf_ok(web(request).key, "session", viewer.session_id, str(form.get("csrf", ""))):
        raise CsrfRefused()
    return form


def audit(request: Request, viewer: Viewer, action: str, target: str = "",
          detail: dict[str, Any] | None = None) -> None:
    web(request).audit_log.record(viewer.name, action, target, case=viewer.case, detail=detail,
                                  client=viewer.client)


def login_redirect(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="")


def safe_next(value: str) -> str:
    """Only a path of this app: never another origin (`//evil`, `https:`, backslashes)."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value or any(
            ord(c) < 32 for c in value):
        return "/search"
    return value
