"""Running crawls in this process: the plain functions behind `vigil crawl` and `vigil demo`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.config import ConfigError, MarketConfig, load_market, load_markets, with_mirrors
from crawler.progress import figures
from crawler.secrets import SecretsError, read_secrets
from index.errors import StoreError
from index.factory import check_writable
from vigil import exit_codes
from vigil.services.errors import Unavailable, UsageError
from vigil.settings import Settings


@dataclass
class CrawlOutcome:
    market: str
    status: str  # ok | partial | needs_session | failed
    run_id: int | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return int(self.stats.get(f"vigil/{name}", 0) or 0)

    @property
    def figures(self) -> dict[str, Any]:
        """Pages, listings, vendors, errors, as the live progress counts them."""
        return figures(self.stats)

    @property
    def message(self) -> str:
        """Why the crawl stopped, when it stopped on something the operator must act on."""
        return str(self.stats.get("vigil/close_message", ""))


def select_markets(
    settings: Settings, market_ids: list[str], *, all_markets: bool = False,
    mirrors: dict[str, list[str]] | None = None,
) -> list[MarketConfig]:
    """The configs to crawl (`--all`: every enabled one), with mirror overrides applied.
    Raises UsageError for unknown markets or invalid configs, and for a Tor or `.onion`
    market without a proxy (fail closed: refused before any request)."""
    if not market_ids and not all_markets:
        raise UsageError("name a market or use --all (see `vigil markets list`)")
    mirrors = mirrors or {}
    try:
        if all_markets:
            configs = [c for c in load_markets(settings.markets_dir).values() if c.enabled]
        else:
            configs = [load_market(settings.markets_dir, m) for m in dict.fromkeys(market_ids)]
        unknown = sorted(set(mirrors) - {c.id for c in configs})
        if unknown:
            raise UsageError(f"--mirror names a market not being crawled: {', '.join(unknown)}")
        configs = [with_mirrors(c, mirrors[c.id]) if c.id in mirrors else c for c in configs]
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return configs


def check_proxies(settings: Settings, markets: list[MarketConfig]) -> None:
    """Every proxy the markets go through answers, before the first request (raises
    Unavailable naming the market and the proxy). A market is never fetched around its proxy."""
    from crawler.tor import check_reachable, market_proxy, redacted  # lazy: Scrapy loads on use

    for config in markets:
        proxy = market_proxy(config, settings.tor_proxy)
        if proxy is None:
            continue
        problem = check_reachable(proxy)
        if problem:
            hint = " (is tor running? see README, Tor)" if config.needs_anonymity else ""
            raise Unavailable(
                f"{config.id}: the proxy at {redacted(proxy)} does not answer: {problem}{hint}; "
                "nothing was fetched (fail closed)"
            )


def check_browser(settings: Settings, markets: list[MarketConfig]) -> None:
    """Chromium is there when a market renders in a browser (raises Unavailable naming the
    Debian package): such a market is never read any other way."""
    from crawler.browser import chromium_problem  # lazy: Scrapy loads on use

    browser_markets = [c.id for c in markets if c.render == "browser"]
    problem = chromium_problem(settings.chromium) if browser_markets else None
    if problem:
        raise Unavailable(f"{', '.join(browser_markets)}: {problem}")


def check_resumable(settings: Settings, markets: list[MarketConfig]) -> None:
    """Each market has a crawl to resume: an interrupted one left its frontier (raises
    UsageError saying why not; then crawl without --resume)."""
    from crawler.frontier import resume_problem

    if settings.scheduler == "redis":
        raise UsageError(
            "--resume takes over a local frontier; with scheduler: redis the frontier is in Redis "
            "and a new worker joins the open run instead (docs/operations.md, Scale-out)"
        )
    problems = [p for c in markets if (p := resume_problem(settings.data_dir, c.id))]
    if problems:
        raise UsageError("; ".join(problems))


def preflight(settings: Settings) -> None:
    """What must hold before the first request: a writable data folder, a readable rate
    table and secrets file (raises StoreError, SettingsError or UsageError naming the file),
    and with `scheduler: redis`, a Redis that answers (Unavailable)."""
    check_writable(settings)
    if settings.scheduler == "redis":
        check_redis(settings.redis_url)
    settings.rates  # noqa: B018 (reads and validates the rate table of the config dir)
    try:
        read_secrets(settings.secrets_file)
    except SecretsError as exc:
        raise UsageError(str(exc)) from None


def check_redis(url: str) -> None:
    """The Redis holding the shared frontiers answers (raises Unavailable; no password shown)."""
    import redis

    from crawler.tor import redacted

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise Unavailable(
            f"the Redis at {redacted(url)} (scheduler: redis) does not answer: {exc}; nothing was fetched"
        ) from None
    finally:
        client.close()


def crawl_markets(
    settings: Settings, markets: list[MarketConfig], overrides: dict[str, Any] | None = None,
    spider_args: dict[str, str] | None = None,
) -> list[CrawlOutcome]:
    """Crawl markets concurrently (each on its own hosts, one index writer); blocks until all
    are done. Scrapy's reactor runs once per process, so call this once per process.
    `spider_args` go to every market's spider (`-a NAME=VALUE`), e.g. its schedule slot."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spider import MarketSpider

    process = CrawlerProcess(settings.scrapy_settings(overrides))
    crawlers = []
    for config in markets:
        crawler = process.create_crawler(MarketSpider)
        process.crawl(crawler, market=config.id, mirror=",".join(config.mirrors),
                      access=config.access.model_dump_json(exclude_defaults=True) or "{}",
                      **(spider_args or {}))
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


def schedule_args(slot: str | None, trigger: str | None, *, now: bool, clock: str) -> dict[str, str]:
    """Spider arguments naming the schedule slot a crawl serves: `--now` is a manual run whose
    slot is the present time (the `clock` setting when set), shown in the schedule's history."""
    from datetime import UTC, datetime

    from crawler.schedule import SLOT_ARG, TRIGGER_ARG, TRIGGERS, parse_slot

    if now and (slot or trigger):
        raise UsageError("--now is a manual run: it takes no --schedule-slot or --schedule-trigger")
    if now:
        at = datetime.fromisoformat(clock) if clock else datetime.now(UTC)
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        return {SLOT_ARG: at.astimezone(UTC).replace(microsecond=0).isoformat(), TRIGGER_ARG: "manual"}
    if not slot:
        if trigger:
            raise UsageError("--schedule-trigger needs --schedule-slot")
        return {}
    try:
        parsed = parse_slot(slot)
    except ValueError as exc:
        raise UsageError(f"--schedule-slot: {exc}; expected an ISO 8601 time with its offset") from None
    trigger = trigger or "scheduled"
    if trigger not in TRIGGERS:
        raise UsageError(f"--schedule-trigger: {trigger!r}; expected one of {', '.join(TRIGGERS)}")
    return {SLOT_ARG: parsed.astimezone(UTC).isoformat(), TRIGGER_ARG: trigger}


def exit_code(outcomes: list[CrawlOutcome]) -> int:
    """The most severe status of the crawled markets."""
    statuses = [o.status for o in outcomes]
    return exit_codes.for_statuses(statuses) if statuses else exit_codes.FAILED


__all__ = [
    "CrawlOutcome",
    "StoreError",
    "check_browser",
    "check_proxies",
    "check_redis",
    "check_resumable",
    "crawl_markets",
    "exit_code",
    "preflight",
    "schedule_args",
    "select_markets",
]
