"""Evidence: every page an item's fields came from, kept compressed under its SHA-256."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import PageCapture
from index.records import Evidence
from pipelines.context import CrawlContext


class EvidencePipeline:
    def __init__(self, crawler: Crawler, remember: int = 4096) -> None:
        self.crawler = crawler
        self._known: OrderedDict[str, None] = OrderedDict()  # recently stored hashes
        self._remember = remember

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EvidencePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        pages = [kept for page in item.pages for kept in (page, *page.attachments)]
        item.evidence = [self._keep(page) for page in pages]
        item.evidence_pages = [(sha, page.role) for sha, page in zip(item.evidence, pages, strict=True)]
        if getattr(item, "not_modified", ""):  # 304: the stored listing page stands for it
            item.evidence.append(item.not_modified)
            item.evidence_pages.append((item.not_modified, "listing"))
        return item

    def _keep(self, page: PageCapture) -> str:
        digest = page.sha256
        if digest in self._known:  # a category page shared by many cards
            self._known.move_to_end(digest)
            return digest
        context = CrawlContext.of(self.crawler)
        stored, new = context.vault.put(page.body)
        if stored != digest:  # the bytes changed between capture and storage: never cite them
            raise ValueError(f"page {page.url} hashed to {stored}, captured as {digest}")
        context.store.add_evidence(
            Evidence(
                sha256=digest,
                url=page.url,
                fetched_at=page.fetched_at,
                status=page.status,
                size=len(page.body),
                content_type=page.content_type,
            )
        )
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("vigil/evidence/stored" if new else "vigil/evidence/already_kept")
        self._known[digest] = None
        if len(self._known) > self._remember:
            self._known.popitem(last=False)
        return digest
