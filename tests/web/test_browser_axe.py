"""Accessibility: axe-core (vendored from npm, tests/web/vendor/axe-core) finds no serious or
critical violation on the login, search, listing, evidence, vendor, markets and trends pages.

axe is injected with a script tag, which the app's CSP forbids (no inline or foreign scripts):
the context that runs it bypasses the CSP, and only that context (so it sends no CSP report
either). The captured page inside the evidence viewer's sandbox is the market's, not the app's:
axe skips iframes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from webharness import WebApp

from vigil.services.listings import listing_detail
from vigil.services.search import SearchRequest, search
from vigil.settings import load_settings

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_violations(page: Any) -> list[str]:
    """axe's serious and critical violations of the page, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {iframes: false, resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:160]})"
            for v in result["violations"] if v["impact"] in SERIOUS]


def pages_to_check(web_app: WebApp) -> list[str]:
    settings = load_settings(environ={}, data_dir=web_app.data)
    hit = search(settings, SearchRequest(markets=("nightowl",), status="active", limit=1))["hits"][0]
    detail = listing_detail(settings, hit["market"], hit["listing_id"])
    return ["/search?market=nightowl&status=any",
            f"/listings/{hit['market']}/{hit['listing_id']}",
            f"/evidence/{detail['pages'][0]['sha256']}",
            f"/vendors/{hit['market']}/{hit['vendor']}",
            "/markets", "/trends"]


def test_no_serious_violations_on_the_main_pages(
    browser: Any, web_app: WebApp, sign_in: Any, screenshots: Path
) -> None:
    found: dict[str, list[str]] = {}
    anonymous = browser.new_context(base_url=web_app.url, bypass_csp=True)
    try:
        page = anonymous.new_page()
        page.goto("/login")
        found["/login"] = axe_violations(page)
    finally:
        anonymous.close()
    context = browser.new_context(base_url=web_app.url, bypass_csp=True,
                                  storage_state=str(sign_in("admin")))
    try:
        page = context.new_page()
        for path in pages_to_check(web_app):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            found[path] = axe_violations(page)
        # the check itself can fail: an image without a text alternative is critical to axe
        page.set_content("<html lang=en><title>t</title><main><img src=x.png></main></html>")
        assert any(v.startswith("critical image-alt") for v in axe_violations(page))
    finally:
        context.close()
    assert len(found) == 7
    assert {path: v for path, v in found.items() if v} == {}
