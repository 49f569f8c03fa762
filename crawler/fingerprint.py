"""Request fingerprints that include the page's role, so that one URL can play several roles.

A market may serve a listing and a vendor profile at the same URL, or link a start page as a
category: Scrapy's duplicate filter would drop the second request and with it the records of
the second role. Here the role (`request.meta["vigil_role"]`) is part of the fingerprint; the
same URL in the same role is still fetched once.

The walk's pages (start, category and pagination pages: role `category`) are fetched once per
crawl and in every crawl: their fingerprints also carry a value drawn when the crawl starts, so
that no duplicate filter that outlives a crawl (a job directory, a shared Redis) can keep the
next crawl from reading them again. Listing and vendor pages keep stable fingerprints.
"""

from __future__ import annotations

import hashlib
import secrets

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.request import RequestFingerprinter

#: Roles re-read by every crawl (`MarketSpider`: start, category and pagination pages).
WALK_ROLES = frozenset({"category"})


class RoleFingerprinter:
    def __init__(self, crawler: Crawler | None = None) -> None:
        self._plain = RequestFingerprinter(crawler)
        # one value per crawl (per process: workers sharing one crawl's frontier across
        # processes would have to share this value too)
        self._walk = secrets.token_hex(8).encode()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoleFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        plain = self._plain.fingerprint(request)
        role = request.meta.get("vigil_role")
        if not role:
            return plain
        if role in WALK_ROLES:
            return hashlib.sha1(plain + b"\0" + str(role).encode() + b"\0" + self._walk).digest()
        return hashlib.sha1(plain + b"\0" + str(role).encode()).digest()
