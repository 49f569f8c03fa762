"""Jinja2 for every page: autoescape on for all templates, and `finalize` sends every
`{{ value }}` through `text.visible`, so text from a captured page is escaped and its control
characters shown, whatever the template forgets. Values in attributes use `|attr` (or `|q` in
URLs); nothing from a page is ever placed in a script or a style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from vigil.web import text

TEMPLATES = Path(__file__).parent / "templates"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, finalize=text.visible,
                      undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(attr=text.attr, q=text.url_part, json_script=text.json_script,
                       highlight=text.highlight, eur=_eur, day=_day, pct=_pct,
                       join=_join)
    return env


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render `templates/NAME` with the viewer (or None) and `context`."""
    from vigil.web.auth import NAV

    viewer = getattr(request.state, "viewer", None)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = _ENV.get_template(name).render(viewer=viewer, nav=NAV, path=request.url.path, here=here, **context)
    return HTMLResponse(html, status_code=status)


def _join(values: Any, separator: str = "") -> Any:
    """Jinja's `join` returns Markup, which would skip `finalize`: join, then make visible."""
    return text.visible(separator.join("" if v is None else str(v) for v in values))


def _eur(value: Any) -> str:
    return "" if value is None else f"{float(value):,.2f}"


def _day(value: Any) -> str:
    return "" if not value else str(value)[:10]


def _pct(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.0f}%"


_ENV = environment()
