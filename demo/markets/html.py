"""Small helpers shared by the market page renderers."""

from __future__ import annotations

import html
import json
from typing import Any

from demo.server import Response

# 1x1 grey PNG: listing images and the captcha placeholder.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f0005fe02fea7d6a4950000000049454e44ae426082"
)


def page_number(arg: str) -> int:
    """A page number from a query argument; anything else is page 1, as on real sites."""
    try:
        return int(arg)
    except ValueError:
        return 1


def esc(text: object) -> str:
    """HTML-escape text (quotes too)."""
    return html.escape(str(text), quote=True)


def multiline(text: str) -> str:
    """Escaped text with line breaks as <br>, the way market descriptions are stored."""
    return "<br>\n".join(esc(line) for line in text.split("\n"))


def page(body: str, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, body.encode("utf-8"), headers=headers or [])


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(302, b"", headers=[("Location", location), *(headers or [])])


def png() -> Response:
    return Response(200, PIXEL_PNG, "image/png")
