"""Where the extractor's configuration lives, and the bounds it enforces on hostile input."""

from __future__ import annotations

import os
from pathlib import Path

#: Fields longer than this (in code points) are truncated before extraction. Listings are
#: written by criminals; a 10 MB "description" must not stall the pipeline. Offsets stay valid
#: because truncation only cuts the tail.
MAX_FIELD_CHARS = 20_000

#: Short raw fields (`ships_from`, `ships_to`, `price`) are cut much earlier.
MAX_SHORT_FIELD_CHARS = 500


def config_dir() -> Path:
    """`VIGIL_CONFIG_DIR` when set, else the repository's `config/`."""
    env = os.environ.get("VIGIL_CONFIG_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "config"
