"""The one settings object: its sources in order, errors that name the source, and the one
config dir that markets and rates come from."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from index import open_store
from index.elastic.client import ClusterConfig
from index.errors import StoreError
from index.factory import check_writable
from pipelines.context import IndexSettings, SharedStores
from vigil.settings import Settings, SettingsError, load_settings


def test_defaults_then_file_then_environment_then_options(tmp_path: Path):
    (tmp_path / "vigil.yaml").write_text("data_dir: /from/file\nlog_level: debug\nprogress_interval: 3\n")
    env = {"VIGIL_CONFIG_DIR": str(tmp_path), "VIGIL_LOG_LEVEL": "error", "VIGIL_PROGRESS_INTERVAL": "7"}
    s = load_settings(environ=env, progress_interval=9.0)
    assert s.config_dir == tmp_path
    assert s.data_dir == Path("/from/file")  # file over default
    assert s.log_level == "ERROR"  # environment over file
    assert s.progress_interval == 9.0  # option over environment
    assert s.markets_dir == tmp_path / "markets" and s.rates_file == tmp_path / "rates.yaml"
    assert load_settings(environ={}).config_dir == ROOT / "config"


def test_the_config_dir_option_wins_and_brings_its_own_rates(tmp_path: Path):
    (tmp_path / "rates.yaml").write_text("crypto_eur:\n  2020-01-01: {BTC: 1000}\n")
    s = load_settings(environ={"VIGIL_CONFIG_DIR": "/elsewhere"}, config_dir=tmp_path)
    assert s.config_dir == tmp_path
    from datetime import date

    assert s.rates.rate("BTC", date(2021, 1, 1)) == Decimal(1000)


@pytest.mark.parametrize(
    ("environ", "file", "expected"),
    [
        ({"VIGIL_PROGRESS_INTERVAL": "soon"}, None, "VIGIL_PROGRESS_INTERVAL (environment)"),
        ({"VIGIL_LOG_LEVEL": "LOUD"}, None, "VIGIL_LOG_LEVEL (environment)"),
        ({"VIGIL_CLOCK": "tomorrow"}, None, "expected an ISO 8601 time"),
        ({}, "datadir: x\n", "vigil.yaml: invalid settings\n  datadir: unknown setting"),
        ({}, "- a list\n", "expected a mapping of setting names"),
        ({}, "store: mongo\n", "store"),
        ({}, "config_dir: /x\n", "cannot be set inside the config dir"),
    ],
)
def test_bad_settings_name_their_source(tmp_path: Path, environ, file, expected):
    if file is not None:
        (tmp_path / "vigil.yaml").write_text(file)
    with pytest.raises(SettingsError, match=None) as raised:
        load_settings(environ={**environ, "VIGIL_CONFIG_DIR": str(tmp_path)})
    assert expected in str(raised.value)


def test_a_missing_rate_table_is_an_error_naming_the_file(tmp_path: Path):
    with pytest.raises(SettingsError, match=r"rates\.yaml"):
        load_settings(environ={}, config_dir=tmp_path).rates  # noqa: B018


def test_crawler_gets_every_setting_as_scrapy_settings():
    s = Settings(clock="2026-01-05T12:00:00", no_politeness=True)
    scrapy = s.scrapy_settings({"LOG_LEVEL": "ERROR"})
    assert scrapy["VIGIL_CLOCK"] == "2026-01-05T12:00:00" and scrapy.getbool("VIGIL_NO_POLITENESS")
    assert scrapy["LOG_LEVEL"] == "ERROR"
    assert scrapy["ITEM_PIPELINES"]  # the crawler's own defaults are there too


def test_markets_crawled_together_share_one_writer(tmp_path: Path):
    index = IndexSettings("sqlite", tmp_path, ClusterConfig())
    first, second = SharedStores.acquire(index), SharedStores.acquire(index)
    assert first is second
    SharedStores.release(index)
    assert first.count_listings() == 0  # still open for the other crawl
    SharedStores.release(index)
    with pytest.raises(Exception, match="closed"):
        first.count_listings()


def test_open_store_is_the_only_way_in_and_checks_the_data_folder(tmp_path: Path):
    store = open_store(Settings(data_dir=tmp_path / "d"))
    assert store.count_listings() == 0
    store.close()
    blocked = tmp_path / "file"
    blocked.write_text("x")
    with pytest.raises(StoreError, match="cannot write the data folder"):
        check_writable(Settings(data_dir=blocked / "d"))


def test_no_module_outside_the_index_names_a_backend_class():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("crawler", "pipelines", "vigil", "nlp", "demo", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "SqliteStore" in path.read_text()
    ]
    assert offenders == []


def test_the_nlp_core_reads_no_environment():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "nlp").rglob("*.py")
        if "os.environ" in path.read_text() or "getenv" in path.read_text()
    ]
    assert offenders == []


def test_vigil_yaml_example_is_valid(tmp_path: Path):
    (tmp_path / "vigil.yaml").write_text(yaml.safe_dump({"data_dir": "/srv/vigil", "lock_stale_after": 60}))
    assert load_settings(environ={}, config_dir=tmp_path).lock_stale_after == 60
