"""Operator sessions: import a browser's cookies for a market, show what is stored, forget it.

The plain functions behind `vigil session` and `vigil demo login`. Sessions live in the
secrets file (settings.secrets_file, mode 0600), written only through `crawler.secrets`;
what these functions return names cookies, never their values.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config import ConfigError, MarketConfig, load_market, load_markets
from crawler.cookiefile import Cookie, CookieFileError, read_cookie_file
from crawler.secrets import (
    SecretsError,
    StoredSession,
    env_name,
    load_session,
    remove_session,
    write_session,
)
from index.errors import StoreError
from vigil.services.errors import NotFound, UsageError
from vigil.services.index import reading
from vigil.settings import Settings

_USER_AGENT = re.compile(r"^[\x20-\x7e]{1,512}$")
UA_EXAMPLE = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"


def import_cookies(
    settings: Settings, market: str, cookies_file: Path, user_agent: str, now: datetime | None = None
) -> dict[str, Any]:
    """`vigil session set`: read a cookies.txt or JSON export and store it for the market
    with the browser's user agent. Raises UsageError for an unknown market, a bad file or a
    bad user agent (exit 2)."""
    config = _market(settings, market)
    agent = check_user_agent(user_agent)
    try:
        cookies = read_cookie_file(cookies_file)
    except CookieFileError as exc:
        raise UsageError(str(exc)) from None
    return store_session(settings, config, cookies, agent, source=str(cookies_file), now=now)


def store_session(
    settings: Settings, config: MarketConfig, cookies: list[Cookie], user_agent: str, *,
    source: str, now: datetime | None = None, extra_hosts: set[str] | None = None,
) -> dict[str, Any]:
    """Keep the cookies of the market's own mirror hosts (an export of a whole browser holds
    other sites' too; `extra_hosts`: a mirror given on the command line) and store them;
    returns what was stored, without values."""
    hosts = mirror_hostnames(config) | (extra_hosts or set()) - {""}
    kept: dict[tuple[str, str, str], Cookie] = {}
    others: set[str] = set()
    for cookie in cookies:
        if any(cookie.matches_host(host) for host in hosts):
            kept[(cookie.name, cookie.domain.lstrip(".").lower(), cookie.path)] = cookie  # the last wins
        else:
            others.add(cookie.domain.lstrip(".").lower())
    if not kept:
        raise UsageError(
            f"{source}: none of its {len(cookies)} cookies is for {config.id}'s mirror hosts "
            f"({', '.join(sorted(hosts))}); it has cookies for: {', '.join(sorted(others))}. "
            f"Log in on one of the market's mirrors, or add the mirror you used to its config"
        )
    stored = list(kept.values())
    set_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    try:
        write_session(settings.secrets_file, config.id, stored, user_agent, set_at)
    except (SecretsError, OSError) as exc:
        raise UsageError(f"cannot store the session in {settings.secrets_file}: {exc}") from None
    session = StoredSession(config.id, "file", stored, user_agent, set_at)
    report = _describe(config, session, now)
    report["ignored_domains"] = sorted(others)
    report["secrets_file"] = str(settings.secrets_file)
    report["warnings"] = _warnings(config, session, now)
    return report


def session_status(
    settings: Settings, market: str | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """`vigil session status`: each configured market's session, without cookie values."""
    if market is not None:
        configs = [_market(settings, market)]
    else:
        try:
            configs = list(load_markets(settings.markets_dir).values())
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
    last_runs = _last_runs(settings, [c.id for c in configs])
    rows = []
    for config in configs:
        try:
            session = load_session(config.id, settings.secrets_file, config.session.cookie_name)
        except SecretsError as exc:
            raise UsageError(str(exc)) from None
        row = _describe(config, session, now)
        row["last_run"] = last_runs.get(config.id)
        rows.append(row)
    return rows


def clear_session(settings: Settings, market: str) -> dict[str, Any]:
    """`vigil session clear`: forget the stored session (the environment variable, if set,
    still supplies one: say so)."""
    config = _market(settings, market)
    try:
        removed = remove_session(settings.secrets_file, config.id)
    except (SecretsError, OSError) as exc:
        raise UsageError(f"cannot change {settings.secrets_file}: {exc}") from None
    variable = env_name(config.id)
    return {
        "market": config.id,
        "removed": removed,
        "secrets_file": str(settings.secrets_file),
        "env_variable_set": bool(os.environ.get(variable)),
        "env_variable": variable,
    }


def check_user_agent(value: str) -> str:
    agent = value.strip()
    if not _USER_AGENT.match(agent):
        raise UsageError(
            "--user-agent: expected the exact User-Agent of the browser the cookies come from, "
            f"printable ASCII, at most 512 characters (e.g. {UA_EXAMPLE!r}); in that browser, "
            "about:support (Firefox) or chrome://version (Chromium) shows it"
        )
    return agent


def mirror_hostnames(config: MarketConfig) -> set[str]:
    return {(urlsplit(url).hostname or "").lower() for url in config.mirrors} - {""}


# --- helpers -----------------------------------------------------------------------------
def _market(settings: Settings, market: str) -> MarketConfig:
    try:
        return load_market(settings.markets_dir, market)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _describe(config: MarketConfig, session: StoredSession | None, now: datetime | None) -> dict[str, Any]:
    expiry = session.earliest_expiry if session else None
    current = (now or datetime.now(UTC)).timestamp()
    return {
        "market": config.id,
        "needs_session": config.session.required,
        "stored": session is not None,
        "source": session.source if session else None,
        "cookies": session.names if session else [],
        "user_agent": session.user_agent if session else None,
        "set_at": session.set_at if session else None,
        "expires": _iso(expiry) if expiry is not None else None,
        "expired": expiry is not None and expiry < current,
    }


def _warnings(config: MarketConfig, session: StoredSession, now: datetime | None) -> list[str]:
    warnings = []
    name = config.session.cookie_name
    if name and name not in session.names:
        warnings.append(f"the market's session cookie {name!r} (session.cookie_name) is not among them")
    expiry = session.earliest_expiry
    if expiry is not None and expiry < (now or datetime.now(UTC)).timestamp():
        warnings.append(f"a cookie expired at {_iso(expiry)}: the market will probably ask for a new login")
    if os.environ.get(env_name(config.id)):
        warnings.append(f"{env_name(config.id)} is set and wins over the stored session: unset it")
    return warnings


def _last_runs(settings: Settings, markets: list[str]) -> dict[str, dict[str, Any]]:
    """The latest run of each market, from the index (none when nothing was indexed yet)."""
    out: dict[str, dict[str, Any]] = {}
    try:
        with reading(settings) as store:
            for market in markets:
                runs = store.runs(market, 1)
                if runs:
                    run = runs[0]
                    out[market] = {
                        "id": run.id,
                        "status": run.status,
                        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                        "message": run.stats.get("vigil/close_message") or None,
                    }
    except (NotFound, StoreError):
        pass
    return out


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
