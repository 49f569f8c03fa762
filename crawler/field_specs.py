"""The field language of market configs: where a value sits on a page (`FieldSpec`), repeated
blocks of records (`RecordsSpec`: feedback, shipping options), the field names a listing and a
vendor may have, and sub-pages of listings and vendors. `crawler.config` builds the market
config from these; `crawler.fields` and `crawler.records` read them from pages.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from crawler.selector_checks import valid_css, valid_regex, valid_xpath


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _selector_shorthand(value: Any) -> Any:
    """`title: "h1::text"` is short for `title: {css: "h1::text"}`."""
    if isinstance(value, str):
        return {"css": value}
    return value


class FieldSpec(Strict):
    """Where one field's value sits, and how to clean it.

    Exactly one of `css`, `xpath`, `url_regex`, `const` or `any` locates it. A selector ending
    in `::text` or `::attr(...)` (CSS) or `/text()`/`/@attr` (XPath) yields strings; any other
    selector yields elements, turned into readable text (block elements become line breaks).
    `regex` then keeps its `value` group (or group 1, or the whole match), and `map` replaces
    a value by the first entry whose pattern it contains. `const` is a fixed value (a market
    that prices everything in BTC: `currency: {const: BTC}`); `any` tries several locators in
    order, the first that yields a value wins (markets with two card layouts).
    """

    css: str | None = None
    xpath: str | None = None
    url_regex: str | None = Field(
        default=None, description="take the value from the page URL with this regex"
    )
    const: str | None = Field(default=None, description="a fixed value, e.g. a currency code")
    any: list[Selector] | None = Field(
        default=None, description="several locators, tried in order; the first value wins"
    )
    regex: str | None = None
    map: dict[str, str] | None = Field(
        default=None,
        description="pattern -> value: a value containing the pattern (a regex) becomes the value",
    )
    many: bool = Field(default=False, description="keep every match as a list")
    join: str | None = Field(default=None, description="join several matches into one string")
    default: str | None = None

    _css_compiles = field_validator("css")(valid_css)
    _xpath_compiles = field_validator("xpath")(valid_xpath)

    @model_validator(mode="after")
    def _one_locator(self) -> FieldSpec:
        given = [
            name for name in ("css", "xpath", "url_regex", "const", "any") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of css, xpath, url_regex, const or any")
        if self.any is not None:
            if not self.any:
                raise ValueError("`any` needs at least one locator")
            extra = [n for n in ("regex", "map", "join") if getattr(self, n) is not None] + (
                ["many"] if self.many else []
            )
            if extra:
                raise ValueError(f"with `any`, put {', '.join(extra)} on each alternative")
        return self

    _regex_compiles = field_validator("regex", "url_regex")(valid_regex)

    @field_validator("map")
    @classmethod
    def _map_patterns_compile(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for pattern in value or {}:
            valid_regex(pattern)
        return value


Selector = Annotated[FieldSpec, BeforeValidator(_selector_shorthand)]
FieldSpec.model_rebuild()

#: Repeated blocks: a field whose value is a list of records, each read from one container.
RECORD_FIELDS: dict[str, list[str]] = {
    "feedback": ["date", "rating", "text", "item", "buyer"],
    "shipping_options": ["name", "price", "currency"],
}


class RecordsSpec(Strict):
    """A repeated block (feedback, shipping options): one record per `container` match, its
    fields read relative to the container."""

    container: Selector
    fields: dict[str, Selector] = Field(min_length=1)


def _field_kind(value: Any) -> str:
    """Which spec a field is: called on the YAML value when validating, and on the built spec
    when serialising (a `RecordsSpec` there must not be taken for a selector)."""
    if isinstance(value, RecordsSpec):
        return "records"
    return "records" if isinstance(value, dict) and "container" in value else "selector"


FieldOrRecords = Annotated[
    Annotated[FieldSpec, BeforeValidator(_selector_shorthand), Tag("selector")]
    | Annotated[RecordsSpec, Tag("records")],
    Discriminator(_field_kind),
]
Fields = dict[str, FieldOrRecords]

LISTING_FIELDS = [
    "id", "title", "description", "price", "price_alt", "currency", "price_alt_currency", "vendor",
    "vendor_url", "category", "ships_from", "ships_to", "images", "sales", "feedback_count",
    "feedback_score", "stock", "terms", "feedback", "shipping_options",
]  # fmt: skip
VENDOR_FIELDS = [
    "alias", "description", "pgp_key", "contacts", "member_since", "last_active", "level", "rating",
    "sales", "disputes", "feedback_count", "feedback_positive", "feedback_neutral", "feedback_negative",
    "terms", "feedback",
]  # fmt: skip


class _SubPage(Strict):
    path: str = Field(description="relative to the page's URL, e.g. `pgp/` or `feedback/`")
    role: str | None = Field(
        default=None, description="the page's role as evidence; default: the path's last part"
    )
    fields: Fields = Field(default_factory=dict)

    @property
    def page_role(self) -> str:
        """`pgp/` -> `pgp`; `?tab=feedback` -> `feedback`."""
        if self.role:
            return self.role
        last = re.split(r"[/?=&#]", self.path.strip("/?#"))[-1]
        return last or "page"


class ExtraPageSpec(_SubPage):
    """A sub-page of a vendor profile (e.g. `pgp/`) whose fields complete the vendor."""

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        return check_field_names(value, VENDOR_FIELDS)


class ListingPageSpec(_SubPage):
    """A sub-page of a listing (its `feedback/` or `terms/` tab) whose fields complete it; a
    tab that pages (feedback, most often) is followed through `next_page`."""

    next_page: Selector | None = Field(
        default=None, description="the link to the tab's next page (records add up)"
    )
    max_pages: int = Field(default=20, ge=1, le=1000, description="pages followed through the tab")

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        return check_field_names(value, LISTING_FIELDS)


def check_field_names(value: dict[str, Any], known: list[str]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(unknown)}; expected any of: {', '.join(known)}"
        )
    for name, spec in value.items():
        kinds = RECORD_FIELDS.get(name)
        if kinds is None and isinstance(spec, RecordsSpec):
            raise ValueError(f"{name} is one value, not a repeated block: give a selector, not `container`")
        if kinds is not None and not isinstance(spec, RecordsSpec):
            raise ValueError(
                f"{name} is a repeated block: give {{container: ..., fields: {{{', '.join(kinds)}}}}}"
            )
        if kinds is not None:
            extra = sorted(set(spec.fields) - set(kinds))
            if extra:
                raise ValueError(
                    f"{name}: unknown field(s) {', '.join(extra)}; expected any of: {', '.join(kinds)}"
                )
    return value
