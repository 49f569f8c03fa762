"""Errors as JSON `{"error": ...}`: bad input 400, not found 404, the index down 503."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from index.errors import StoreError
from index.evidence import TamperedEvidence
from vigil.services.errors import NotFound, Unavailable, UsageError

log = logging.getLogger(__name__)

#: Service exceptions and their HTTP status.
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (UsageError, 400),
    (NotFound, 404),
    (StoreError, 503),
    (Unavailable, 503),
    (TamperedEvidence, 500),
)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    for kind, status in STATUS:
        app.add_exception_handler(kind, _service_handler(status))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "query")
        return _error(400, f"{where}: {first.get('msg', 'invalid value')}")


def _service_handler(status: int):
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        if status >= 500:
            log.warning("API %s: %s", request.url.path, exc)
        message = "the index is unavailable" if isinstance(exc, StoreError) else str(exc)
        return _error(status, message)

    return handler
