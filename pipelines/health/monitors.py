"""The health checks as a Spidermon monitor suite, run when the spider closes.

Wired by settings (crawler/settings.py): Spidermon's extension, ordered before the crawl-run
extension so that its close monitors run before `pipelines.runs` writes the run record, and
`SPIDERMON_SPIDER_CLOSE_MONITORS` naming `HealthMonitorSuite`. Each monitor runs one check of
`pipelines.health.checks` and fails on an error-severity alert (warnings pass, but are kept);
the suite's actions then put every alert in the stats (`vigil/health/alerts`, and so in the
run record), the log, and the configured sinks. A unit may add its own Spidermon monitors or
actions (Slack, Sentry...) to the same setting.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Action, Monitor, MonitorSuite, monitors

from index.errors import StoreError
from pipelines.context import CrawlContext
from pipelines.health import checks
from pipelines.health.checks import ALERTS_STAT, DELIVERED_STAT, Alert, Thresholds
from pipelines.health.sinks import SinkConfig, dispatch
from pipelines.runs import run_status

__unittest = True  # a failed monitor's report shows its message, not this module's frames

logger = logging.getLogger(__name__)
# Spidermon 1.27 reports through `Spider.log()`, which Scrapy 2.19 deprecates: one warning a run
warnings.filterwarnings("ignore", r"Spider\.log\(\) is deprecated", ScrapyDeprecationWarning, r"spidermon\.")


@dataclass
class HealthRun:
    """What the monitors of one run share: its stats, status and history, and the alerts."""

    market: str
    run_id: int | None
    status: str
    stats: dict[str, Any]
    history: list[dict[str, Any]]
    thresholds: Thresholds
    alerts: dict[tuple[str, str | None], Alert] = field(default_factory=dict)
    checked: bool = True  # False when no run started (another crawl holds the lock...)

    @classmethod
    def of(cls, crawler: Crawler) -> HealthRun:
        found: HealthRun | None = getattr(crawler, "_vigil_health", None)
        if found is None:
            found = cls.prepare(crawler)
            crawler._vigil_health = found  # type: ignore[attr-defined]
        return found

    @classmethod
    def prepare(cls, crawler: Crawler) -> HealthRun:
        assert crawler.stats is not None
        stats = dict(crawler.stats.get_stats())
        thresholds = Thresholds.read(crawler.settings.get)
        context: CrawlContext | None = getattr(crawler, "_vigil_context", None)
        market = str(getattr(crawler.spider, "market_id", "?"))
        if context is None or stats.get("vigil/worker/role") == "joiner":
            # no run started, or a worker that joined another's run (`scheduler: redis`):
            # the run's opener checks the run, with every worker's counts
            return cls(market, None if context is None else context.run.id, "failed", stats, [],
                       thresholds, checked=False)
        status = run_status(str(stats.get("finish_reason") or "finished"), stats)
        return cls(market, context.run.id, status, stats, _history(context, thresholds), thresholds)

    def record(self, found: Sequence[Alert]) -> list[Alert]:
        for alert in found:
            self.alerts[(alert.kind, alert.field)] = alert
        return list(found)


def _history(context: CrawlContext, thresholds: Thresholds) -> list[dict[str, Any]]:
    """Stats of the market's latest complete runs before this one, newest first."""
    try:
        runs = context.store.runs(context.run.market, max(20, 4 * thresholds.history))
    except StoreError as exc:
        logger.warning("%s: no run history for the health checks (%s): absolute checks only",
                       context.run.market, exc)
        return []
    earlier = [r for r in runs if r.status == "ok" and r.id != context.run.id]
    return [r.stats for r in earlier[: thresholds.history]]


class HealthMonitor(Monitor):
    @property
    def health(self) -> HealthRun:
        return HealthRun.of(self.data.crawler)

    def check(self, run_check: Callable[[HealthRun], list[Alert]]) -> None:
        """Record what a check finds on this run; fail on an error-severity alert."""
        health = self.health
        found = run_check(health) if health.checked else []
        errors = [a.message for a in health.record(found) if a.severity == "error"]
        if errors:
            self.fail("\n".join(errors))


@monitors.name("Run")
class RunMonitor(HealthMonitor):
    @monitors.name("the run did not fail")
    def test_run_did_not_fail(self) -> None:
        self.check(lambda h: checks.check_run(h.market, h.stats, h.status))


@monitors.name("Session")
class SessionMonitor(HealthMonitor):
    @monitors.name("the session held")
    def test_session_held(self) -> None:
        self.check(lambda h: checks.check_session(h.market, h.stats, h.status))


@monitors.name("Mirrors")
class MirrorMonitor(HealthMonitor):
    @monitors.name("the mirrors answered")
    def test_mirrors_answered(self) -> None:
        self.check(lambda h: checks.check_mirrors(h.market, h.stats))


@monitors.name("Listings")
class ItemCountMonitor(HealthMonitor):
    @monitors.name("no collapse in listings read")
    def test_no_collapse(self) -> None:
        self.check(lambda h: checks.check_item_count(h.market, h.stats, h.history, h.thresholds))


@monitors.name("Fields")
class FieldFillMonitor(HealthMonitor):
    @monitors.name("fields still filled")
    def test_fields_filled(self) -> None:
        self.check(lambda h: checks.check_fill_rates(h.market, h.stats, h.history, h.thresholds))


@monitors.name("Requests")
class RequestRateMonitor(HealthMonitor):
    @monitors.name("error and ban rates")
    def test_error_and_ban_rates(self) -> None:
        self.check(lambda h: checks.check_rates(h.market, h.stats, h.history, h.thresholds))


class RecordAlerts(Action):
    """Every alert into the stats (and so the run record) and the log."""

    def run_action(self) -> None:
        crawler: Crawler = self.data.crawler
        health = HealthRun.of(crawler)
        if not health.checked:
            return
        alerts = list(health.alerts.values())
        assert crawler.stats is not None
        crawler.stats.set_value(ALERTS_STAT, [a.to_json() for a in alerts])
        for alert in alerts:
            level = logging.ERROR if alert.severity == "error" else logging.WARNING
            logger.log(level, "health alert (%s): %s", alert.kind, alert.message)


class SendAlerts(Action):
    """The alerts to the configured sinks (webhook, e-mail); a failing sink is only logged."""

    def run_action(self) -> None:
        crawler: Crawler = self.data.crawler
        health = HealthRun.of(crawler)
        alerts = list(health.alerts.values())
        if not health.checked or not alerts:
            return
        config = SinkConfig.read(crawler.settings.get)
        delivered = dispatch(config, health.market, health.run_id, health.status, alerts)
        assert crawler.stats is not None
        crawler.stats.set_value(DELIVERED_STAT, delivered)


class HealthMonitorSuite(MonitorSuite):
    monitors = [  # noqa: RUF012 (Spidermon's declarative lists)
        RunMonitor, SessionMonitor, MirrorMonitor, ItemCountMonitor, FieldFillMonitor, RequestRateMonitor,
    ]
    monitors_finished_actions = [RecordAlerts, SendAlerts]  # noqa: RUF012
