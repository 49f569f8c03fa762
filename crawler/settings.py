"""Scrapy settings for Vigil crawls. Order is data: spaced integers, commented.

Per-market politeness and bounds come from the market's YAML (see `MarketSpider`);
`VIGIL_*` values come from the environment so `scrapy crawl` and `vigil crawl` agree.
"""

from __future__ import annotations

import os
from pathlib import Path

from crawler.offline import use_bundled_suffix_list

use_bundled_suffix_list()

BOT_NAME = "vigil"
SPIDER_MODULES = ["crawler.spider"]
NEWSPIDER_MODULE = "crawler"

_ROOT = Path(__file__).resolve().parents[1]
VIGIL_CONFIG_DIR = os.environ.get("VIGIL_CONFIG_DIR", str(_ROOT / "config"))
VIGIL_DATA_DIR = os.environ.get("VIGIL_DATA_DIR", "data")
VIGIL_SECRETS_FILE = os.environ.get(
    "VIGIL_SECRETS_FILE", str(Path.home() / ".config" / "vigil" / "secrets.yaml")
)
VIGIL_CLOCK = os.environ.get("VIGIL_CLOCK", "")
VIGIL_NO_POLITENESS = os.environ.get("VIGIL_NO_POLITENESS", "") == "1"

ROBOTSTXT_OBEY = False  # markets are monitored under a legal mandate; politeness is per market
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
COOKIES_ENABLED = True
COOKIES_DEBUG = False  # never log cookies: they are session secrets
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening ports on a monitoring host
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = os.environ.get("VIGIL_LOG_LEVEL", "INFO")
HTTPERROR_ALLOWED_CODES = [404]  # a vanished listing is an answer, not an error

DOWNLOADER_MIDDLEWARES = {
    # before everything: refuse what must not leave without the proxy
    "crawler.middlewares.AnonymityGuardMiddleware": 50,
    # after redirects are followed (600) and cookies handled (700): see the final page
    "crawler.middlewares.SessionMiddleware": 560,
    "crawler.middlewares.InterstitialMiddleware": 570,
    "crawler.middlewares.FetchTimeMiddleware": 580,
}

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.evidence.EvidencePipeline": 200,
    "pipelines.normalize.NormalizePipeline": 300,
    "pipelines.enrich.EnrichPipeline": 400,
    "pipelines.versioning.VersioningPipeline": 500,
}

EXTENSIONS = {
    "pipelines.runs.CrawlRunExtension": 100,
}
EXTENSIONS["crawler.progress.ProgressExtension"] = 200
VIGIL_PROGRESS_INTERVAL = float(os.environ.get("VIGIL_PROGRESS_INTERVAL", "0"))
