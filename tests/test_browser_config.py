"""The `browser` block and the Chromium a browser market's crawl launches (no browser needed)."""

from __future__ import annotations

import pytest
import yaml
from helpers import ROOT
from scrapy.settings import Settings as ScrapySettings

from crawler.browser import HANDLER, apply_browser, browser_proxy, launch_options
from crawler.config import ConfigError, MarketConfig, parse_market


def swapbay(**changes: object) -> dict:
    data = yaml.safe_load((ROOT / "config" / "markets" / "swapbay.yaml").read_text())
    data.update(changes)
    return data


def problems(data: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_market(data, "swapbay.yaml")
    return str(caught.value)


def test_the_browser_block_is_validated_with_the_field_named():
    assert "browser.wait_for" in problems(swapbay(browser={"wait_for": "div[[["}))
    assert "no ::text" in problems(swapbay(browser={"wait_for": "h1::text"}))
    message = problems(swapbay(browser={"block_resources": ["image", "pictures"]}))
    assert "browser.block_resources" in message and "pictures" in message
    assert "browser.wait_timeout_ms" in problems(swapbay(browser={"wait_timeout_ms": 0}))
    assert "browser.colour" in problems(swapbay(browser={"colour": "red"}))


def test_a_browser_block_on_a_static_market_is_refused():
    assert "only for markets with `render: browser`" in problems(swapbay(render="static"))


def test_heavy_resources_are_blocked_unless_a_screenshot_needs_them():
    base = {k: v for k, v in swapbay().items() if k != "browser"}
    assert parse_market(base, "x").browser.blocked == {"image", "media", "font"}
    shots = parse_market({**base, "browser": {"screenshot": True}}, "x").browser
    assert shots.blocked == {"media"}
    chosen = parse_market({**base, "browser": {"screenshot": True, "block_resources": []}}, "x")
    assert chosen.browser.blocked == set()


def crawl_settings(config: MarketConfig, **values: object) -> ScrapySettings:
    class FakeCrawler:
        settings = ScrapySettings({"VIGIL_CHROMIUM": "/opt/chromium", **values})

    apply_browser(FakeCrawler, config)  # type: ignore[arg-type]
    return FakeCrawler.settings


def test_every_request_goes_through_the_browser_handler_and_no_other_scheme():
    settings = crawl_settings(parse_market(swapbay(), "x"))
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert handlers["http"] == handlers["https"] == HANDLER
    assert all(handlers[s] is None for s in ("ftp", "s3", "file", "data"))
    assert settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 4  # politeness.concurrency
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options["executable_path"] == "/opt/chromium" and options["headless"] is True
    assert "--dns-prefetch-disable" in options["args"]
    assert "--force-webrtc-ip-handling-policy=disable_non_proxied_udp" in options["args"]
    assert "proxy" not in options  # a direct market
    # Playwright's own --disable-features list (no HTTPS upgrades, no time queries) must stand
    assert not [arg for arg in options["args"] if arg.startswith("--disable-features")]


def test_a_tor_market_launches_chromium_on_its_socks_proxy_resolving_nothing_locally():
    config = parse_market(swapbay(access={"mode": "tor", "proxy": "socks5h://127.0.0.1:9150"}), "x")
    options = launch_options(config, ScrapySettings())
    assert options["proxy"] == {"server": "socks5://127.0.0.1:9150"}
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in options["args"]
    # without a proxy of its own, a Tor market uses the tor_proxy setting
    default = launch_options(parse_market(swapbay(access={"mode": "tor"}), "x"),
                             ScrapySettings({"VIGIL_TOR_PROXY": "socks5h://10.0.0.5:9050"}))
    assert default["proxy"] == {"server": "socks5://10.0.0.5:9050"}


def test_socks_credentials_cannot_reach_chromium_http_proxy_credentials_can():
    assert browser_proxy("socks5h://user:secret@127.0.0.1:9050")[0] == {"server": "socks5://127.0.0.1:9050"}
    assert browser_proxy("http://me:pw@proxy.example:3128")[0] == {
        "server": "http://proxy.example:3128", "username": "me", "password": "pw"}
    assert browser_proxy(None) == (None, [])
