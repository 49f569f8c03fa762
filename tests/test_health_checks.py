"""The crawl health checks as pure functions: (this run's stats, earlier complete runs' stats,
thresholds) -> alerts; the fields each listing is counted for; sinks that fail."""

from __future__ import annotations

import logging

import pytest
from alert_sinks import free_port, smtp_sink, webhook_receiver

from crawler.config import load_market
from demo import World
from pipelines.health.checks import (
    Alert,
    Thresholds,
    check_fill_rates,
    check_item_count,
    check_mirrors,
    check_rates,
    check_run,
    check_session,
    evaluate,
    worst,
)
from pipelines.health.fields import expected_fields, expected_vendor_fields, is_filled
from pipelines.health.sinks import SinkConfig, dispatch, webhook_host
from vigil.settings import PROJECT_ROOT, Settings

T = Thresholds()


def stats(
    listings: int = 40,
    fields: dict[str, tuple[int, int]] | None = None,
    requests: int = 100,
    codes: dict[int, int] | None = None,
    **extra: object,
) -> dict[str, object]:
    """A run's stats as the crawler keeps them: listings, fill counts, requests, answers."""
    out: dict[str, object] = {
        "vigil/listings/unchanged": listings,
        "vigil/pages/category": 3,
        "downloader/request_count": requests,
        "response_received_count": requests,
    }
    fields = fields or {"title": (listings, listings), "vendor": (listings, listings)}
    for field, (filled, seen) in fields.items():
        out[f"vigil/fields/{field}/seen"] = seen
        if filled:
            out[f"vigil/fields/{field}/filled"] = filled
    for code, count in (codes or {200: requests}).items():
        out[f"downloader/response_status_count/{code}"] = count
    out.update({k.replace("__", "/"): v for k, v in extra.items()})
    return out


HISTORY = [stats(), stats(), stats()]


def kinds(alerts: list[Alert]) -> list[str]:
    return [a.kind for a in alerts]


def test_a_run_like_the_recent_ones_raises_nothing():
    now = stats(listings=38, fields={"title": (38, 38), "vendor": (37, 38)})
    assert evaluate("m", now, "ok", HISTORY) == []


def test_a_collapse_in_listings_read_is_an_error_against_the_median():
    (alert,) = check_item_count("rc-labor", stats(listings=12), HISTORY, T)
    assert (alert.kind, alert.market, alert.severity) == ("item_collapse", "rc-labor", "error")
    assert (alert.value, alert.baseline) == (12, 40)
    assert "12 listings read" in alert.message and "median of 40" in alert.message


def test_a_moderate_dip_is_not_a_collapse():
    assert check_item_count("m", stats(listings=25), HISTORY, T) == []


def test_the_baseline_is_the_median_of_the_last_k_complete_runs():
    history = [stats(listings=40), stats(listings=10), stats(listings=40), stats(listings=1000)]
    t = Thresholds(history=3)
    assert check_item_count("m", stats(listings=21), history, t) == []  # median of 40, 10, 40
    assert kinds(check_item_count("m", stats(listings=19), history, t)) == ["item_collapse"]


def test_a_field_no_longer_filled_names_the_market_and_the_field():
    now = stats(fields={"title": (40, 40), "vendor": (0, 40)})
    (alert,) = check_fill_rates("rc-labor", now, HISTORY, T)
    assert (alert.kind, alert.market, alert.field, alert.severity) == (
        "field_fill_drop", "rc-labor", "vendor", "error")
    assert (alert.value, alert.baseline) == (0.0, 1.0)
    assert "field vendor" in alert.message and "0 of 40" in alert.message
    assert alert.to_json() == {"kind": "field_fill_drop", "market": "rc-labor", "field": "vendor",
                               "message": alert.message, "value": 0.0, "baseline": 1.0, "severity": "error"}


def test_a_field_filled_much_less_often_is_a_warning():
    (alert,) = check_fill_rates("m", stats(fields={"title": (40, 40), "vendor": (15, 40)}), HISTORY, T)
    assert (alert.field, alert.severity, alert.value) == ("vendor", "warning", 0.375)


def test_a_vendor_field_no_longer_filled_says_vendors():
    history = [stats(fields={"vendor.pgp_key": (10, 10)}) for _ in range(2)]
    (alert,) = check_fill_rates("m", stats(fields={"vendor.pgp_key": (0, 9)}), history, T)
    assert alert.field == "vendor.pgp_key" and "0% of vendors (0 of 9)" in alert.message


def test_fields_seldom_filled_and_fields_without_a_baseline_are_not_checked():
    history = [stats(fields={"title": (40, 40), "stock": (4, 40)}) for _ in range(3)]
    now = stats(fields={"title": (40, 40), "stock": (0, 40), "new_field": (0, 40)})
    assert check_fill_rates("m", now, history, T) == []


