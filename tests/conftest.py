"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import need, realdata_dir


@pytest.fixture(scope="session")
def realdata() -> Path:
    path = realdata_dir()
    need(path.is_dir(), f"../shared/real-data (set VIGIL_REALDATA; looked in {path})")
    return path
