"""The one settings object: typed, loaded once, passed explicitly to every part.

Precedence, lowest first: the defaults below, then `<config dir>/vigil.yaml` (optional), then
`VIGIL_*` environment variables, then command-line options. The config dir itself is chosen
first (option, then `VIGIL_CONFIG_DIR`, then the checkout's `config/`), because `vigil.yaml`
lives in it. Markets and the rate table are always read from the same config dir.

The crawler gets these values as Scrapy settings (`scrapy_settings()`), the extractor gets the
rate table as an argument, and the index gets this object (`index.open_store(settings)`): no
other module reads the environment for them.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from index.elastic.client import ClusterConfig
from nlp.money import RateTable, load_rates

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENV_PREFIX = "VIGIL_"
SETTINGS_FILE = "vigil.yaml"


#: Settings that are secrets: from the environment only, never from a file, never printed.
SECRETS = ("es_password", "es_api_key", "alert_smtp_password")


class SettingsError(ValueError):
    """Settings that cannot be used: names the source, the setting and what is expected."""


class Settings(BaseModel):
    """Every application setting. Each field is documented in docs/operations.md (a test checks)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config_dir: Path = Field(
        default=PROJECT_ROOT / "config",
        description="folder with markets/, platforms/, legal/, rates.yaml and the optional vigil.yaml",
    )
    data_dir: Path = Field(default=Path("data"), description="the index and the evidence")
    secrets_file: Path = Field(
        default=Path.home() / ".config" / "vigil" / "secrets.yaml",
        description="session cookies, outside config/",
    )
    tor_proxy: str = Field(
        default="socks5h://127.0.0.1:9050",
        pattern=r"^(socks5h?|https?)://[^/\s]+/?$",
        description="Tor's SOCKS port, for `access: tor` markets that name no proxy of their own",
    )
    chromium: str = Field(
        default="/usr/bin/chromium",
        description="the Chromium that renders `render: browser` markets (Debian's `chromium`)",
    )
    store: Literal["sqlite", "elasticsearch", "opensearch"] = Field(
        default="sqlite", description="the index: embedded SQLite, or an Elasticsearch or OpenSearch cluster"
    )
    es_url: str = Field(
        default="http://127.0.0.1:9200",
        description="the cluster's node URLs, comma-separated (https:// for TLS)",
    )
    es_index_prefix: str = Field(
        default="vigil", pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="prefix of every index and alias"
    )
    es_username: str = Field(default="", description="user for basic authentication")
    es_password: SecretStr = Field(default=SecretStr(""), description="its password (a secret: env only)")
    es_api_key: SecretStr = Field(
        default=SecretStr(""), description="an API key, instead of user and password (a secret: env only)"
    )
    es_ca_certs: str = Field(default="", description="CA certificate file that signed the cluster's TLS")
    es_verify_certs: bool = Field(default=True, description="verify the cluster's TLS certificate")
    es_timeout: float = Field(default=30.0, gt=0, description="seconds before a request to the cluster fails")
    es_replicas: int = Field(default=1, ge=0, description="replicas of each index (0 on a single node)")
    clock: str = Field(
        default="", description="a fixed ISO 8601 time for every timestamp of a run; empty: now"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="WARNING", description="the crawl's log level"
    )
    progress_interval: float = Field(
        default=5.0, ge=0, description="seconds between progress lines on stderr; 0: none"
    )
    no_politeness: bool = Field(
        default=False, description="drop delays and AutoThrottle: loopback benchmarks only"
    )
    lock_stale_after: float = Field(
        default=900.0,
        gt=0,
        description="seconds without a heartbeat after which another host's crawl lock is stale",
    )
    schedule_max_crawls: int = Field(
        default=2, ge=1, description="crawls `vigil schedule run` runs at once (one per market at most)"
    )
    schedule_stop_grace: float = Field(
        default=300.0,
        ge=0,
        description="seconds `vigil schedule run` waits for running crawls when stopped, before it "
        "terminates them",
    )

    scheduler: Literal["local", "redis"] = Field(
        default="local",
        description="where a crawl's frontier lives: in the crawling process, or in Redis, shared "
        "by every worker crawling the market (scale-out)",
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        pattern=r"^rediss?://\S+$",
        description="the Redis that holds the shared frontiers (`scheduler: redis`)",
    )
    # --- crawl health (pipelines/health/): when a run's checks alert ---------------------------
    health_history: int = Field(
        default=5, ge=1, description="complete runs whose median is a market's baseline"
    )
    health_min_history: int = Field(
        default=2, ge=1, description="fewer earlier complete runs: absolute checks only, no comparison"
    )
    health_collapse_ratio: float = Field(
        default=0.5, ge=0, le=1, description="alert when listings read fall below this share of the baseline"
    )
    health_fill_ratio: float = Field(
        default=0.5, ge=0, le=1,
        description="alert when a field's fill rate falls below this share of its baseline",
    )
    health_fill_min_baseline: float = Field(
        default=0.2, ge=0, le=1, description="fields filled in fewer listings than this share are not checked"
    )
    health_rate_increase: float = Field(
        default=0.1, ge=0, le=1,
        description="warn when the error or ban rate rises this far above its baseline"
    )
    health_error_rate_max: float = Field(
        default=0.25, gt=0, le=1, description="error rate (failed requests, 5xx) that is an error alert"
    )
    health_ban_rate_max: float = Field(
        default=0.5, gt=0, le=1,
        description="ban rate (403, 429, captcha or queue pages) that is an error alert"
    )
    health_min_requests: int = Field(
        default=20, ge=1, description="runs with fewer requests get no error or ban rate check"
    )
    # --- where alerts go besides the log and the run record ------------------------------------
    alert_webhook_url: str = Field(default="", description="POST each run's alerts as JSON here; empty: off")
    alert_smtp_host: str = Field(default="", description="SMTP server that e-mails alerts; empty: off")
    alert_smtp_port: int = Field(default=25, ge=1, le=65535, description="its port")
    alert_smtp_from: str = Field(default="", description="sender address of alert e-mails")
    alert_smtp_to: str = Field(default="", description="recipients of alert e-mails, comma-separated")
    alert_smtp_starttls: bool = Field(default=False, description="upgrade the SMTP connection with STARTTLS")
    alert_smtp_user: str = Field(default="", description="SMTP login user; empty: no login")
    alert_smtp_password: SecretStr = Field(
        default=SecretStr(""), description="its password (a secret: env only)"
    )
    alert_timeout: float = Field(default=10.0, gt=0, description="seconds before a sink gives up")
    alert_min_severity: Literal["warning", "error"] = Field(
        default="warning", description="the least severe alert the webhook and e-mail get"
    )
    conditional_requests: bool = Field(
        default=True,
        description="ask for listing pages with the stored page's ETag / Last-Modified (304: unchanged)",
    )
    remove_after_runs: int = Field(
        default=2,
        ge=1,
        description="consecutive complete (ok) runs a listing must be missing from before it is removed",
    )
    # --- the web app (`vigil web`, docs/web.md) ---------------------------------------------
    web_host: str = Field(default="127.0.0.1", description="address `vigil web` listens on")
    web_port: int = Field(default=8000, ge=1, le=65535, description="port `vigil web` listens on")
    web_session_hours: float = Field(
        default=8.0, gt=0, le=24 * 30, description="hours a web login lasts before it must be renewed"
    )
    web_secure_cookies: bool = Field(
        default=True, description="the session and CSRF cookies carry `Secure` (HTTPS or loopback only)"
    )
    web_forwarded_allow_ips: str = Field(
        default="",
        description="addresses of the TLS proxy whose X-Forwarded-For names the client; empty: none",
    )
    web_test_hooks: bool = Field(
        default=False, description="serve test-only routes (`GET /csp-report/count`); never in production"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("clock")
    @classmethod
    def _iso(cls, value: str) -> str:
        if value:
            from datetime import datetime

            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise ValueError("expected an ISO 8601 time such as 2026-01-05T12:00:00") from None
        return value

    # --- where things are ---------------------------------------------------------------
    @property
    def cluster(self) -> ClusterConfig:
        """How to reach the Elasticsearch or OpenSearch cluster (when `store` names one)."""
        return ClusterConfig(
            product="opensearch" if self.store == "opensearch" else "elasticsearch",
            hosts=tuple(u.strip() for u in self.es_url.split(",") if u.strip()),
            index_prefix=self.es_index_prefix,
            username=self.es_username,
            password=self.es_password.get_secret_value(),
            api_key=self.es_api_key.get_secret_value(),
            ca_certs=self.es_ca_certs,
            verify_certs=self.es_verify_certs,
            timeout=self.es_timeout,
            replicas=self.es_replicas,
        )

    @property
    def markets_dir(self) -> Path:
        return self.config_dir / "markets"

    @property
    def platforms_dir(self) -> Path:
        return self.config_dir / "platforms"

    @property
    def legal_dir(self) -> Path:
        return self.config_dir / "legal"

    @property
    def rates_file(self) -> Path:
        return self.config_dir / "rates.yaml"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "vigil.sqlite3"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @cached_property
    def rates(self) -> RateTable:
        """The crypto rate table of this config dir (read once)."""
        try:
            return load_rates(self.rates_file)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with some settings changed (None values are ignored), validated again."""
        data = self.model_dump()
        data.update({k: v for k, v in values.items() if v is not None})
        return _validated(data, "overrides")

    # --- for the crawler ------------------------------------------------------------------
    def scrapy_values(self) -> dict[str, Any]:
        """These settings under the names the crawler reads (`VIGIL_<NAME>`)."""
        out = {}
        for name, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            out[env_name(name)] = str(value) if isinstance(value, Path) else value
        out["LOG_LEVEL"] = self.log_level
        if self.scheduler == "redis":  # the frontier in Redis, shared by the market's workers
            out["SCHEDULER"] = "crawler.redis_frontier.MarketRedisScheduler"
            out["DUPEFILTER_CLASS"] = "crawler.redis_frontier.MarketDupeFilter"
            out["REDIS_URL"] = self.redis_url
        return out

    def scrapy_settings(self, overrides: dict[str, Any] | None = None) -> Any:
        """Scrapy settings for a crawl: the crawler's defaults plus these values."""
        from scrapy.settings import Settings as ScrapySettings

        settings = ScrapySettings()
        settings.setmodule("crawler.settings", priority="project")
        for name, value in {**self.scrapy_values(), **(overrides or {})}.items():
            settings.set(name, value, priority="cmdline")
        return settings


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _validated(data: dict[str, Any], source: str, labels: dict[str, str] | None = None) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "(top level)"
            where = (labels or {}).get(where, where)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown setting (see docs/operations.md)"
            problems.append(f"  {where}: {message}")
        raise SettingsError(f"{source}: invalid settings\n" + "\n".join(problems)) from None


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: cannot read settings ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping of setting names to values")
    _validated({k: v for k, v in data.items() if k != "config_dir"}, str(path))  # name the file
    if "config_dir" in data:
        raise SettingsError(f"{path}: config_dir: cannot be set inside the config dir itself")
    for secret in SECRETS:
        if secret in data:
            raise SettingsError(
                f"{path}: {secret}: a secret never lives in a config file; set {env_name(secret)} instead"
            )
    return data


def _from_env(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        raw = environ.get(env_name(name))
        if raw is not None and raw != "":
            values[name] = raw
    if "no_politeness" in values:  # "1", "true", "yes" switch it on
        values["no_politeness"] = str(values["no_politeness"]).lower() in ("1", "true", "yes")
    return values


def load_settings(
    environ: dict[str, str] | None = None, **options: Any
) -> Settings:
    """Defaults, then `<config dir>/vigil.yaml`, then `VIGIL_*` variables, then `options`
    (command-line values; None means "not given")."""
    env = os.environ if environ is None else environ
    given = {k: v for k, v in options.items() if v is not None}
    from_env = _from_env(env)
    config_dir = Path(given.get("config_dir") or from_env.get("config_dir") or PROJECT_ROOT / "config")
    data: dict[str, Any] = {}
    data.update(_from_file(config_dir / SETTINGS_FILE))
    data.update(from_env)
    data.update(given)
    data["config_dir"] = config_dir
    labels = {name: f"{env_name(name)} (environment)" for name in from_env}
    labels.update({name: f"--{name.replace('_', '-')} (option)" for name in given})
    return _validated(data, "settings", labels)
