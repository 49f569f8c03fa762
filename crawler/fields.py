"""Reading fields from pages with the config's selectors: strings out, never markup."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from lxml import etree
from parsel import Selector, SelectorList

from crawler.field_specs import FieldSpec, RecordsSpec

# Elements whose boundaries are line breaks in readable text.
BLOCK_TAGS = frozenset([
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
])  # fmt: skip
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def element_text(element: etree._Element) -> str:
    """Readable text of an element (not the text after it): block elements and <br> become
    line breaks."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        tail = node.tail if node is not element else None
        if tag == "br":
            parts.append("\n")
            if tail:
                parts.append(tail)
            return
        if tag in SKIP_TAGS:
            if tail:
                parts.append(tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if tail:
            parts.append(tail)

    walk(element)
    text = "".join(parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.S)


def _post(value: str, spec: FieldSpec) -> str | None:
    value = value.strip()
    if spec.regex is None:
        return _mapped(value, spec) or None
    match = _compiled(spec.regex).search(value)
    if match is None:
        return None
    if "value" in match.re.groupindex:
        found = match.group("value")
    elif match.re.groups:
        found = match.group(1)
    else:
        found = match.group(0)
    if not found:
        return None
    return _mapped(found.strip(), spec) or None


def _mapped(value: str, spec: FieldSpec) -> str:
    """The value of the first `map` pattern found in `value`; `value` when none is."""
    for pattern, replacement in (spec.map or {}).items():
        if _compiled(pattern).search(value):
            return replacement
    return value


def _strings(selected: SelectorList[Selector]) -> list[str]:
    out = []
    for item in selected:
        root = item.root
        out.append(element_text(root) if isinstance(root, etree._Element) else str(root))
    return out


def select(scope: Selector, spec: FieldSpec) -> SelectorList[Selector]:
    return scope.css(spec.css) if spec.css else scope.xpath(spec.xpath or "")


def read_field(spec: FieldSpec, scope: Selector, url: str) -> str | list[str] | None:
    """One field's value in `scope` (a page or a card), or None when it is absent."""
    if spec.any is not None:
        for alternative in spec.any:
            value = read_field(alternative, scope, url)
            if value not in (None, "", []):
                return value
        return spec.default
    if spec.const is not None:
        cleaned = [spec.const]
    elif spec.url_regex is not None:
        found = _post(url, spec.model_copy(update={"regex": spec.url_regex}))
        cleaned = [found] if found else []
    else:
        selected = select(scope, spec)
        cleaned = [v for v in (_post(s, spec) for s in _strings(selected)) if v]
    if not cleaned:
        return spec.default
    if spec.many:
        return cleaned
    if spec.join is not None:
        return spec.join.join(cleaned)
    return cleaned[0]


def read_all(spec: FieldSpec, scope: Selector, url: str) -> list[str]:
    """Every value a selector finds (links are always many)."""
    value = read_field(spec.model_copy(update={"many": True, "join": None}), scope, url)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def read_fields(
    specs: Mapping[str, FieldSpec | RecordsSpec], scope: Selector, url: str
) -> dict[str, object]:
    """Every field found in `scope`; a repeated block (`RecordsSpec`) gives a list of records."""
    from crawler.records import read_records  # records are read with read_field

    values: dict[str, object] = {}
    for name, spec in specs.items():
        if isinstance(spec, RecordsSpec):
            value: object = read_records(spec, scope, url)
        else:
            value = read_field(spec, scope, url)
        if value not in (None, "", []):
            values[name] = value
    return values


def matches(scope: Selector, *, css: str | None = None, xpath: str | None = None) -> bool:
    return bool((css and scope.css(css)) or (xpath and scope.xpath(xpath)))
