"""Selector and regex checks for the market config language: each selector is compiled when
a config loads, so that a typo is a config error naming its field, not a traceback per page."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml import etree


@lru_cache(maxsize=1)
def _parsel() -> tuple[Any, dict[str, str], Any]:
    """parsel's CSS translator, its XPath namespaces and an empty page, loaded on the first check
    (parsel costs ~30 ms to import: every `vigil` command reads configs, few check selectors).

    Selectors are checked the way parsel (crawler/fields.py) runs them: CSS through parsel's
    translator (which adds `::text` and `::attr(name)`), XPath with parsel's namespaces (`re:`,
    `set:`) and its `has-class()` function, registered when parsel is imported."""
    from parsel import Selector
    from parsel.csstranslator import HTMLTranslator

    return HTMLTranslator(), dict(Selector._default_namespaces), etree.fromstring("<html/>")


@lru_cache(maxsize=1024)
def _xpath_problem(query: str) -> str | None:
    """Why parsel would reject this XPath, or None.

    Compiling catches syntax errors; evaluating on an empty page also catches an undefined
    namespace prefix, variable or function outside a predicate. (A predicate is only evaluated
    on a matching element, so an unknown function there still shows at crawl time.)
    """
    _, namespaces, empty_page = _parsel()
    try:
        etree.XPath(query, namespaces=namespaces)(empty_page)
    except etree.XPathSyntaxError as exc:
        last = exc.error_log.last_error
        return f"{exc}{f' at offset {last.column}' if last else ''}"
    except (etree.XPathError, ValueError) as exc:
        return str(exc).removeprefix("XPath error: ")
    return None


@lru_cache(maxsize=1024)
def _css_problem(query: str) -> str | None:
    """Why parsel would reject this CSS selector, or None."""
    from cssselect import SelectorError

    try:
        return _xpath_problem(_parsel()[0].css_to_xpath(query))
    except SelectorError as exc:
        return str(exc)


def valid_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


def valid_css(value: str | None) -> str | None:
    if value is not None and (problem := _css_problem(value)):
        raise ValueError(f"not a valid CSS selector: {problem}, in {value!r}")
    return value


def valid_xpath(value: str | None) -> str | None:
    if value is not None and (problem := _xpath_problem(value)):
        raise ValueError(f"not a valid XPath expression: {problem}, in {value!r}")
    return value
