"""What keeps the app's pages inert and its forms honest: security headers and the CSP on every
response, CSRF tokens, the login rate limit, and the app's signing key.

CSRF: a logged-in form carries HMAC(key, "session:" + session id); the login form, before any
session exists, carries HMAC(key, "login:" + the `vigil_csrf` cookie) (double submit). Both are
compared in constant time. The session cookie is also SameSite=Strict, so a foreign site's form
does not even carry it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.services.errors import Unavailable

#: The app's own pages: scripts, styles and frames from the app only; nothing inline.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; frame-src 'self'; "
       "base-uri 'none'; report-uri /csp-report")
#: A captured page, shown only inside the evidence viewer's sandboxed iframe: no script, no
#: network at all (images from the web must not load), its own inline styles only.
FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
FRAME_PATH_SUFFIX = "/frame"

SESSION_COOKIE = "vigil_session"
CSRF_COOKIE = "vigil_csrf"
CASE_COOKIE = "vigil_case"


class SecurityHeaders:
    """ASGI middleware: the CSP and the other security headers on every response (errors,
    static files and redirects included). The evidence frame route (`/evidence/<hash>/frame`)
    gets the frame CSP and may be framed by the app's own pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        framed = path.startswith("/evidence/") and path.endswith(FRAME_PATH_SUFFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in _OURS]
                csp = FRAME_CSP + "; frame-ancestors 'self'" if framed else CSP
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if not path.startswith("/static/"):  # pages show case data: never kept in caches
                    headers.append((b"cache-control", b"no-store"))
                if not framed:
                    headers.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


_OURS = {b"content-security-policy", b"x-content-type-options", b"referrer-policy", b"x-frame-options",
         b"cross-origin-opener-policy", b"cache-control"}


def signing_key(folder: Path) -> bytes:
    """The app's HMAC key, made once per data dir (`web/secret.key`, mode 0600)."""
    path = folder / "secret.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".secret.key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
        try:  # whole or not at all, and the first of two starting apps wins
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    key = path.read_bytes()
    if len(key) < 32:
        raise Unavailable(f"{path}: the web app's key is damaged ({len(key)} bytes); "
                          "delete it to make a new one (every session's forms then expire)")
    return key


def csrf_token(key: bytes, purpose: str, value: str) -> str:
    """The token a form carries, bound to a session id (purpose "session") or to the login
    form's cookie (purpose "login")."""
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, purpose: str, value: str, given: str) -> bool:
    return bool(value) and bool(given) and hmac.compare_digest(csrf_token(key, purpose, value), given)


class LoginLimiter:
    """At most `failures` failed logins per client address and per user name in `window`
    seconds; beyond that, logins are refused (429) until the oldest failure ages out."""

    def __init__(self, failures: int = 5, window: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.window, self.clock = failures, window, clock
        self._seen: dict[str, deque[float]] = {}

    def retry_after(self, *keys: str) -> int:
        """Seconds until a login may be tried again for these keys; 0: now."""
        now, wait = self.clock(), 0.0
        for key in keys:
            times = self._recent(key, now)
            if len(times) >= self.failures:
                wait = max(wait, times[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._seen.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(self._seen) > 100_000:  # bound memory under a spray of names
            self._seen = {k: v for k, v in self._seen.items() if v}
        return times
