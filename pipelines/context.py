"""What the pipelines of one crawl share: the index, the evidence vault, the run, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler

from crawler.clock import Clock
from index.evidence import EvidenceVault
from index.records import CrawlRun
from index.sqlite import SqliteStore
from index.store import Store


@dataclass
class CrawlContext:
    store: Store
    vault: EvidenceVault
    run: CrawlRun
    clock: Clock

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The crawl's context, created (and its run started) on first use."""
        context = getattr(crawler, "_vigil_context", None)
        if context is None:
            data_dir = Path(crawler.settings["VIGIL_DATA_DIR"])
            clock = Clock.from_settings(crawler.settings)
            store = SqliteStore(data_dir / "vigil.sqlite3")
            market = getattr(crawler.spider, "market_id", crawler.spidercls.name)
            run = store.start_run(CrawlRun(market=market, started_at=clock.now()))
            context = cls(store, EvidenceVault(data_dir / "evidence"), run, clock)
            crawler._vigil_context = context  # type: ignore[attr-defined]
        return context
