"""An investigator's journey through the app in a real Chromium: log in, search with facets, open a
listing, view its evidence in the sandbox, open the vendor, export the search as CSV, log out
(and the old session cookie no longer lets anyone in). A screenshot of each page is written
under the session's `screenshots` folder; the audit log has every step, with the case."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from webharness import Guard, WebApp, log_in

from vigil.accounts import AuditLog
from vigil.services.search import SearchRequest, search
from vigil.settings import load_settings

pytestmark = pytest.mark.browser

CASE = "OP-2026/17"
VIEWPORT = {"width": 1280, "height": 800}


def test_investigator_journey(browser: Any, web_app: WebApp, screenshots: Path) -> None:
    context = browser.new_context(base_url=web_app.url, accept_downloads=True, viewport=VIEWPORT)
    guard = Guard(context, web_app.url)
    page = context.new_page()
    settings = load_settings(environ={}, data_dir=web_app.data)
    shots: list[Path] = []

    def shot(name: str) -> None:
        guard.check(page, name)
        shots.append(screenshots / f"journey-{len(shots) + 1:02d}-{name}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)

    try:
        # log in: a page behind the login sends us to the form
        page.goto("/search")
        assert "/login" in page.url
        shot("login")
        name, password = web_app.users["investigator"]
        log_in(page, name, password)
        page.locator("#case-ref").fill(CASE)
        page.locator("form.case button").click()
        page.wait_for_load_state("load")
        assert page.locator("#case-ref").input_value() == CASE

        # search with facets: one market, then one substance class the facet offers
        page.goto("/search")
        page.locator("#facet-market input[value='rc-labor']").check()
        page.locator("#search-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"market=rc-labor"))
        klass = page.locator("#facet-class input").first.get_attribute("value")
        assert klass
        page.locator(f"#facet-class input[value='{klass}']").check()
        page.locator("#search-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"class="))
        search_url = page.url
        total = int(re.match(r"\d+", page.locator("#results-title").inner_text()).group(0))
        expected = search(settings, SearchRequest(markets=("rc-labor",), classes=(klass,), status="any",
                                                  limit=1))["total"]
        assert total == expected > 0
        rows = page.locator("tr.hit")
        assert rows.count() == min(total, 25)
        shown = [(row.locator("td").nth(4).inner_text(), row.locator("a").first.get_attribute("href"))
                 for row in rows.all()]
        assert {market for market, _ in shown} == {"rc-labor"}
        shot("search")

        # open a listing
        title = rows.first.locator("a").first.inner_text()
        rows.first.locator("a").first.click()
        page.wait_for_url(re.compile(r"/listings/rc-labor/"))
        assert " ".join(page.locator("h1").inner_text().split()) == " ".join(title.split())
        listing_url = page.url
        shot("listing")

        # its evidence, rendered only inside the sandbox
        page.locator("table.evidence a.hash").first.click()
        page.wait_for_url(re.compile(r"/evidence/[0-9a-f]{64}$"))
        frame = page.locator("iframe#capture")
        assert frame.get_attribute("sandbox") == ""  # every restriction: no scripts, no same origin
        assert " ".join(title.split()) in " ".join(page.frame_locator("iframe#capture").locator("body")
                                                   .inner_text().split())
        sha256 = page.url.rsplit("/", 1)[1]
        assert page.locator("#sha256").inner_text() == sha256
        shot("evidence")

        # the vendor
        page.goto(listing_url)
        page.locator("#vendor-link").click()
        page.wait_for_url(re.compile(r"/vendors/rc-labor/"))
        assert page.locator("h1").inner_text() == "RC-Labor"
        shot("vendor")

        # export the search as CSV: the same listings as the search
        page.goto(search_url)
        with page.expect_download() as download:
            page.locator("#export-csv").click()
        path = Path(download.value.path())
        with path.open(encoding="utf-8-sig", newline="") as handle:
            exported = list(csv.DictReader(handle))
        assert len(exported) == total
        assert {r["market"] for r in exported} == {"rc-labor"}
        ids = {r["listing_id"] for r in exported}
        assert {href.rsplit("/", 1)[1] for _, href in shown} <= ids
        assert title in {r["title"] for r in exported}

        # log out; the old session cookie no longer works
        old = context.cookies()
        assert any(c["name"] == "vigil_session" for c in old)
        page.locator("form.logout button").click()
        page.wait_for_url(re.compile(r"/login"))
        shot("logged-out")
        assert web_app.csp_reports() == 0
    finally:
        context.close()
    replay = browser.new_context(base_url=web_app.url)
    try:
        replay.add_cookies(old)
        again = replay.new_page()
        again.goto("/search")
        assert "/login" in again.url
    finally:
        replay.close()

    # the audit log has each step, with the case reference from the header bar
    entries = AuditLog.open(settings).entries(user=name, limit=1000)
    actions = {e["action"] for e in entries}
    assert {"login", "search", "view_listing", "view_evidence", "view_vendor", "export", "logout"} <= actions
    assert all(e["case"] == CASE for e in entries if e["action"] in ("view_listing", "export"))
    assert all(p.stat().st_size > 5_000 for p in shots)
