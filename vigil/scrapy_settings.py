"""The Scrapy settings module named in scrapy.cfg, for `scrapy crawl market -a market=ID`:
the crawler's defaults plus the one settings object's values (defaults, `config/vigil.yaml`,
`VIGIL_*` environment), exactly what `vigil crawl` passes."""

from __future__ import annotations

from crawler.settings import *  # noqa: F403
from vigil.settings import load_settings

globals().update(load_settings().scrapy_values())
