"""The health checks: pure functions of (this run's stats, earlier complete runs' stats,
thresholds) -> alerts.

`history` is the stats of the market's earlier complete (`ok`) runs, newest first. Checks that
compare with it (item count, fill rates, the rise of error and ban rates) say nothing until
there are `min_history` such runs; the absolute ones (a lost session, a mirror down, a failed
run, error or ban rates beyond their ceiling) hold from the first run.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pipelines.runs import LISTING_STATS

Severity = Literal["warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("warning", "error")
Stats = Mapping[str, Any]

#: Where a run's alerts are kept (in its stats, and so its run record), and the sinks that took them.
ALERTS_STAT = "vigil/health/alerts"
DELIVERED_STAT = "vigil/health/delivered"
STATUS_COUNT = "downloader/response_status_count/"
FIELDS = "vigil/fields/"
BAN_CODES = (403, 429)


@dataclass(frozen=True)
class Alert:
    kind: str  # item_collapse, field_fill_drop, error_rate, ban_rate, session_lost, mirror_down, run_failed
    market: str
    message: str
    value: float | None
    baseline: float | None
    severity: Severity
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The alert as kept in the run record (`vigil/health/alerts`); `field` only when set."""
        data = asdict(self)
        if self.field is None:
            del data["field"]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alert:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Thresholds:
    """When a check alerts (the `health_*` settings, docs/operations.md)."""

    history: int = 5  # the baseline is the median of this many latest complete runs
    min_history: int = 2  # fewer earlier complete runs: no comparison, absolute checks only
    collapse_ratio: float = 0.5  # listings read below this share of the baseline
    fill_ratio: float = 0.5  # a field's fill rate below this share of its baseline rate
    fill_min_baseline: float = 0.2  # fields filled less often than this are not checked
    rate_increase: float = 0.1  # error or ban rate this much above its baseline (share of requests)
    error_rate_max: float = 0.25  # error rate at or above this: an error, whatever the history
    ban_rate_max: float = 0.5  # ban rate at or above this: an error, whatever the history
    min_requests: int = 20  # rates of smaller runs are noise: not checked

    @classmethod
    def read(cls, get: Callable[[str, Any], Any]) -> Thresholds:
        """From settings: `get("VIGIL_HEALTH_<NAME>", default)`, defaults where unset."""
        values = {}
        for name, spec in cls.__dataclass_fields__.items():
            default = spec.default
            raw = get(f"VIGIL_HEALTH_{name.upper()}", None)
            values[name] = default if raw in (None, "") else type(default)(raw)  # type: ignore[arg-type]
        return cls(**values)


