"""Session cookies: from the environment or a secrets file outside `config/`, never logged."""

from __future__ import annotations

import os
from pathlib import Path

import yaml


def env_name(market_id: str) -> str:
    return "VIGIL_SESSION_" + market_id.upper().replace("-", "_")


def session_cookie(market_id: str, secrets_file: Path | None) -> str | None:
    """The market's session cookie value: `VIGIL_SESSION_<MARKET>` wins over the file,
    which maps market ids to `{cookie: VALUE}`."""
    value = os.environ.get(env_name(market_id))
    if value:
        return value
    if secrets_file is None or not secrets_file.exists():
        return None
    data = yaml.safe_load(secrets_file.read_text(encoding="utf-8")) or {}
    entry = data.get(market_id) if isinstance(data, dict) else None
    if isinstance(entry, dict) and entry.get("cookie"):
        return str(entry["cookie"])
    return None
