"""Scraped text on a terminal: no control sequences, no markup."""

from __future__ import annotations

import re
import sys

from rich.console import Console
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    return _CONTROL.sub(" ", "" if value is None else str(value))


def safe(value: object, width: int = 0) -> Text:
    """Scraped text for a rich table: control characters removed, never read as markup."""
    text = clean(value)
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return Text(text)


def console() -> Console:
    return Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)
