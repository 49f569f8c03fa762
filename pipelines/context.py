"""What the pipelines of one crawl share: the index, the evidence vault, the run, the clock.

The crawl run extension (`pipelines.runs`) owns all of it: it opens the store when the crawl
starts and closes it at the end. Markets crawled together in one process share one store, so
there is one writer per process however many markets run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.clock import Clock
from index import open_store, open_vault
from index.elastic.client import ClusterConfig
from index.evidence import EvidenceVault
from index.records import CrawlRun, LockOwner
from index.store import Store
from nlp.money import RateTable, load_rates


@dataclass(frozen=True)
class IndexSettings:
    """The index's part of the settings, as the crawler carries them (`VIGIL_*`)."""

    store: str
    data_dir: Path
    cluster: ClusterConfig

    @classmethod
    def of(cls, settings: BaseSettings) -> IndexSettings:
        store = settings.get("VIGIL_STORE") or "sqlite"
        cluster = ClusterConfig(
            product="opensearch" if store == "opensearch" else "elasticsearch",
            hosts=tuple(u.strip() for u in (settings.get("VIGIL_ES_URL") or "").split(",") if u.strip()),
            index_prefix=settings.get("VIGIL_ES_INDEX_PREFIX") or "vigil",
            username=settings.get("VIGIL_ES_USERNAME") or "",
            password=settings.get("VIGIL_ES_PASSWORD") or "",
            api_key=settings.get("VIGIL_ES_API_KEY") or "",
            ca_certs=settings.get("VIGIL_ES_CA_CERTS") or "",
            verify_certs=settings.getbool("VIGIL_ES_VERIFY_CERTS", True),
            timeout=settings.getfloat("VIGIL_ES_TIMEOUT", 30.0),
            replicas=settings.getint("VIGIL_ES_REPLICAS", 1),
        )
        return cls(store, Path(settings["VIGIL_DATA_DIR"]), cluster)


@dataclass
class CrawlContext:
    store: Store
    vault: EvidenceVault
    run: CrawlRun
    clock: Clock
    rates: RateTable
    owner: LockOwner

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The crawl's context, set when the run started."""
        context = getattr(crawler, "_vigil_context", None)
        if context is None:
            raise RuntimeError("no crawl run: pipelines.runs.CrawlRunExtension must be enabled")
        return context


class SharedStores:
    """One open store per index per process, closed when its last crawl ends."""

    _open: dict[IndexSettings, tuple[Store, int]] = {}  # noqa: RUF012 (process-wide on purpose)

    @classmethod
    def acquire(cls, settings: IndexSettings) -> Store:
        store, users = cls._open.get(settings, (None, 0))
        if store is None:
            store = open_store(settings)
        cls._open[settings] = (store, users + 1)
        return store

    @classmethod
    def release(cls, settings: IndexSettings) -> None:
        store, users = cls._open[settings]
        if users <= 1:
            del cls._open[settings]
            store.close()
        else:
            cls._open[settings] = (store, users - 1)


_RATES: dict[Path, RateTable] = {}


def rates_for(settings: BaseSettings) -> RateTable:
    """The crypto rate table of the crawl's config dir (read once per process)."""
    path = Path(settings["VIGIL_CONFIG_DIR"]) / "rates.yaml"
    if path not in _RATES:
        _RATES[path] = load_rates(path)
    return _RATES[path]


def vault_for(settings: IndexSettings) -> EvidenceVault:
    return open_vault(settings)
