"""`GET /listings/…`, `/vendors/…`, `/evidence/…`: one record each, as the services give it.

Raw evidence is a download, never a page: `application/octet-stream`, `attachment`, `nosniff`
and a CSP that forbids everything, so a browser cannot render what a market served.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from vigil.services.evidence import evidence_bytes, evidence_info
from vigil.services.listings import listing_detail
from vigil.services.vendors import vendor_profile
from vigil.settings import Settings
from vigil.web.api.auth import Caller, caller, settings_of
from vigil.web.api.models import Answer, Error, EvidenceInfo, ListingDetail, VendorProfile

router = APIRouter()

SHA256 = Annotated[str, Path(description="the page's SHA-256 (64 hex characters)")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error}}


@router.get("/listings/{market}/{listing_id}", response_model=ListingDetail,
            responses=NOT_FOUND, tags=["listings"])
def get_listing(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("view"))],
    market: str,
    listing_id: str,
    feedback: Annotated[int, Query(ge=0, le=1000, description="newest feedback records to include")] = 100,
) -> Answer:
    """A listing in full: fields, extraction, price and availability history, feedback, pages."""
    return Answer(listing_detail(settings, market, listing_id, feedback=feedback))


@router.get("/vendors/{market}/{alias}", response_model=VendorProfile,
            responses=NOT_FOUND, tags=["vendors"])
def get_vendor(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("view"))],
    market: str,
    alias: str,
    listings: Annotated[int, Query(ge=0, le=1000, description="newest listings to include")] = 100,
    feedback: Annotated[int, Query(ge=0, le=1000, description="newest feedback records to include")] = 100,
) -> Answer:
    """A vendor: identifiers, PGP, contacts, crypto addresses, the same vendor elsewhere, listings."""
    return Answer(vendor_profile(settings, market, alias, listings=listings, feedback=feedback))


@router.get("/evidence/{sha256}", response_model=EvidenceInfo,
            responses=NOT_FOUND, tags=["evidence"])
def get_evidence(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("evidence"))],
    sha256: SHA256,
) -> Answer:
    """A preserved page's metadata: URL, fetch time, status, size, whether it is intact, who cites it."""
    return Answer(evidence_info(settings, sha256))


@router.get(
    "/evidence/{sha256}/raw", response_class=Response, tags=["evidence"],
    responses={200: {"content": {"application/octet-stream": {}},
                     "description": "the bytes as captured, re-hashed before they are sent"},
               **NOT_FOUND,
               500: {"model": Error, "description": "the stored bytes no longer match the hash"}},
)
def get_evidence_raw(
    settings: Annotated[Settings, Depends(settings_of)],
    _: Annotated[Caller, Depends(caller("evidence"))],
    sha256: SHA256,
) -> Response:
    """The page's raw bytes as a download (never rendered); `X-Vigil-SHA256` carries the hash."""
    content = evidence_bytes(settings, sha256)
    digest = sha256.strip().lower()
    return Response(content, media_type="application/octet-stream", headers={
        "X-Vigil-SHA256": digest,
        "Content-Disposition": f'attachment; filename="{digest}.bin"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    })