def test_a_rising_error_rate_is_a_warning_and_one_beyond_the_ceiling_an_error():
    history = [stats(codes={200: 99, 503: 1}) for _ in range(3)]
    (warning,) = check_rates("m", stats(codes={200: 85, 500: 10}, vigil__requests__failed=5), history, T)
    assert (warning.kind, warning.severity, warning.value, warning.baseline) == (
        "error_rate", "warning", 0.15, 0.01)
    (error,) = check_rates("m", stats(codes={200: 70, 502: 30}), history, T)
    assert (error.kind, error.severity, error.value) == ("error_rate", "error", 0.3)


def test_bans_count_403_429_and_interstitials():
    history = [stats(vigil__interstitial__seen=5) for _ in range(3)]
    (warning,) = check_rates("m", stats(codes={200: 80, 403: 10, 429: 10}), history, T)
    assert (warning.kind, warning.severity, warning.value, warning.baseline) == (
        "ban_rate", "warning", 0.2, 0.05)
    (error,) = check_rates("m", stats(codes={200: 40, 429: 20}, vigil__interstitial__seen=40), history, T)
    assert (error.kind, error.severity, error.value) == ("ban_rate", "error", 0.6)


def test_rates_of_small_runs_are_not_checked():
    assert check_rates("m", stats(requests=10, codes={503: 10}), HISTORY, T) == []


def test_a_lost_session_is_an_error_saying_when_it_was_lost():
    message = "nightowl needs a new session: login wall at http://x/login. Run: vigil session set nightowl"
    (alert,) = check_session("nightowl", stats(listings=25, vigil__close_message=message,
                                               vigil__session__login_wall=1), "needs_session")
    assert (alert.kind, alert.severity, alert.value) == ("session_lost", "error", 1)
    assert "after 25 listings were read (it expired mid-run)" in alert.message
    assert "vigil session set nightowl" in alert.message
    assert check_session("nightowl", stats(), "ok") == []


def test_a_mirror_that_failed_is_a_warning_and_no_mirror_answering_an_error():
    rotated = stats(vigil__mirror__rotated=1, vigil__mirror__down=["http://a.onion"], vigil__mirror="http://b.onion")
    (alert,) = check_mirrors("m", rotated)
    assert (alert.kind, alert.severity) == ("mirror_down", "warning")
    assert "http://a.onion failed" in alert.message and "went on at http://b.onion" in alert.message
    dead = {"downloader/request_count": 4, "vigil/requests/failed": 1}
    (alert,) = check_mirrors("m", dead)
    assert (alert.kind, alert.severity) == ("mirror_down", "error")
    assert check_mirrors("m", stats()) == []


def test_a_failed_run_is_an_error():
    (alert,) = check_run("m", stats(listings=0), "failed")
    assert (alert.kind, alert.severity) == ("run_failed", "error")
    assert "no listing was read" in alert.message
    assert check_run("m", stats(), "partial") == []


def test_too_little_history_gives_absolute_alerts_only():
    broken = stats(listings=3, fields={"title": (3, 3), "vendor": (0, 3)}, codes={200: 90, 503: 10},
                   vigil__session__login_wall=1)
    one_run = HISTORY[:1]
    assert kinds(evaluate("m", broken, "needs_session", one_run)) == ["session_lost"]
    assert kinds(evaluate("m", broken, "needs_session", [])) == ["session_lost"]
    # with two earlier complete runs the comparisons speak
    found = kinds(evaluate("m", broken, "needs_session", HISTORY[:2]))
    assert found == ["session_lost", "item_collapse", "field_fill_drop", "error_rate"]


def test_thresholds_come_from_settings_with_defaults():
    settings = {"VIGIL_HEALTH_HISTORY": 3, "VIGIL_HEALTH_FILL_RATIO": "0.25"}
    t = Thresholds.read(lambda name, default: settings.get(name, default))
    assert (t.history, t.fill_ratio, t.min_history, t.collapse_ratio) == (3, 0.25, 2, 0.5)


def test_worst_severity():
    assert worst([]) is None
    assert worst([{"severity": "warning"}, {"severity": "error"}]) == "error"
    assert worst([Alert("k", "m", "", None, None, "warning")]) == "warning"


