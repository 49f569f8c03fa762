"""The platform registry: `config/platforms/<id>.yaml`, one hosting provider per file.

A platform is where DSA notices go: how it takes them (Art. 16: web form, e-mail, API), its
points of contact (Art. 11 for authorities, Art. 12 for recipients) and whether this unit is a
trusted flagger there (Art. 22). A market config names its platform (`platform: swapbay`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from crawler.config import ConfigError, MarketConfig
from vigil.referrals.files import (
    ReferralConfigError,
    Strict,
    country_problem,
    https_problem,
    read_yaml,
    validate,
)

KIND = "platform config"
PLATFORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str | None) -> str | None:
    if value is not None and not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _https(value: str | None) -> str | None:
    if value is not None and (problem := https_problem(value)):
        raise ValueError(problem)
    return value


class Notices(Strict):
    """How the provider takes notices under DSA Art. 16; at least one way."""

    web_form: str | None = None
    email: str | None = None
    api: str | None = None

    _urls = field_validator("web_form", "api")(_https)
    _mail = field_validator("email")(_email)

    @model_validator(mode="after")
    def _one_way(self) -> Notices:
        if not (self.web_form or self.email or self.api):
            raise ValueError("needs at least one of web_form (https URL), email, api (https URL)")
        return self


class Contact(Strict):
    """A point of contact (DSA Art. 11: authorities; Art. 12: recipients of the service)."""

    email: str | None = None
    web: str | None = None
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes, e.g. [en, de]")

    _mail = field_validator("email")(_email)
    _web = field_validator("web")(_https)

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if not re.fullmatch(r"[a-z]{2}", code)]
        if bad:
            raise ValueError(f"{bad} are not ISO 639-1 language codes (two lower-case letters, e.g. en)")
        return value


class PointOfContact(Strict):
    authorities: Contact | None = Field(default=None, description="DSA Art. 11")
    recipients: Contact | None = Field(default=None, description="DSA Art. 12")


class TrustedFlagger(Strict):
    """Whether this unit holds trusted-flagger status (DSA Art. 22) for this provider's notices."""

    status: bool
    since: dt.date | None = None
    awarded_by: str | None = Field(default=None, description="the Digital Services Coordinator")


class Platform(Strict):
    id: str
    provider: str = Field(min_length=1, description="display name")
    legal_name: str = Field(min_length=1)
    country: str = Field(description="ISO 3166-1 alpha-2 code of its establishment")
    notices: Notices
    point_of_contact: PointOfContact = PointOfContact()
    trusted_flagger: TrustedFlagger = TrustedFlagger(status=False)
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not PLATFORM_ID.match(value):
            raise ValueError("lower-case letters, digits, '-' or '_', starting with a letter/digit")
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if problem := country_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("trusted_flagger", mode="before")
    @classmethod
    def _bool_shorthand(cls, value: object) -> object:
        return {"status": value} if isinstance(value, bool) else value


def platform_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def load_platform_file(path: Path) -> Platform:
    platform = validate(Platform, read_yaml(path, KIND), path, KIND)
    if platform.id != path.stem:
        raise ReferralConfigError(path, [("id", f"must match the file name ({path.stem!r})")], KIND)
    return platform


def load_platforms(folder: Path) -> dict[str, Platform]:
    """Every platform in `folder` (config/platforms), by id; the first invalid file raises."""
    return {path.stem: load_platform_file(path) for path in platform_files(folder)}


def market_platform_error(
    market: MarketConfig, path: Path, platforms: dict[str, Platform]
) -> ConfigError | None:
    """The market config's problem when it names a platform that is not in the registry."""
    if market.platform is None or market.platform in platforms:
        return None
    known = ", ".join(sorted(platforms)) or "none"
    return ConfigError(path, [(
        "platform", f"unknown platform {market.platform!r}: expected the id of a file in config/platforms/ "
        f"(known: {known})",
    )])
