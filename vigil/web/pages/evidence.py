"""/evidence/{sha256}: a preserved page's metadata and hash, the page itself only inside a
sandboxed iframe (no scripts, no same origin) whose frame route sends a CSP with no network
at all, the raw source as escaped text, and the screenshots kept beside it."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vigil.services.errors import NotFound
from vigil.services.evidence import evidence_bytes, evidence_info, screenshots_of
from vigil.web.auth import Viewer, audit, require, web
from vigil.web.render import page

router = APIRouter()
#: The raw source shown as text: the first 2 MB (the frame and the API have it whole).
MAX_SHOWN = 2 * 1024 * 1024
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)


@router.get("/evidence/{sha256}")
def evidence_page(request: Request, sha256: str, viewer: Viewer = Depends(require("evidence"))) -> Response:  # noqa: B008
    settings = web(request).settings
    info = evidence_info(settings, sha256)
    audit(request, viewer, "view_evidence", info["sha256"])
    raw = evidence_bytes(settings, info["sha256"])
    charset = charset_of(raw, info["content_type"])
    source = raw[:MAX_SHOWN].decode(charset, "replace")
    return page(request, "evidence.html", title=f"Evidence {info['sha256'][:12]}", info=info, source=source,
                truncated=len(raw) > MAX_SHOWN, charset=charset, image=_is_image(info["content_type"]),
                screenshots=screenshots_of(settings, info["sha256"]))


@router.get("/evidence/{sha256}/frame")
def evidence_frame(request: Request, sha256: str, viewer: Viewer = Depends(require("evidence"))) -> Response:  # noqa: B008
    """The captured page's bytes as they were fetched, for the sandboxed iframe only: the
    security middleware sends the frame CSP (`sandbox`, no network) on this path."""
    settings = web(request).settings
    info = evidence_info(settings, sha256)
    raw = evidence_bytes(settings, info["sha256"])
    if _is_image(info["content_type"]):
        return Response(b"", media_type="text/plain")
    kind = "text/html" if "html" in info["content_type"].lower() or not info["content_type"] else "text/plain"
    return Response(raw, headers={"Content-Type": f"{kind}; charset={charset_of(raw, info['content_type'])}"})


@router.get("/evidence/{sha256}/image")
def evidence_image(request: Request, sha256: str, viewer: Viewer = Depends(require("evidence"))) -> Response:  # noqa: B008
    """A kept screenshot (PNG, JPEG or WebP only: nothing a browser would run)."""
    settings = web(request).settings
    info = evidence_info(settings, sha256)
    if not _is_image(info["content_type"]):
        raise NotFound(f"evidence {info['sha256']} is not an image")
    return Response(evidence_bytes(settings, info["sha256"]), media_type=info["content_type"].split(";")[0])


def charset_of(raw: bytes, content_type: str) -> str:
    """The charset the page declares (Content-Type, then a <meta> in its first 4 KB), if Python
    knows it; else UTF-8."""
    import codecs

    found = _TYPE_CHARSET.search(content_type or "")
    name = found.group(1) if found else None
    if name is None:
        meta = _CHARSET.search(raw[:4096])
        name = meta.group(1).decode("ascii") if meta else None
    try:
        return codecs.lookup(name).name if name else "utf-8"
    except LookupError:
        return "utf-8"


def _is_image(content_type: str) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in ("image/png", "image/jpeg", "image/webp")
