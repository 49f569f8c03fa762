"""Market configs: every shipped file is valid, and a broken one says where and what."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_vigil

from crawler.config import ConfigError, load_market_file, load_markets

MINIMAL = {
    "id": "toy",
    "name": "Toy market",
    "kind": "clearnet",
    "mirrors": ["http://127.0.0.1:9"],
    "navigation": {"start_urls": ["/"]},
    "listings": {"links": "a.item::attr(href)", "id_from_url": r"/item/(?P<id>\d+)"},
}


def write(folder: Path, data: object, name: str = "toy") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as caught:
        load_market_file(path)
    assert str(path) in str(caught.value)
    return caught.value.problems


def test_shipped_market_configs_are_valid():
    markets = load_markets(ROOT / "config" / "markets")
    assert {"nightowl", "swapbay", "rc-labor", "hansa2017"} <= set(markets)


def test_minimal_config_loads_with_defaults(tmp_path):
    config = load_market_file(write(tmp_path, MINIMAL))
    assert config.render == "static" and config.access.mode == "direct"
    assert config.listings.fetch_pages == "always"


def test_selector_shorthand_is_css(tmp_path):
    config = load_market_file(write(tmp_path, MINIMAL))
    assert config.listings.links.css == "a.item::attr(href)"


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        ({"kind": "darkweb"}, "kind", "'darknet' or 'clearnet'"),
        ({"mirrors": ["ftp://x"]}, "mirrors", "not an http(s) URL"),
        ({"colour": "red"}, "colour", "unknown setting"),
        ({"id": "Bad Id"}, "id", "lower-case letters"),
        ({"access": {"mode": "proxy"}}, "access", "needs `proxy`"),
        ({"access": {"mode": "tor", "proxy": "ftp://x:1"}}, "access.proxy", "expected socks5h://HOST:PORT"),
        ({"mirrors": ["http://abc.onion"]}, "(top level)", "needs `access: {mode: tor}`"),
        ({"session": {"login_page": {"text": "ab"}}}, "session.login_page.text", "3 to 200 characters"),
        ({"session": {"generic_detection": "maybe"}}, "session.generic_detection", "valid boolean"),
        (
            {"listings": {"links": "a::attr(href)", "id_from_url": "/item/(\\d+)"}},
            "listings.id_from_url",
            "(?P<id>",
        ),
        (
            {"listings": {"links": "a", "id_from_url": "(?P<id>x)", "fields": {"colour": "b"}}},
            "listings.fields",
            "unknown field(s) colour",
        ),
        (
            {"listings": {"links": "a", "id_from_url": "(?P<id>x)", "fetch_pages": "never"}},
            "listings",
            "needs `cards`",
        ),
        ({"politeness": {"concurrency": 0}}, "politeness.concurrency", "greater than or equal to 1"),
        ({"listings": {"links": {"css": "a", "xpath": "//a"}, "id_from_url": "(?P<id>x)"}},
         "listings.links", "exactly one of css, xpath, url_regex, const or any"),
    ],
)
def test_invalid_config_names_field_and_expectation(tmp_path, change, where, expected):
    data = {**MINIMAL, **change}
    path = write(tmp_path, data, name="Bad Id" if "id" in change else "toy")
    found = problems(path)
    assert any(loc.startswith(where) and expected in message for loc, message in found), found


def test_file_name_must_match_id(tmp_path):
    found = problems(write(tmp_path, MINIMAL, name="other"))
    assert found == [("id", "must match the file name ('other')")]


def test_broken_yaml_names_the_line(tmp_path):
    found = problems(write(tmp_path, "id: toy\nname: [unclosed\n"))
    assert found[0][0].startswith("line ")
    assert "not valid YAML" in found[0][1]


def with_listing(**change: object) -> dict:
    return {**MINIMAL, "listings": {**MINIMAL["listings"], **change}}


def write_config(data: object):
    return lambda folder: write(folder, data)


def write_bytes(content: bytes):
    def make(folder: Path) -> Path:
        path = folder / "toy.yaml"
        path.write_bytes(content)
        return path

    return make


def make_directory(folder: Path) -> Path:
    path = folder / "toy.yaml"
    path.mkdir()
    return path


LATIN_1 = "id: toy\nname: Café\n".encode("latin-1")  # é is byte 0xe9, at position 17


@pytest.mark.parametrize(
    ("make", "where", "expected"),
    [
        pytest.param(
            write_config(with_listing(cards={"container": "div.card", "fields": {"price": "span["}})),
            "listings.cards.fields.price.css",
            "not a valid CSS selector: Expected ident or '*', got <EOF at 5>, in 'span['",
            id="css-in-card-field",
        ),
        pytest.param(
            write_config({**MINIMAL, "interstitial": {"detect": {"css": "#queue::shadow"}}}),
            "interstitial.detect.css",
            "not a valid CSS selector: The pseudo-element ::shadow is unknown",
            id="css-in-detect-spec",
        ),
        pytest.param(
            write_config(with_listing(fields={"category": {"xpath": "//th[.='Category'"}})),
            "listings.fields.category.xpath",
            "not a valid XPath expression: Invalid predicate",
            id="xpath-in-listing-field",
        ),
        pytest.param(
            write_config({**MINIMAL, "navigation": {"start_urls": ["/"], "next_page": "a >> b"}}),
            "navigation.next_page.css",
            "not a valid CSS selector:",
            id="css-shorthand-string",
        ),
        pytest.param(
            write_bytes(LATIN_1),
            "line 2",
            "not UTF-8 text: byte 0xe9 at position 17 (invalid continuation byte)",
            id="not-utf-8",
        ),
        pytest.param(make_directory, "(file)", "is a directory; expected a YAML file", id="directory"),
        pytest.param(
            write_bytes(b"# nothing yet\n"),
            "(top level)",
            "expected a mapping of settings (id, name, kind, …), got nothing (the file is empty)",
            id="empty-file",
        ),
        pytest.param(
            write_bytes(b"- id: toy\n- name: Toy\n"),
            "(top level)",
            "expected a mapping of settings (id, name, kind, …), got a list",
            id="yaml-list",
        ),
    ],
)
def test_unusable_file_or_selector_names_file_field_and_expectation(tmp_path, make, where, expected):
    path = make(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_market_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"  {where}: {expected}" in message, message


VALID_SELECTORS = {
    "title": "h1::text",
    "vendor_url": "a.vendor[rel=author]::attr(href)",
    "description": "div.offer > p:nth-child(1)",
    "price": {"xpath": "//span[has-class('price', 'usd')]/text()"},
    "images": {"xpath": "//img/@src", "many": True},
    "category": {"xpath": "//a[re:test(@href, '/cat/')]"},
}
PAGE = """<html><body><h1>Toy</h1><a class="vendor" rel="author" href="/v/1">v</a>
<div class="offer"><p>Fine</p></div><span class="usd price">$5</span><img src="/i.png">
<a href="/cat/3">Pills</a></body></html>"""


def test_valid_parsel_selectors_are_accepted_and_read(tmp_path):
    from parsel import Selector as Page

    from crawler.fields import read_fields

    data = with_listing(fields=VALID_SELECTORS)
    data["session"] = {"login_page": {"css": "form#login::attr(action)", "xpath": "//form/@action"}}
    config = load_market_file(write(tmp_path, data))
    assert read_fields(config.listings.fields, Page(text=PAGE), "http://x/item/1") == {
        "title": "Toy", "vendor_url": "/v/1", "description": "Fine", "price": "$5",
        "images": ["/i.png"], "category": "Pills",
    }  # fmt: skip


def test_missing_file_is_a_config_error(tmp_path):
    found = problems(tmp_path / "toy.yaml")
    assert found == [("(file)", "no such file")]


def test_markets_commands_report_the_bad_file_and_keep_the_good(tmp_path):
    markets = tmp_path / "markets"
    markets.mkdir()
    good = write(markets, MINIMAL)
    bad = write(markets, {**with_listing(links="a.item::attr(href"), "id": "bad"}, name="bad")
    latin = markets / "latin.yaml"
    latin.write_bytes(LATIN_1.replace(b"id: toy", b"id: latin"))

    validated = run_vigil("markets", "validate", "--config-dir", str(tmp_path))
    assert validated.returncode == 2, validated.stderr
    assert f"ok  {good}" in validated.stdout
    assert f"{bad}: invalid market config\n  listings.links.css: not a valid CSS selector" in (
        validated.stderr
    )
    assert f"{latin}: invalid market config\n  line " in validated.stderr
    assert "not UTF-8 text: byte 0xe9" in validated.stderr

    listed = run_vigil("markets", "list", "--config-dir", str(tmp_path))
    assert listed.returncode == 2, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert lines["toy"].split()[1:3] == ["clearnet", "static"]
    assert "INVALID  listings.links.css: not a valid CSS selector" in lines["bad"]
    assert "INVALID  line " in lines["latin"] and "not UTF-8 text" in lines["latin"]
    assert "2 invalid market config(s)" in listed.stderr
    for result in (validated, listed):
        assert "Traceback" not in result.stdout + result.stderr


def test_markets_validate_missing_file_exits_2(tmp_path):
    result = run_vigil("markets", "validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.yaml'}: invalid market config\n  (file): no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_markets_validate_command_reports_and_exits_2(tmp_path):
    good = write(tmp_path, MINIMAL)
    bad = write(tmp_path, {**MINIMAL, "id": "bad", "kind": "x"}, name="bad")
    result = run_vigil("markets", "validate", str(good), str(bad))
    assert result.returncode == 2
    assert f"ok  {good}" in result.stdout
    assert str(bad) in result.stderr and "kind" in result.stderr


def test_commented_example_is_a_valid_config():
    from crawler.config import parse_market

    path = ROOT / "config" / "markets" / "example.yaml.txt"
    config = parse_market(yaml.safe_load(path.read_text()), path)
    assert config.needs_anonymity and config.access.proxy


def test_shipped_configs_serialise_and_round_trip_with_their_repeated_blocks(recwarn):
    """A repeated block (feedback, shipping options) is a `RecordsSpec`: serialising a config
    keeps it one, without pydantic warning that it expected a selector."""
    markets = load_markets(ROOT / "config" / "markets")
    with_blocks = [m for m in markets.values() if "feedback" in m.listings.fields
                   or "shipping_options" in m.listings.fields]
    assert with_blocks, "a shipped config with a repeated block"
    for market in markets.values():
        again = type(market).model_validate_json(market.model_dump_json())
        assert again == market
    assert not [w for w in recwarn if "serializ" in str(w.message).lower()]