# --- which fields a listing is counted for -------------------------------------------------
def test_a_listing_is_counted_for_the_fields_of_the_pages_it_came_from():
    markets = PROJECT_ROOT / "config" / "markets"
    nightowl = load_market(markets, "nightowl").listings
    card_only = expected_fields(nightowl, {"card"})
    assert card_only == list(nightowl.cards.fields)
    full = expected_fields(nightowl, {"card", "listing", "feedback", "terms"})
    assert {"description", "feedback", "terms", "vendor"} <= set(full)
    assert "feedback" not in expected_fields(nightowl, {"card", "listing"})
    vendors = load_market(markets, "nightowl").vendors
    assert expected_vendor_fields(vendors, {"vendor"}) == list(vendors.fields)
    assert expected_vendor_fields(vendors, set()) == []
    values = ("x", " ", "", None, [], [1], 0)
    assert [is_filled(v) for v in values] == [True, False, False, False, False, True, True]


def test_the_simulator_knows_its_layouts():
    with pytest.raises(ValueError, match="layout must be one of"):
        World(layout=3)
    assert World(seed=5, listings=10, layout=2).truth() == World(seed=5, listings=10).truth()


# --- sinks that fail ---------------------------------------------------------------------------
def test_a_failing_sink_is_logged_and_never_raised(caplog):
    config = SinkConfig(
        webhook_url=f"http://127.0.0.1:{free_port()}/hooks/SECRET-TOKEN?key=SECRET-KEY",
        timeout=2, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_to=("ops@unit.example",),
        smtp_user="vigil", smtp_password="SMTP-PASSWORD",
    )
    alert = Alert("run_failed", "m", "m: the run failed", 0, None, "error")
    with caplog.at_level(logging.ERROR, logger="pipelines.health.sinks"):
        assert dispatch(config, "m", 7, "failed", [alert]) == []
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "not delivered to the webhook at http://127.0.0.1:" in errors[0]
    assert "not e-mailed through 127.0.0.1" in errors[1]
    assert not any(secret in caplog.text for secret in ("SECRET-TOKEN", "SECRET-KEY", "SMTP-PASSWORD"))


def test_sinks_take_alerts_at_or_above_their_least_severity():
    config = SinkConfig(webhook_url=f"http://127.0.0.1:{free_port()}/x", min_severity="error")
    warning = Alert("mirror_down", "m", "m: a mirror failed", 1, None, "warning")
    assert dispatch(config, "m", 1, "ok", [warning]) == []  # nothing to send, nothing tried
    assert webhook_host("https://hooks.example:8443/services/T0/B0/XYZ?token=1") == "https://hooks.example:8443"


def test_every_threshold_and_sink_option_is_a_setting():
    """The crawler reads `VIGIL_HEALTH_<threshold>` and `VIGIL_ALERT_<option>`: each must be a
    setting of the one settings object (and so documented in docs/operations.md)."""
    passed = set(Settings().scrapy_values())
    names = {f"VIGIL_HEALTH_{n.upper()}" for n in Thresholds.__dataclass_fields__}
    names |= {f"VIGIL_ALERT_{n.upper()}" for n in SinkConfig.__dataclass_fields__}
    assert names <= passed, names - passed
    defaults = Settings()
    assert Thresholds() == Thresholds.read(lambda name, default: defaults.scrapy_values().get(name, default))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_email_logs_in_with_the_password_and_a_wrong_one_is_only_logged(caplog):
    alert = Alert("session_lost", "m", "m: the session was lost", 1, None, "error")
    with smtp_sink(users={"vigil": "right-password"}) as box:
        config = SinkConfig(smtp_host=box.host, smtp_port=box.port, smtp_to=("ops@unit.example",),
                            smtp_user="vigil", smtp_password="right-password", timeout=5)
        assert dispatch(config, "m", 3, "needs_session", [alert]) == ["email"]
        assert len(box.messages) == 1
        wrong = SinkConfig(**{**config.__dict__, "smtp_password": "WRONG-PASSWORD", "timeout": 2})
        with caplog.at_level(logging.ERROR, logger="pipelines.health.sinks"):
            assert dispatch(wrong, "m", 3, "needs_session", [alert]) == []
    assert len(box.messages) == 1
    assert "alerts not e-mailed through 127.0.0.1" in caplog.text
    assert "WRONG-PASSWORD" not in caplog.text and "right-password" not in caplog.text


def test_a_webhook_answering_an_http_error_is_a_failed_delivery(caplog):
    alert = Alert("item_collapse", "m", "m: 3 listings read", 3, 40, "error")
    with webhook_receiver(status=500) as hook, caplog.at_level(logging.ERROR, "pipelines.health.sinks"):
        assert dispatch(SinkConfig(webhook_url=f"{hook.url}/h", timeout=5), "m", 9, "ok", [alert]) == []
    assert [(path, body["alerts"][0]["kind"]) for path, body in hook.posts] == [("/h", "item_collapse")]
    assert "not delivered to the webhook" in caplog.text and "Internal Server Error" in caplog.text
