"""The walk's pages (start, category, pagination) are fetched once per crawl and by every crawl:
no duplicate filter that outlives a crawl can hold them back; listing pages keep stable
fingerprints (`crawler.fingerprint`)."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.fingerprint import RoleFingerprinter

URL = "http://127.0.0.1:8733/shop/?seite=2"


def fingerprinter() -> RoleFingerprinter:
    return RoleFingerprinter.from_crawler(get_crawler())


def request(url: str, role: str) -> Request:
    return Request(url, meta={"vigil_role": role})


def test_a_category_page_is_fetched_once_per_crawl_and_again_by_the_next_crawl():
    this_crawl, next_crawl = fingerprinter(), fingerprinter()
    page = request(URL, "category")
    assert this_crawl.fingerprint(page) == this_crawl.fingerprint(request(URL, "category"))
    assert this_crawl.fingerprint(page) != next_crawl.fingerprint(page)


def test_listing_and_vendor_pages_keep_their_fingerprints_across_crawls():
    for role in ("listing", "listing:feedback", "vendor"):
        page = request("http://127.0.0.1:8733/produkt/x-1/", role)
        assert fingerprinter().fingerprint(page) == fingerprinter().fingerprint(page)
    listing = request(URL, "listing")
    assert fingerprinter().fingerprint(listing) != fingerprinter().fingerprint(request(URL, "vendor"))

