"""Request fingerprints carry the page's role and are stable across processes
(`crawler.fingerprint`); that every crawl reads the walk's pages again is tested end to end in
tests/test_recrawl.py."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.fingerprint import RoleFingerprinter

URL = "http://127.0.0.1:8733/shop/?seite=2"


def fingerprinter() -> RoleFingerprinter:
    return RoleFingerprinter.from_crawler(get_crawler())


def request(url: str, role: str) -> Request:
    return Request(url, meta={"vigil_role": role})


def test_fingerprints_are_stable_across_processes_and_carry_the_role():
    """A resumed crawl and the workers of one run recognise each other's requests."""
    page = request(URL, "category")
    assert fingerprinter().fingerprint(page) == fingerprinter().fingerprint(request(URL, "category"))
    assert fingerprinter().fingerprint(page) != fingerprinter().fingerprint(request(URL, "listing"))


def test_listing_and_vendor_pages_keep_their_fingerprints_across_crawls():
    for role in ("listing", "listing:feedback", "vendor"):
        page = request("http://127.0.0.1:8733/produkt/x-1/", role)
        assert fingerprinter().fingerprint(page) == fingerprinter().fingerprint(page)
    listing = request(URL, "listing")
    assert fingerprinter().fingerprint(listing) != fingerprinter().fingerprint(request(URL, "vendor"))

