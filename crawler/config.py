"""The market config language: one YAML file per market, validated when loaded.

A market is described by data, not code: where it lives (mirrors, access), how to fetch it
(render mode, politeness, session), how to walk it (start URLs, category links, pagination)
and where each listing and vendor field sits (CSS or XPath selectors, regex post-processing).
`docs/market-config.md` documents every field; `config/markets/example.yaml.txt` is a
commented example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.fetch_specs import (
    PROXY_SCHEMES,
    AccessSpec,
    BrowserSpec,
    DetectSpec,
    InterstitialSpec,
    PolitenessSpec,
    SessionSpec,
)
from crawler.field_specs import (
    LISTING_FIELDS,
    RECORD_FIELDS,
    VENDOR_FIELDS,
    ExtraPageSpec,
    Fields,
    FieldSpec,
    ListingPageSpec,
    RecordsSpec,
    Selector,
    check_field_names,
)
from crawler.field_specs import Strict as _Strict
from crawler.schedule import ScheduleSpec

__all__ = [
    "LISTING_FIELDS",
    "PROXY_SCHEMES",
    "RECORD_FIELDS",
    "VENDOR_FIELDS",
    "AccessSpec",
    "BrowserSpec",
    "ConfigError",
    "DetectSpec",
    "ExtraPageSpec",
    "FieldSpec",
    "InterstitialSpec",
    "ListingPageSpec",
    "MarketConfig",
    "PolitenessSpec",
    "RecordsSpec",
    "ScheduleSpec",
    "Selector",
    "SessionSpec",
    "load_market",
    "load_market_file",
    "load_markets",
    "parse_market",
]  # fmt: skip

MARKET_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class ConfigError(Exception):
    """A market config that cannot be used; the message names the file, the field and what is
    expected."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]],
                 kind: str = "market config") -> None:
        self.path = Path(path)
        self.problems = problems
        lines = [f"{self.path}: invalid {kind}"]
        lines += [f"  {where}: {what}" for where, what in problems]
        super().__init__("\n".join(lines))


class CardSpec(_Strict):
    """Listing cards on a category page: one container per listing, fields relative to it."""

    container: Selector
    fields: Fields = Field(default_factory=dict)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        return check_field_names(value, LISTING_FIELDS)


class ListingSpec(_Strict):
    """How to find listings and read their fields."""

    links: Selector = Field(description="links to listing pages, on category pages")
    id_from_url: str = Field(
        description="regex with a group named `id` that reads the listing id from its URL"
    )
    cards: CardSpec | None = None
    fetch_pages: Literal["always", "missing", "never"] = Field(
        default="always",
        description="visit listing pages always, only when a card lacks a field, or never",
    )
    required: list[str] = Field(
        default_factory=lambda: ["title"],
        description="fields a listing must have; with fetch_pages=missing, a card without "
        "one of them sends the crawler to the listing page",
    )
    fields: Fields = Field(default_factory=dict)
    extra_pages: list[ListingPageSpec] = Field(
        default_factory=list,
        description="sub-pages of a listing page (e.g. `feedback/`, `terms/`), fetched in turn",
    )

    @field_validator("id_from_url")
    @classmethod
    def _has_id_group(cls, value: str) -> str:
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if "id" not in pattern.groupindex:
            raise ValueError("needs a named group `(?P<id>...)`")
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        return check_field_names(value, LISTING_FIELDS)

    @model_validator(mode="after")
    def _cards_when_no_pages(self) -> ListingSpec:
        if self.fetch_pages != "always" and self.cards is None:
            raise ValueError(f"fetch_pages={self.fetch_pages} needs `cards` to read fields from")
        if self.fetch_pages == "never" and self.extra_pages:
            raise ValueError("extra_pages are sub-pages of listing pages: fetch_pages=never visits none")
        return self


class VendorSpec(_Strict):
    """Vendor profile pages: how to reach them and what to read there."""

    links: Selector | None = Field(
        default=None, description="links to vendor pages, on listing pages or cards"
    )
    follow: bool = True
    fields: Fields = Field(default_factory=dict)
    extra_pages: list[ExtraPageSpec] = Field(default_factory=list)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        return check_field_names(value, VENDOR_FIELDS)


class NavigationSpec(_Strict):
    """How to walk the market from its start URLs."""

    start_urls: list[str] = Field(min_length=1, description="paths or URLs to start from")
    category_links: Selector | None = Field(
        default=None, description="links to category pages, on start pages"
    )
    next_page: Selector | None = Field(default=None, description="the link to the next page")
    category_name: Selector | None = Field(
        default=None, description="the category's name on a category page, given to its cards"
    )
    max_pages_per_category: int = Field(
        default=500, ge=1, description="pages followed through one category's pagination"
    )
    max_categories: int = Field(
        default=200, ge=1, description="category links followed from the start pages"
    )
    watch_listings: list[str] = Field(
        default_factory=list, description="listing pages to visit on every crawl"
    )
    watch_vendors: list[str] = Field(
        default_factory=list, description="vendor pages to visit on every crawl"
    )


