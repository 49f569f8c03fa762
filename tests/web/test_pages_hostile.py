"""Hostile text from a market stays inert on every page: a listing and a vendor whose fields
carry script tags, event handlers, `javascript:` URLs, SVG, CSS, template syntax and bidi
overrides, written into a private copy of the demo index as a crawl would store them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from web_client import logged_in, private_data, web_settings

from index import open_store, open_vault
from index.records import CrawlRun, Evidence, Listing, Price, Vendor
from vigil.accounts import Accounts
from vigil.web.app import create_app

PASSWORD = "a long enough test password 9"
T0 = datetime(2026, 1, 7, 12, tzinfo=UTC)
TITLE = "MDMA 10g \u202e<script>window.pwned=1</script> <img src=x onerror=alert(1)> {{7*7}}"
DESCRIPTION = ('<svg onload=alert(2)></svg>\n<a href="javascript:alert(3)">click</a>\n'
               '<style>body{display:none}</style>\u2066hidden\u2069 </script><script>alert(4)</script>')
VENDOR = '"><b onmouseover=alert(5)>x</b>'  # a "/" too: the alias is one path segment, %2F-encoded
FORMULA = '=HYPERLINK("http://evil.example/","open me")'
PAGE = b"<html><body><h1>x</h1><script>window.pwned=1</script><img src='http://198.51.100.7/x.png'></body></html>"
#: a 1x1 PNG, kept beside the page as a browser-rendered market's screenshot would be (crawler/browser.py)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture(scope="module")
def client(demo_index, tmp_path_factory):
    data = private_data(demo_index.data, tmp_path_factory.mktemp("hostile"))
    settings = web_settings(data)
    store = open_store(settings)
    vault = open_vault(settings)
    try:
        run = store.start_run(CrawlRun(market="nightowl", started_at=T0)).id
        pages = []
        for data, kind, role in ((PAGE, "text/html; charset=utf-8", "listing"),
                                 (PNG, "image/png", "screenshot")):
            sha256, _ = vault.put(data)
            store.add_evidence(Evidence(sha256, "http://x/listing/x-hostile/", T0, 200, len(data), kind))
            pages.append((sha256, role))
        for listing_id, title in (("x-hostile", TITLE), ("x-formula", FORMULA)):
            store.write_listing(Listing(
                market="nightowl", listing_id=listing_id, url="javascript:alert(6)//http://x/", title=title,
                description=DESCRIPTION, vendor=VENDOR, vendor_url="javascript:alert(7)",
                price=Price(Decimal("10"), "EUR", Decimal("10")), ships_from_raw="<i>NL</i>\u202e",
                extraction={"substances": [{"name": "MDMA", "class": "entactogen", "text": "MDMA", "start": 0,
                                            "end": 4, "field": "title", "confidence": 0.9}],
                            "prices": [{"amount": 1, "currency": "EUR", "eur": 1, "field": "title",
                                        "start": 9, "end": 40}]},
                content_hash=listing_id, first_seen=T0, last_seen=T0), None, run,
                pages if listing_id == "x-hostile" else ())
        store.write_vendor(Vendor(market="nightowl", alias=VENDOR, url="javascript:alert(8)",
                                  description=DESCRIPTION, contacts=[{"kind": "wickr", "value": TITLE}],
                                  first_seen=T0, last_seen=T0, terms=TITLE))
    finally:
        store.close()
    Accounts.open(settings).add_user("hal", "admin", PASSWORD)
    return logged_in(create_app(settings), "hal", PASSWORD)


def assert_inert(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        ours = script.get("src", "").startswith("/static/") or script.get("type") == "application/json"
        assert ours, script
    ours = [el for el in soup.find_all(["img", "iframe"]) if el.get("src", "").startswith("/evidence/")]
    assert [el for el in soup.find_all(["img", "svg", "style", "b", "i", "iframe"]) if el not in ours] == []
    for element in soup.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on")], element
        for value in element.attrs.values():
            assert "javascript:" not in str(value).lower(), element
    assert "\u202e" not in html and "\u2066" not in html and "\u2069" not in html
    assert ">49<" not in html


def test_the_listing_page_keeps_hostile_fields_as_text(client):
    response = client.get("/listings/nightowl/x-hostile")
    assert response.status_code == 200
    assert_inert(response.text)
    soup = BeautifulSoup(response.text, "html.parser")
    title = soup.select_one("h1.listing-title")
    assert title.get_text() == TITLE.replace("\u202e", "<U+202E>")
    assert [m.get_text() for m in title.select("mark")] == ["MDMA", TITLE[9:40].replace("\u202e", "<U+202E>")]
    assert title.select_one("mark.x-price span.cc").get_text() == "<U+202E>"
    assert "<U+2066>hidden<U+2069>" in soup.select_one("div.description").get_text()
    assert soup.select_one("#vendor-link").get_text() == VENDOR
    url = next(d for d in soup.select("dl.fields dt") if d.get_text() == "URL").find_next_sibling("dd")
    assert url.get_text() == "javascript:alert(6)//http://x/" and url.find("a") is None


def test_search_results_vendor_page_and_json_export_keep_them_as_text(client):
    search = client.get("/search?market=nightowl&sort=-first_seen")
    assert_inert(search.text)
    assert TITLE.replace("\u202e", "") not in search.text
    vendor = client.get("/vendors/nightowl/" + quote(VENDOR, safe=""))
    assert vendor.status_code == 200
    assert_inert(vendor.text)
    assert BeautifulSoup(vendor.text, "html.parser").select_one("h1.vendor-alias").get_text() == VENDOR
    exported = client.get("/export.json?market=nightowl&sort=-first_seen").json()
    assert {x["title"] for x in exported} >= {TITLE, FORMULA}  # the data itself is kept as it was


def test_a_csv_export_quotes_a_formula_title(client):
    text = client.get("/export.csv?market=nightowl&sort=-first_seen").text
    assert "'=HYPERLINK(" in text and ",=HYPERLINK(" not in text and "\n=HYPERLINK(" not in text


def test_the_evidence_viewer_shows_the_screenshot_kept_beside_a_page(client):
    soup = BeautifulSoup(client.get("/listings/nightowl/x-hostile").text, "html.parser")
    hashes = [a.get_text() for a in soup.select("table.evidence a.hash")]
    page_sha = next(h for h in hashes if client.get(f"/evidence/{h}/image").status_code == 404)
    viewer = client.get(f"/evidence/{page_sha}")
    assert_inert(viewer.text)
    shots = BeautifulSoup(viewer.text, "html.parser").select("figure img.shot")
    assert len(shots) == 1
    image = client.get(shots[0]["src"])
    assert image.status_code == 200 and image.content == PNG and image.headers["content-type"] == "image/png"
    frame = client.get(f"/evidence/{page_sha}/frame")
    assert frame.content == PAGE and "sandbox" in frame.headers["content-security-policy"]
    source = BeautifulSoup(viewer.text, "html.parser").select_one("pre#source").get_text()
    assert source == PAGE.decode()
