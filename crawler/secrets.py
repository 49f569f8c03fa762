"""Operator sessions: cookies and the browser's user agent, outside `config/`, never logged.

A market's session comes from `VIGIL_SESSION_<MARKET>` (it wins) or from the secrets file
(settings.secrets_file, YAML, mode 0600), which maps market ids to what `vigil session set`
stored:

    nightowl:
      user_agent: "Mozilla/5.0 ..."
      set_at: "2026-01-05T12:00:00+00:00"
      cookies: [{name, value, domain, path, secure, http_only, expires}, ...]

The older shape `nightowl: {cookie: VALUE}` (one value for the config's `session.cookie_name`)
is still read. This module is the one owner of that file: the crawler reads it, the
`vigil session` commands write it through the functions below.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from crawler.cookiefile import Cookie, CookieFileError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
HEADER = "# Vigil operator sessions (`vigil session set`). Secrets: keep this file private (0600).\n"


class SecretsError(ValueError):
    """A secrets file that cannot be read or written; names the file and the entry."""


@dataclass
class StoredSession:
    market: str
    source: Literal["env", "file"]
    cookies: list[Cookie] = field(default_factory=list)
    user_agent: str | None = None
    set_at: str | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.cookies]

    @property
    def earliest_expiry(self) -> float | None:
        times = [c.expires for c in self.cookies if c.expires is not None]
        return min(times) if times else None


def set_command(market_id: str) -> str:
    """The command that stores a session: named wherever a crawl ends `needs_session`."""
    return f'vigil session set {market_id} --cookies FILE --user-agent "UA"'


def env_name(market_id: str) -> str:
    return "VIGIL_SESSION_" + market_id.upper().replace("-", "_")


def load_session(market_id: str, secrets_file: Path | None, cookie_name: str | None) -> StoredSession | None:
    """The market's session: `VIGIL_SESSION_<MARKET>` wins over the file. The variable holds
    the value of the config's `cookie_name`, or, for a market without one, a `Cookie:` header
    (`a=1; b=2`). Raises SecretsError for an unreadable file or entry."""
    value = os.environ.get(env_name(market_id))
    if value:
        cookies = [Cookie(cookie_name, value)] if cookie_name else _cookie_header(value)
        return StoredSession(market_id, "env", cookies)
    if secrets_file is None:
        return None
    entry = read_secrets(secrets_file).get(market_id)
    if entry is None:
        return None
    return _session(market_id, entry, cookie_name, f"{secrets_file}: {market_id}")


def _cookie_header(value: str) -> list[Cookie]:
    cookies = []
    for part in value.split(";"):
        name, sep, val = part.strip().partition("=")
        if sep and name.strip():
            cookies.append(Cookie(name.strip(), val.strip()))
    return cookies


def _session(market_id: str, entry: Any, cookie_name: str | None, where: str) -> StoredSession | None:
    if not isinstance(entry, dict):
        raise SecretsError(f"{where}: expected a mapping (cookies, user_agent, set_at)")
    user_agent = entry.get("user_agent")
    if user_agent is not None and (not isinstance(user_agent, str) or _CONTROL.search(user_agent)):
        raise SecretsError(f"{where}.user_agent: expected one line of text (the browser's User-Agent)")
    set_at = entry.get("set_at")
    cookies: list[Cookie] = []
    if "cookies" in entry:
        if not isinstance(entry["cookies"], list):
            raise SecretsError(f"{where}.cookies: expected a list of cookies")
        for n, raw in enumerate(entry["cookies"], start=1):
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or \
                    not isinstance(raw.get("value"), str):
                raise SecretsError(f"{where}.cookies[{n}]: expected a mapping with name and value strings")
            try:
                cookies.append(Cookie.from_dict(raw))
            except TypeError:
                raise SecretsError(f"{where}.cookies[{n}]: unexpected keys") from None
    elif entry.get("cookie"):  # the older shape: one value for the config's cookie_name
        if not cookie_name:
            raise SecretsError(
                f"{where}.cookie: a single value needs session.cookie_name in the market's config; "
                "or import the browser's cookies with `vigil session set`"
            )
        cookies = [Cookie(cookie_name, str(entry["cookie"]))]
    if not cookies:
        return None
    return StoredSession(market_id, "file", cookies, user_agent, str(set_at) if set_at else None)


def read_secrets(path: Path) -> dict[str, Any]:
    """The secrets file as a mapping (empty when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        what = getattr(exc, "strerror", None) or exc
        raise SecretsError(f"{path}: cannot read the secrets file: {what}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise SecretsError(
            f"{path}: {where}: not valid YAML; expected market ids mapped to sessions"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SecretsError(f"{path}: expected a mapping of market ids to sessions")
    return data


def write_session(
    path: Path, market_id: str, cookies: list[Cookie], user_agent: str, set_at: str
) -> None:
    """Store (or replace) a market's session; the file is created 0600, its folder 0700."""
    entry = {"user_agent": user_agent, "set_at": set_at, "cookies": [c.to_dict() for c in cookies]}
    with _locked(path):
        data = read_secrets(path)
        data[market_id] = entry
        _write(path, data)


def remove_session(path: Path, market_id: str) -> bool:
    """Forget a market's stored session; False when there was none."""
    if not path.exists():
        return False
    with _locked(path):
        data = read_secrets(path)
        if market_id not in data:
            return False
        del data[market_id]
        _write(path, data)
    return True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (read, change, replace), across processes."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a private temporary file in the same folder, then renamed over the old."""
    text = HEADER + yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


__all__ = [
    "CookieFileError",
    "SecretsError",
    "StoredSession",
    "env_name",
    "load_session",
    "read_secrets",
    "remove_session",
    "set_command",
    "write_session",
]
