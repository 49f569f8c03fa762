"""`build_api(settings)`: the REST API, a FastAPI app the web app mounts at /api/v1."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from vigil.accounts import Accounts, AuditLog
from vigil.settings import Settings
from vigil.web.api import errors, operations, records, search

DESCRIPTION = """Everything the Vigil web app shows, as JSON: search with the filters of `vigil search`
(paged by cursors), listings, vendors, evidence metadata and raw bytes, crawl runs, markets and trends.

Authenticate with an API token from `vigil users token NAME`: `Authorization: Bearer TOKEN`.
Send the case reference you work on as `X-Vigil-Case`: every call is written to the audit log
with your user name, the path and query, and that case. Errors are JSON `{"error": "..."}`:
400 bad input, 401 no or a bad token, 403 your role lacks the permission, 404 not found,
503 the index does not answer."""


def build_api(settings: Settings) -> FastAPI:
    """The API on `settings`' index, accounts and audit log (created on first use)."""
    api = FastAPI(
        title="Vigil API", version="1", description=DESCRIPTION, openapi_url="/openapi.json",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: the app runs offline
    )
    api.state.settings = settings
    api.state.accounts = Accounts.open(settings)
    api.state.audit = AuditLog.open(settings)
    errors.install(api)
    for module in (search, records, operations):
        api.include_router(module.router)

    @api.middleware("http")
    async def headers(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return api
