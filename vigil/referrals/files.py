"""Reading the referral config files: every problem names the file, the field and what is expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from crawler.config import ConfigError
from crawler.config import read_yaml as read_config_yaml


class ReferralConfigError(ConfigError):
    """A platform or legal-basis file that cannot be used (exit 2 in the CLI); the message names
    the file, the field and what is expected, as a market config's does."""


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt field must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_yaml(path: Path, kind: str) -> Any:
    """The YAML document in `path`; unreadable, non-UTF-8 or malformed files are errors."""
    try:
        return read_config_yaml(path)
    except ConfigError as exc:
        raise ReferralConfigError(path, exc.problems, kind) from None


def describe(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    problems = []
    for item in error.errors():
        where = prefix + ".".join(str(p) for p in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see docs/referrals.md)"
        problems.append((where.rstrip("."), message))
    return problems


def validate(model: type[BaseModel], data: Any, path: Path, kind: str, prefix: str = "") -> Any:
    if not isinstance(data, dict):
        got = "nothing (the file is empty)" if data is None else f"a {type(data).__name__}"
        where = prefix.rstrip(".") or "(top level)"
        raise ReferralConfigError(path, [(where, f"expected a mapping, got {got}")], kind)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ReferralConfigError(path, describe(exc, prefix), kind) from None


def country_problem(code: str) -> str | None:
    """Why `code` is not an ISO 3166-1 alpha-2 code, or None."""
    import pycountry

    if len(code) != 2 or not code.isupper() or pycountry.countries.get(alpha_2=code) is None:
        return f"{code!r} is not an ISO 3166-1 alpha-2 country code (two capitals, e.g. DE, NL)"
    return None


def https_problem(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"{url!r} is not an https:// URL"
    return None
