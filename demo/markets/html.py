"""Small helpers shared by the market page renderers."""

from __future__ import annotations

import hashlib
import html
import json
from datetime import UTC, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from demo.models import day_date
from demo.server import Request, Response

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


def validated(request: Request, response: Response, changed_on: int) -> Response:
    """`response` with the validators of a page that last changed on simulator day
    `changed_on`: a strong ETag from its bytes and Last-Modified at noon of that day. A
    request whose If-None-Match names that ETag (or, without If-None-Match, whose
    If-Modified-Since is not older) gets 304 Not Modified, as RFC 9110 says."""
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    modified = datetime.combine(day_date(changed_on), time(12), tzinfo=UTC)
    headers = [("ETag", etag), ("Last-Modified", format_datetime(modified, usegmt=True))]
    if _not_modified(request.headers, etag, modified):
        return Response(304, b"", headers=headers)
    return Response(response.status, response.body, response.content_type, [*response.headers, *headers])


def _not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return etag in tags or "*" in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since) >= modified
        except (TypeError, ValueError):
            return False
    return False
