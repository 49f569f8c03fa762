"""The XSS corpus in a real Chromium: every hostile listing (demo/hostile.py) on the search page,
its listing page, its evidence page, its vendor's page, and the markets and trends pages.

On every page: no payload ran (`window.__vigil_pwned` unset in every frame, no dialog), the
app received no CSP report (a report means something tried to run or load), and no request
left for another host than the app's (the guard aborts and records any). Each payload is
visible as text, and a bidi override or zero-width character as its `<U+XXXX>` marker.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webharness import Guard, HostileIndex, WebApp

from vigil.services.listings import listing_detail
from vigil.settings import load_settings

pytestmark = pytest.mark.browser

#: C0 controls but tab and newline: the crawler drops them from the text it stores.
C0 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def shown(text: str) -> str:
    """What a reader must see of stored `text`: every invisible or bidi character (Unicode
    categories Cc and Cf) as a visible `<U+XXXX>` marker, the rest as it is; spaces collapsed."""
    text = C0.sub("", text)
    marked = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t"
                     else c for c in text)
    return squash(marked)


def squash(text: str) -> str:
    return " ".join(text.split())


def hidden_chars(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) == "Cf"}


@pytest.fixture(scope="module")
def browsing(browser: Any, web_app: WebApp, sign_in: Any) -> Iterator[tuple[Any, Guard]]:
    """An investigator's page (search, view, export, evidence) under a guard, for the module."""
    context = browser.new_context(base_url=web_app.url, storage_state=str(sign_in("investigator")))
    guard = Guard(context, web_app.url)
    page = context.new_page()
    yield page, guard
    context.close()


def visit(page: Any, guard: Guard, web_app: WebApp, path: str) -> str:
    """Open `path`, check nothing ran or left, and return the main content's visible text."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("load")
    guard.check(page, path)
    assert web_app.csp_reports() == 0, f"{path}: the app received a CSP report"
    return squash(page.locator("main").inner_text())


def expect_text(text: str, value: str, where: str) -> None:
    assert shown(value) in text, f"{where}: {shown(value)!r} not shown"
    for char in hidden_chars(value):
        assert char not in text, f"{where}: U+{ord(char):04X} shown raw"


def test_search_pages_show_every_hostile_title_and_vendor_as_text(
    browsing: tuple[Any, Guard], web_app: WebApp, hostile_index: HostileIndex, screenshots: Path
) -> None:
    page, guard = browsing
    seen = ""
    for number in range(1, 10):
        path = f"/search?market=nightowl&status=any&sort=first_seen&page={number}"
        text = visit(page, guard, web_app, path)
        seen += " " + squash(page.locator("table.hits").inner_text())
        if number == 1:
            page.screenshot(path=str(screenshots / "hostile-search.png"), full_page=True)
        if page.locator(f"nav.pages a:text-is('{number + 1}')").count() == 0:
            break
    assert text  # the last page rendered
    for h in hostile_index.hostile:
        if h.field == "title":
            expect_text(seen, hostile_index.listings[h.listing_id].title, f"search: listing {h.listing_id}")
        elif h.field == "vendor":
            expect_text(seen, h.vendor, "search: vendor")
    # the vendor facet lists the hostile aliases too, as text
    facet = squash(page.locator("#facet-vendor").inner_text())
    assert any(shown(h.vendor) in facet for h in hostile_index.hostile if h.field == "vendor")
    # a text search for a payload finds its listing and shows it inertly
    visit(page, guard, web_app, "/search?" + urllib.parse.urlencode({"q": "__vigil_pwned", "status": "any"}))


def test_listing_and_evidence_pages_keep_every_payload_inert(
    browsing: tuple[Any, Guard], web_app: WebApp, hostile_index: HostileIndex, screenshots: Path
) -> None:
    page, guard = browsing
    settings = load_settings(environ={}, data_dir=hostile_index.data)
    listings = sorted({h.listing_id for h in hostile_index.hostile if h.listing_id})
    assert len(listings) >= 30
    for listing_id in listings:
        truth = hostile_index.listings[listing_id]
        stored = listing_detail(settings, "nightowl", listing_id)
        text = visit(page, guard, web_app, f"/listings/nightowl/{listing_id}")
        if listing_id == listings[0]:
            page.screenshot(path=str(screenshots / "hostile-listing.png"), full_page=True)
        expect_text(text, truth.title, f"listing {listing_id}")
        expect_text(text, stored["description"].split("\n")[0], f"listing {listing_id} description")
        expect_text(text, truth.vendor, f"listing {listing_id} vendor")
        own = [p for p in stored["pages"] if p["url"].rstrip("/").endswith(f"/listing/{listing_id}")]
        assert own, stored["pages"]
        text = visit(page, guard, web_app, f"/evidence/{own[0]['sha256']}")
        if listing_id == listings[0]:
            page.screenshot(path=str(screenshots / "hostile-evidence.png"), full_page=True)
        frame = page.locator("iframe#capture")
        assert frame.get_attribute("sandbox") is not None
        assert "allow-scripts" not in (frame.get_attribute("sandbox") or "")
        captured = page.frame_locator("iframe#capture").locator("body")
        # the captured page escaped its title: the sandbox shows the payload as text
        assert squash(C0.sub("", truth.title)) in squash(C0.sub("", captured.inner_text()))
        # and the source, as text, shows what the market served (raw markup included)
        source = page.locator("#source").inner_text()
        for h in hostile_index.hostile:
            if h.listing_id != listing_id or h.field != "description":
                continue
            first = h.payload.split("\n")[0]
            needle = shown(first if h.raw else html.escape(first))  # as nightowl served it
            assert needle in squash(source), f"evidence of {listing_id}: {needle!r} not in the source"
    # the raw markup was live in the sandbox, and its CSP, not luck, kept it from the network
    assert any("198.51.100.7" in url and failure == "csp" for url, _, failure in guard.blocked)


def test_vendor_pages_of_hostile_aliases(
    browsing: tuple[Any, Guard], web_app: WebApp, hostile_index: HostileIndex
) -> None:
    page, guard = browsing
    vendors = [h.vendor for h in hostile_index.hostile if h.field == "vendor"]
    assert len(vendors) >= 8
    for alias in vendors:
        text = visit(page, guard, web_app, "/vendors/nightowl/" + urllib.parse.quote(alias, safe=""))
        expect_text(text, alias, f"vendor {alias!r}")
        # its listings, with their hostile titles, are listed as text
        titles = [t.title for t in hostile_index.listings.values() if t.vendor == alias]
        assert titles
        assert any(shown(t) in text for t in titles), f"vendor {alias!r}: none of its titles shown"


def test_markets_trends_and_runs_pages_stay_inert(browser: Any, web_app: WebApp, sign_in: Any) -> None:
    context = browser.new_context(base_url=web_app.url, storage_state=str(sign_in("admin")))
    guard = Guard(context, web_app.url)
    page = context.new_page()
    try:
        assert "nightowl" in visit(page, guard, web_app, "/markets")
        visit(page, guard, web_app, "/runs")
        visit(page, guard, web_app, "/trends")
    finally:
        context.close()
