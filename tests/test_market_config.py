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
        ({"access": {"mode": "tor"}}, "access", "needs `proxy`"),
        ({"session": {"required": True}}, "session", "cookie_name"),
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
         "listings.links", "exactly one of css, xpath or url_regex"),
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
