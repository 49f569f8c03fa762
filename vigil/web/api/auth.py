"""Bearer-token authentication, the role check and the audit entry of every API call.

`caller("search")` is a dependency: no or a bad token is 401 (with `WWW-Authenticate:
Bearer`), a role without the permission 403 (audited as "api_denied"), and an allowed call is
audited as "api" with the path and query as target and the `X-Vigil-Case` header as case,
before the endpoint runs. Unauthenticated calls are not audited: they have no user, and a
flood of them must not fill the log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vigil.accounts import Accounts, AuditLog, User, allowed
from vigil.settings import Settings

MAX_CASE = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

bearer = HTTPBearer(auto_error=False, description="an API token from `vigil users token NAME`")


@dataclass(frozen=True)
class Caller:
    user: User
    case: str


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def clean_case(value: str | None) -> str:
    """The case reference as given (UTF-8), without control or bidirectional characters, at most 200."""
    try:  # HTTP hands header bytes over as Latin-1; clients send UTF-8
        text = (value or "").encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = value or ""
    return _CONTROL.sub("", text).strip()[:MAX_CASE]


def target_of(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _unauthorized(message: str, error: str = "") -> HTTPException:
    challenge = "Bearer" + (f' error="{error}"' if error else "")
    return HTTPException(401, message, headers={"WWW-Authenticate": challenge})


def caller(permission: str) -> Callable[..., Caller]:
    """The dependency an endpoint needing `permission` declares."""

    def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        case: Annotated[
            str | None,
            Header(alias="X-Vigil-Case", description="the case reference this call is for (audited)"),
        ] = None,
    ) -> Caller:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise _unauthorized("an API token is needed: Authorization: Bearer TOKEN")
        accounts: Accounts = request.app.state.accounts
        user = accounts.user_for_token(credentials.credentials)
        if user is None:
            raise _unauthorized("the token is not valid (unknown, revoked, or its user disabled)",
                                "invalid_token")
        audit: AuditLog = request.app.state.audit
        reference = clean_case(case)
        client = request.client.host if request.client else ""
        if not allowed(user.role, permission):
            audit.record(user.name, "api_denied", target_of(request), case=reference, client=client,
                         detail={"permission": permission})
            raise HTTPException(403, f"role {user.role!r} lacks the {permission!r} permission")
        audit.record(user.name, "api", target_of(request), case=reference, client=client,
                     detail={"permission": permission})
        return Caller(user, reference)

    return check