class MarketConfig(_Strict):
    id: str
    name: str
    kind: Literal["darknet", "clearnet"]
    enabled: bool = Field(default=True, description="false: skipped by `vigil crawl --all`")
    mirrors: list[str] = Field(min_length=1)
    access: AccessSpec = AccessSpec()
    render: Literal["static", "browser"] = "static"
    browser: BrowserSpec = BrowserSpec()
    politeness: PolitenessSpec = PolitenessSpec()
    session: SessionSpec = SessionSpec()
    interstitial: InterstitialSpec | None = None
    platform: str | None = Field(default=None, description="DSA provider, for clear-web sites")
    language: str | None = None
    date_order: Literal["DMY", "MDY", "YMD"] | None = Field(
        default=None, description="how the market writes numeric dates such as 05/06/2017"
    )
    schedule: ScheduleSpec | None = Field(
        default=None, description="when `vigil schedule run` crawls the market; none: never"
    )
    navigation: NavigationSpec
    listings: ListingSpec
    vendors: VendorSpec | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not MARKET_ID.match(value):
            raise ValueError("lower-case letters, digits, '-' or '_', starting with a letter/digit")
        return value

    @field_validator("mirrors")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL")
        return [url.rstrip("/") for url in value]

    @model_validator(mode="after")
    def _onion_needs_tor(self) -> MarketConfig:
        onions = [u for u in self.mirrors if _is_onion(u)]
        if onions and self.access.mode != "tor":
            raise ValueError(
                f"mirror {onions[0]} is an .onion address: it needs `access: {{mode: tor}}` "
                f"(fail closed: never fetched with access {self.access.mode})"
            )
        return self

    @model_validator(mode="after")
    def _browser_block_needs_browser(self) -> MarketConfig:
        if self.browser != BrowserSpec() and self.render != "browser":
            raise ValueError("a `browser` block is only for markets with `render: browser`")
        return self

    @property
    def needs_anonymity(self) -> bool:
        """Onion mirrors and Tor markets must never be fetched without the proxy."""
        return self.access.mode == "tor" or any(_is_onion(u) for u in self.mirrors)


def _is_onion(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith(".onion")


_UNION_TAGS = {"selector", "records"}


def _describe(errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    problems = []
    for error in errors:
        where = ".".join(str(p) for p in error["loc"] if p not in _UNION_TAGS) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling; see docs/market-config.md)"
        problems.append((where, message))
    return problems


def _kind_of(data: Any) -> str:
    if data is None:
        return "nothing (the file is empty)"
    if isinstance(data, list):
        return "a list"
    return f"a {type(data).__name__} ({str(data)[:40]!r})"


def parse_market(data: Any, source: Path | str) -> MarketConfig:
    if not isinstance(data, dict):
        expected = f"expected a mapping of settings (id, name, kind, …), got {_kind_of(data)}"
        raise ConfigError(source, [("(top level)", expected)])
    try:
        return MarketConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, _describe(exc.errors())) from None


def read_yaml(path: Path) -> Any:
    """The YAML document in a config file: every way reading it can fail is a ConfigError."""
    if path.is_dir():
        raise ConfigError(path, [("(file)", "is a directory; expected a YAML file")])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, [("(file)", "no such file")]) from None
    except OSError as exc:
        raise ConfigError(path, [("(file)", f"cannot read: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        what = f"byte 0x{raw[exc.start]:02x} at position {exc.start} ({exc.reason})"
        raise ConfigError(
            path, [(f"line {line}", f"not UTF-8 text: {what}; save the file as UTF-8")]
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.reader.ReaderError as exc:  # a control character, e.g. NUL
        line = text.count("\n", 0, exc.position) + 1
        what = f"character #x{exc.character:04x} at position {exc.position} ({exc.reason})"
        raise ConfigError(path, [(f"line {line}", f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise ConfigError(
            path, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
        ) from None
    except ValueError as exc:  # PyYAML reads `2024-13-45` as a date and fails
        raise ConfigError(path, [("(file)", f"not valid YAML: {exc}")]) from None


def load_market_file(path: Path) -> MarketConfig:
    """One market config; any problem, from reading the file to a selector, is a ConfigError."""
    config = parse_market(read_yaml(path), path)
    if config.id != path.stem:
        raise ConfigError(path, [("id", f"must match the file name ({path.stem!r})")])
    return config


def market_files(markets_dir: Path) -> list[Path]:
    return sorted(markets_dir.glob("*.yaml"))


def load_markets(markets_dir: Path) -> dict[str, MarketConfig]:
    """Every market config in a folder; the first invalid file raises ConfigError."""
    return {path.stem: load_market_file(path) for path in market_files(markets_dir)}


def load_market(markets_dir: Path, market_id: str) -> MarketConfig:
    path = markets_dir / f"{market_id}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in market_files(markets_dir)) or "none"
        raise ConfigError(path, [("(file)", f"no such market; configured markets: {known}")])
    return load_market_file(path)


def with_mirrors(
    config: MarketConfig, mirrors: list[str], access: dict[str, Any] | None = None
) -> MarketConfig:
    """The same market at other addresses (a new mirror, or a test server), and optionally
    reached another way (the demo serves its dark market under an onion name through Tor)."""
    data = config.model_dump()
    data["mirrors"] = mirrors
    if access is not None:
        data["access"] = access
    return parse_market(data, f"<{config.id} with mirrors {mirrors}>")