# --- what a run's stats say ----------------------------------------------------------------
def _count(stats: Stats, name: str) -> int:
    try:
        return int(stats.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def listings_read(stats: Stats) -> int:
    """Listings the run read and kept (new, changed, unchanged, reappeared, spooled)."""
    return sum(_count(stats, name) for name in LISTING_STATS)


def _status_counts(stats: Stats) -> dict[int, int]:
    counts = {}
    for name in stats:
        code = name.removeprefix(STATUS_COUNT)
        if code != name and code.isdigit():
            counts[int(code)] = _count(stats, name)
    return counts


def error_count(stats: Stats) -> int:
    """Requests that failed for good, and 5xx answers (each attempt counts)."""
    server_errors = sum(n for code, n in _status_counts(stats).items() if 500 <= code <= 599)
    return _count(stats, "vigil/requests/failed") + server_errors


def ban_count(stats: Stats) -> int:
    """403 and 429 answers, and captcha or queue pages (interstitials)."""
    refused = sum(n for code, n in _status_counts(stats).items() if code in BAN_CODES)
    return refused + _count(stats, "vigil/interstitial/seen")


def requests_made(stats: Stats) -> int:
    return _count(stats, "downloader/request_count")


def rate(stats: Stats, count: Callable[[Stats], int]) -> float | None:
    requests = requests_made(stats)
    return count(stats) / requests if requests else None


def fill_counts(stats: Stats) -> dict[str, tuple[int, int]]:
    """Field -> (filled, seen) from `vigil/fields/<field>/filled` and `.../seen`."""
    counts: dict[str, list[int]] = {}
    for name in stats:
        if not name.startswith(FIELDS):
            continue
        field, _, kind = name.removeprefix(FIELDS).rpartition("/")
        if field and "/" not in field and kind in ("filled", "seen"):
            counts.setdefault(field, [0, 0])[kind == "seen"] = _count(stats, name)
    return {field: (filled, seen) for field, (filled, seen) in counts.items()}


def _baseline(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _recent(history: Sequence[Stats], t: Thresholds) -> Sequence[Stats] | None:
    """The runs the baseline is made of, or None when there are too few to compare with."""
    recent = history[: max(t.history, 1)]
    return recent if len(recent) >= max(t.min_history, 1) else None


# --- the checks ------------------------------------------------------------------------------
def check_item_count(market: str, stats: Stats, history: Sequence[Stats], t: Thresholds) -> list[Alert]:
    """A collapse in the number of listings read, against the median of recent complete runs."""
    recent = _recent(history, t)
    if recent is None:
        return []
    baseline = _baseline([listings_read(h) for h in recent])
    now = listings_read(stats)
    if baseline <= 0 or now >= baseline * t.collapse_ratio:
        return []
    message = (f"{market}: {now} listings read, against a median of {baseline:g} in the last "
               f"{len(recent)} complete runs (alert below {t.collapse_ratio:.0%} of it)")
    return [Alert("item_collapse", market, message, now, baseline, "error")]


def check_fill_rates(market: str, stats: Stats, history: Sequence[Stats], t: Thresholds) -> list[Alert]:
    """A field filled much less often than in recent complete runs: its selector broke."""
    recent = _recent(history, t)
    if recent is None:
        return []
    earlier = [fill_counts(h) for h in recent]
    alerts = []
    for field, (filled, seen) in sorted(fill_counts(stats).items()):
        if not seen:
            continue
        rates = [c[field][0] / c[field][1] for c in earlier if c.get(field, (0, 0))[1]]
        if len(rates) < max(t.min_history, 1):
            continue
        baseline = _baseline(rates)
        now = filled / seen
        if baseline < t.fill_min_baseline or now >= baseline * t.fill_ratio:
            continue
        records = "vendors" if field.startswith("vendor.") else "listings"
        message = (f"{market}: field {field} filled in {now:.0%} of {records} ({filled} of {seen}), "
                   f"against {baseline:.0%} in the last {len(rates)} complete runs: its selector may "
                   "no longer match the market's pages (a layout change?)")
        alerts.append(Alert("field_fill_drop", market, message, round(now, 4), round(baseline, 4),
                            "error" if filled == 0 else "warning", field))
    return alerts


def check_rates(market: str, stats: Stats, history: Sequence[Stats], t: Thresholds) -> list[Alert]:
    """Error rate (failed requests, 5xx) and ban rate (403, 429, captcha or queue pages), each
    a share of the requests made: an error beyond its ceiling, a warning when it rose well above
    the recent complete runs'."""
    requests = requests_made(stats)
    if requests < t.min_requests:
        return []
    recent = _recent(history, t)
    alerts = []
    for kind, count, ceiling, what in (
        ("error_rate", error_count, t.error_rate_max, "failed requests and 5xx answers"),
        ("ban_rate", ban_count, t.ban_rate_max, "403/429 answers and captcha or queue pages"),
    ):
        now = count(stats) / requests
        rates = [r for r in (rate(h, count) for h in recent or ()) if r is not None]
        baseline = _baseline(rates) if recent is not None and len(rates) >= max(t.min_history, 1) else None
        against = ""
        if baseline is not None:
            against = f", against {baseline:.0%} in the last {len(rates)} complete runs"
        if now >= ceiling:
            message = (f"{market}: {now:.0%} of {requests} requests were {what}{against} "
                       f"(alert at {ceiling:.0%})")
            alerts.append(Alert(kind, market, message, round(now, 4), _rounded(baseline), "error"))
        elif baseline is not None and now >= baseline + t.rate_increase:
            message = f"{market}: {now:.0%} of {requests} requests were {what}{against}"
            alerts.append(Alert(kind, market, message, round(now, 4), round(baseline, 4), "warning"))
    return alerts


def check_session(market: str, stats: Stats, status: str) -> list[Alert]:
    """The run lost its session: a login wall, an expired session, a captcha that persisted."""
    if status != "needs_session":
        return []
    read = listings_read(stats)
    when = f" after {read} listings were read (it expired mid-run)" if read else ""
    why = stats.get("vigil/close_message") or "the market asked for a login or a captcha"
    message = f"{market}: the session was lost{when}: {why}"
    signs = _count(stats, "vigil/session/login_wall") + _count(stats, "vigil/interstitial/gave_up")
    return [Alert("session_lost", market, message, signs, None, "error")]


def check_mirrors(market: str, stats: Stats) -> list[Alert]:
    """A mirror that failed for good: the crawl moved to another (a warning), or none answered."""
    failed = _count(stats, "vigil/requests/failed")
    if failed and not _count(stats, "response_received_count"):
        message = f"{market}: no mirror answered: {failed} requests failed and none got a response"
        return [Alert("mirror_down", market, message, failed, None, "error")]
    rotated = _count(stats, "vigil/mirror/rotated")
    if rotated:
        down = stats.get("vigil/mirror/down")
        which = ", ".join(down) if isinstance(down, list) and down else f"{rotated} mirror(s)"
        message = (f"{market}: {which} failed during the run; the crawl went on at "
                   f"{stats.get('vigil/mirror') or 'another mirror'}")
        return [Alert("mirror_down", market, message, rotated, None, "warning")]
    return []


def check_run(market: str, stats: Stats, status: str) -> list[Alert]:
    """A failed run: nothing trustworthy was collected."""
    if status != "failed":
        return []
    why = stats.get("vigil/close_message")
    if not why and not listings_read(stats) and _count(stats, "vigil/pages/category"):
        why = "pages answered but no listing was read (a layout change, or broken selectors?)"
    message = f"{market}: the run failed: {why or stats.get('finish_reason') or 'see the log'}"
    return [Alert("run_failed", market, message, listings_read(stats), None, "error")]


def evaluate(
    market: str, stats: Stats, status: str, history: Sequence[Stats], t: Thresholds | None = None
) -> list[Alert]:
    """Every check on one run (its final `status`, as `pipelines.runs.run_status` gives it)."""
    t = t or Thresholds()
    return [
        *check_run(market, stats, status),
        *check_session(market, stats, status),
        *check_mirrors(market, stats),
        *check_item_count(market, stats, history, t),
        *check_fill_rates(market, stats, history, t),
        *check_rates(market, stats, history, t),
    ]


def worst(alerts: Sequence[Alert] | Sequence[Mapping[str, Any]]) -> Severity | None:
    """The most severe severity among alerts (objects or their JSON), or None."""
    found = {a.severity if isinstance(a, Alert) else a.get("severity") for a in alerts}
    return next((s for s in reversed(SEVERITIES) if s in found), None)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
