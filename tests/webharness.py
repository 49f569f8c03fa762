"""What the web app's browser tests share: the hostile index, the running app, signing in.

The fixtures that build these live in tests/web/conftest.py; this module holds their types
and helpers so that test modules can import them (a conftest cannot be imported by name).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import ROOT


@dataclass(frozen=True)
class HostileIndex:
    """The hostile world crawled on days 1 and 2; `hostile` is the truth of day 1 (every
    payload and the listing or vendor that shows it), `listings` nightowl's day-1 truth."""

    data: Path
    hostile: list[Any]
    listings: dict[str, Any]


@dataclass(frozen=True)
class WebApp:
    """`vigil web` running on `url`; `users` maps each role to (name, password)."""

    url: str
    data: Path
    log: Path
    users: dict[str, tuple[str, str]] = field(default_factory=dict)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def csp_reports(self) -> int:
        """How many CSP violation reports the app received (its test hook)."""
        status, body = self.get("/csp-report/count")
        assert status == 200, (status, body[:200])
        value = json.loads(body)
        return int(value["count"] if isinstance(value, dict) else value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_user(data: Path, name: str, role: str, password: str) -> None:
    """`vigil users add NAME --role ROLE`, the password on standard input (not a terminal)."""
    result = subprocess.run([sys.executable, "-m", "vigil", "users", "add", name, "--role", role],
                            input=password + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "VIGIL_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert password not in result.stdout + result.stderr  # never echoed


def log_in(page: Any, name: str, password: str) -> None:
    """Fill the login form and wait until the app has let us in."""
    page.goto("/login")
    page.get_by_label("User name", exact=False).or_(page.locator("input[name=username]")).first.fill(name)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)


class Guard:
    """Watches a browser context for anything a hostile page could make happen: a request to
    another host than the app's (each is aborted and recorded before it leaves), a request the
    browser itself blocked (allowed only inside the evidence frame, whose CSP blocks it), a
    dialog (alert/confirm/prompt), and a page or frame whose `window.__vigil_pwned` is set."""

    def __init__(self, context: Any, app_url: str) -> None:
        self.origin = app_url.rstrip("/")
        self.left: list[str] = []        # requests that would have left (aborted by the guard)
        self.blocked: list[tuple[str, str, str]] = []  # (url, frame url, failure) blocked in the browser
        self.dialogs: list[str] = []
        context.set_default_timeout(15_000)  # a page a payload broke fails, it does not hang
        context.route("**/*", self._route)
        context.on("requestfailed", self._failed)
        context.on("page", self._page)
        for page in context.pages:
            self._page(page)

    def _ours(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if self._ours(url):
            route.continue_()
        else:
            self.left.append(url)
            route.abort()

    def _failed(self, request: Any) -> None:
        if self._ours(request.url) or request.url.startswith(("data:", "about:", "blob:")):
            return
        try:
            frame = request.frame.url
        except Exception:  # a frame already gone
            frame = "?"
        self.blocked.append((request.url, frame, request.failure or ""))

    def _page(self, page: Any) -> None:
        page.on("dialog", lambda dialog: (self.dialogs.append(f"{dialog.type}: {dialog.message}"),
                                          dialog.dismiss()))

    def pwned(self, page: Any) -> list[str]:
        """The URLs of the page's frames whose `window.__vigil_pwned` is set (or that cannot
        be read within 5 s: a frame a payload broke does not hang the test)."""
        hit = []
        for frame in page.frames:
            try:
                frame.wait_for_function("() => window.__vigil_pwned === undefined", polling=100,
                                        timeout=5_000)
            except Exception as exc:  # set, or unreadable: reported either way
                hit.append(f"{frame.url} ({str(exc).splitlines()[0]})")
        return hit

    def check(self, page: Any, where: str) -> None:
        """Nothing ran and nothing left while `where` was shown."""
        assert self.dialogs == [], f"{where}: dialogs {self.dialogs}"
        assert self.left == [], f"{where}: requests to other hosts {self.left}"
        outside_frame = [b for b in self.blocked if not b[1].endswith("/frame") or b[2] != "csp"]
        assert outside_frame == [], f"{where}: blocked outside the evidence frame {outside_frame}"
        frames = [f.url for f in page.frames[1:] if not _in_capture(f)]
        assert frames == [], f"{where}: frames no page of the app makes: {frames}"
        ran = self.pwned(page)
        assert ran == [], f"{where}: a payload ran in {ran}"


def _in_capture(frame: Any) -> bool:
    """Is this the evidence viewer's frame of a captured page, or a frame inside it (whose
    loads its CSP blocks)?"""
    while frame is not None:
        if frame.url.endswith("/frame"):
            return True
        frame = frame.parent_frame
    return False
