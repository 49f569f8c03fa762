"""Scrapy settings for Vigil crawls. Order is data: spaced integers, commented.

Per-market politeness and bounds come from the market's YAML (see `MarketSpider`). The
`VIGIL_*` values are not read here: the application's one settings object
(`vigil.settings.Settings.scrapy_settings()`) passes them, and `scrapy crawl` reads them
through `vigil.scrapy_settings` (named in scrapy.cfg), so both commands agree.
"""

from __future__ import annotations

from crawler.offline import use_bundled_suffix_list

use_bundled_suffix_list()

BOT_NAME = "vigil"
SPIDER_MODULES = ["crawler.spider"]
NEWSPIDER_MODULE = "crawler"

ROBOTSTXT_OBEY = False  # markets are monitored under a legal mandate; politeness is per market
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
COOKIES_ENABLED = True
COOKIES_DEBUG = False  # never log cookies: they are session secrets
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening ports on a monitoring host
# one URL may play several roles (listing and vendor page): the role is part of the fingerprint
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.RoleFingerprinter"
HTTPERROR_ALLOWED_CODES = [404]  # a vanished listing is an answer, not an error

DOWNLOADER_MIDDLEWARES = {
    # before everything: refuse what must not leave without the proxy
    "crawler.middlewares.AnonymityGuardMiddleware": 40,
    # Scrapy's offsite filter, but every request it drops is counted and logged
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.OffsiteMiddleware": 50,
    # retries wait (backoff, Retry-After); a mirror that fails for good hands over to the next
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.politeness.BackoffRetryMiddleware": 550,
    "crawler.politeness.MirrorRotationMiddleware": 545,
    # after redirects are followed (600) and cookies handled (700): see the final page
    "crawler.middlewares.SessionMiddleware": 560,
    "crawler.middlewares.InterstitialMiddleware": 570,
    "crawler.middlewares.FetchTimeMiddleware": 580,
    # closest to the download: listing pages asked for with the validators of the stored page
    "crawler.conditional.ConditionalRequestMiddleware": 590,
}

# the market's crash-safe frontier (crawler.frontier): every request recorded before it is
# fetched, done once what its response produced is stored; `vigil crawl --resume` sets
# RESUME_CRAWL to take over a killed crawl's frontier instead of starting a fresh one
SCHEDULER = "crawler.frontier_scheduler.FrontierScheduler"
SPIDER_MIDDLEWARES = {
    # closest to the engine: it sees the callback's output as the engine gets it
    "crawler.frontier_scheduler.FrontierMiddleware": 10,
}
RESUME_CRAWL = False

# Scrapy starts this many tasks for every response's output; the pipelines are synchronous, so
# more buy nothing, and 100 (the default) cost a re-crawl of 304s a fifth of its time
CONCURRENT_ITEMS = 8

ITEM_PIPELINES = {
    # per-field fill counts for the health checks, before validation may drop a listing
    "pipelines.health.fields.FieldFillPipeline": 90,
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.evidence.EvidencePipeline": 200,
    "pipelines.normalize.NormalizePipeline": 300,
    "pipelines.enrich.EnrichPipeline": 400,
    "pipelines.versioning.VersioningPipeline": 500,
}

EXTENSIONS = {
    # crawl health (pipelines/health/): Spidermon's close monitors must run before the crawl
    # run extension records the run, so that their alerts are in the run record
    "spidermon.contrib.scrapy.extensions.Spidermon": 90,
    "pipelines.runs.CrawlRunExtension": 100,
}
EXTENSIONS["crawler.progress.ProgressExtension"] = 200

SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["pipelines.health.monitors.HealthMonitorSuite"]
