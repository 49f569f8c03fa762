"""Running crawls in this process: the plain function behind `vigil crawl` and `vigil demo`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.config import MarketConfig
from crawler.spider import MarketSpider

# Exit codes shared by every command.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NEEDS_SESSION, EXIT_PARTIAL = 0, 1, 2, 3, 4
STATUS_EXIT = {
    "ok": EXIT_OK,
    "failed": EXIT_FAILED,
    "needs_session": EXIT_NEEDS_SESSION,
    "partial": EXIT_PARTIAL,
}
SEVERITY = ("failed", "needs_session", "partial", "ok")  # most severe first


@dataclass
class CrawlOutcome:
    market: str
    status: str  # ok | partial | needs_session | failed | waiting_for_browser
    run_id: int | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return int(self.stats.get(f"vigil/{name}", 0) or 0)


def waiting_reason(config: MarketConfig) -> str | None:
    """Why a market cannot be crawled yet by this build (None when it can)."""
    if config.render == "browser":
        return "waiting for browser rendering (render: browser)"
    return None


def crawl_settings(
    *, data_dir: Path, config_dir: Path, overrides: dict[str, Any] | None = None
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("VIGIL_DATA_DIR", str(data_dir), priority="cmdline")
    settings.set("VIGIL_CONFIG_DIR", str(config_dir), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def crawl_markets(
    markets: list[MarketConfig],
    settings: Settings,
    mirrors: dict[str, list[str]] | None = None,
) -> list[CrawlOutcome]:
    """Crawl markets concurrently (each on its own hosts); blocks until all are done.

    Scrapy's reactor runs once per process, so call this once per process.
    """
    mirrors = mirrors or {}
    process = CrawlerProcess(settings)
    crawlers = []
    for config in markets:
        crawler = process.create_crawler(MarketSpider)
        process.crawl(crawler, market=config.id, mirror=",".join(mirrors.get(config.id, [])))
        crawlers.append((config.id, crawler))
    process.start()
    outcomes = []
    for market, crawler in crawlers:
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        outcomes.append(
            CrawlOutcome(
                market=market,
                status=str(stats.get("vigil/run_status", "failed")),
                run_id=stats.get("vigil/run_id"),
                stats=stats,
            )
        )
    return outcomes


def exit_code(outcomes: list[CrawlOutcome]) -> int:
    statuses = {o.status for o in outcomes if o.status in STATUS_EXIT}
    for status in SEVERITY:
        if status in statuses:
            return STATUS_EXIT[status]
    return EXIT_OK
