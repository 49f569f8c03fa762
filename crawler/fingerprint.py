"""Request fingerprints that include the page's role, so that one URL can play several roles.

A market may serve a listing and a vendor profile at the same URL, or link a start page as a
category: Scrapy's duplicate filter would drop the second request and with it the records of
the second role. Here the role (`request.meta["vigil_role"]`) is part of the fingerprint; the
same URL in the same role is still fetched once.

No duplicate filter outlives a crawl, so the walk's pages (start, category, pagination) are
read again by every crawl: a crawl starts a fresh frontier (`crawler.frontier`; only `--resume`
takes over an interrupted one, whose done pages must not be fetched twice), and the shared
frontier in Redis is cleared when a run opens (`pipelines.run_group`). Fingerprints are stable
across processes, as the resumed crawl and the workers of one run need.
"""

from __future__ import annotations

import hashlib

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.request import RequestFingerprinter


class RoleFingerprinter:
    def __init__(self, crawler: Crawler | None = None) -> None:
        self._plain = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoleFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        plain = self._plain.fingerprint(request)
        role = request.meta.get("vigil_role")
        if not role:
            return plain
        return hashlib.sha1(plain + b"\0" + str(role).encode()).digest()
