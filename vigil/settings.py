"""Application settings: one module of defaults, `VIGIL_*` environment overrides, typed reads.

Files users edit live in `config/`; this module only knows where they are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS: dict[str, str] = {
    # Where market configs and the rate table live.
    "VIGIL_CONFIG_DIR": str(PROJECT_ROOT / "config"),
    # Where the index, evidence and logs go.
    "VIGIL_DATA_DIR": "data",
    # Secrets (session cookies) live outside config/: a YAML file market -> {cookie: value}.
    "VIGIL_SECRETS_FILE": str(Path.home() / ".config" / "vigil" / "secrets.yaml"),
    # Fixed "now" (ISO 8601) for reproducible runs; empty means the system clock
    # (read by crawler.clock.Clock through the crawl settings).
    "VIGIL_CLOCK": "",
    # Log level for crawls.
    "VIGIL_LOG_LEVEL": "INFO",
}


def get(name: str) -> str:
    """A setting's value: the environment wins over the default."""
    return os.environ.get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Paths:
    """Where things are, resolved once from settings."""

    config_dir: Path = field(default_factory=lambda: Path(get("VIGIL_CONFIG_DIR")))
    data_dir: Path = field(default_factory=lambda: Path(get("VIGIL_DATA_DIR")))

    @property
    def markets_dir(self) -> Path:
        return self.config_dir / "markets"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "vigil.sqlite3"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

