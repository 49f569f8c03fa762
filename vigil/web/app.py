"""`create_app(settings)`: the web app. Server-rendered pages (one router per page group in
`vigil/web/pages/`), static files (our CSS and scripts, vendored htmx and uPlot), A's REST API
at /api/v1, and the security headers on every response (`security.SecurityHeaders`)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.evidence import TamperedEvidence
from vigil.services.errors import NotFound, UsageError
from vigil.settings import Settings
from vigil.web.auth import CsrfRefused, Forbidden, LoginRequired, current_viewer, login_redirect
from vigil.web.render import page
from vigil.web.security import SecurityHeaders
from vigil.web.state import WebState

STATIC = Path(__file__).parent / "static"
MAX_CSP_REPORT = 64 * 1024


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Vigil", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(settings)
    app.add_middleware(SecurityHeaders)
    _errors(app)
    from vigil.web.pages import evidence, exports, listings, login, markets, search, trends, vendors

    for module in (login, search, listings, evidence, vendors, markets, trends, exports):
        app.include_router(module.router)
    _csp_report(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    from vigil.web.api import build_api

    app.mount("/api/v1", build_api(settings))
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_redirect(exc.next_path), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return page(request, "error.html", 403, title="Not allowed",
                    message=f"Your role may not use this page (it needs the {exc.permission!r} permission).")

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, exc: CsrfRefused) -> Response:
        return page(request, "error.html", 403, title="Form expired",
                    message="The form's security token is missing or belongs to another session. "
                            "Go back, reload the page and send it again.")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return page(request, "error.html", 404, title="Not found", message=str(exc))

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError) -> Response:
        return page(request, "error.html", 400, title="Cannot do that", message=str(exc))

    @app.exception_handler(TamperedEvidence)
    async def tampered(request: Request, exc: TamperedEvidence) -> Response:
        return page(request, "error.html", 500, title="Evidence damaged", message=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            request.state.viewer = current_viewer(request)
            return page(request, "error.html", 404, title="Not found", message="There is no such page.")
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code, headers=exc.headers)


def _csp_report(app: FastAPI, settings: Settings) -> None:
    @app.post("/csp-report", include_in_schema=False)
    async def csp_report(request: Request) -> Response:
        """Browsers POST CSP violations here (no login: a report comes from any page)."""
        body = b""
        async for chunk in request.stream():  # read no more than a report needs
            body += chunk
            if len(body) >= MAX_CSP_REPORT:
                break
        body = body[:MAX_CSP_REPORT]
        try:
            report = json.loads(body or b"null")
        except ValueError:
            report = body.decode("utf-8", "replace")
        request.app.state.web.count_csp_report(report)
        return Response(status_code=204)

    if settings.web_test_hooks:
        @app.get("/csp-report/count", include_in_schema=False)
        def csp_count(request: Request) -> JSONResponse:
            return JSONResponse({"count": request.app.state.web.csp_reports})
