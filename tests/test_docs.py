"""The docs are part of the product: every command, setting and config field is documented."""

from __future__ import annotations

import re

import typer
from helpers import ROOT
from pydantic import BaseModel

from crawler.config import MarketConfig
from vigil.cli.main import app
from vigil.settings import Settings, env_name

DOCS = ROOT / "docs"


def commands(group: typer.Typer, prefix: str = "vigil") -> list[str]:
    names = [f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands]
    for sub in group.registered_groups:
        names += commands(sub.typer_instance, f"{prefix} {sub.name}")
    return names


def config_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        names.append(name)
        inner = info.annotation
        for candidate in (*getattr(inner, "__args__", ()), inner):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names += config_fields(candidate, f"{prefix}{name}.")
    return names


def test_every_command_has_a_heading_in_the_cli_docs():
    text = (DOCS / "cli.md").read_text()
    headings = set(re.findall(r"^#+ `(vigil [^`]+)`", text, flags=re.M))
    missing = [c for c in commands(app) if c not in headings]
    assert not missing, f"docs/cli.md lacks headings for: {missing}"


def test_every_setting_is_documented_with_its_file_key_and_variable():
    text = (DOCS / "operations.md").read_text()
    missing = [
        name for name in Settings.model_fields
        if f"`{name}`" not in text or f"`{env_name(name)}`" not in text
    ]
    assert not missing, f"docs/operations.md lacks settings: {missing}"


def test_every_crawler_setting_comes_from_the_settings_object():
    """The crawler reads `VIGIL_*` names only from what the settings object passes."""
    import re as _re

    passed = set(Settings().scrapy_values())
    read = set()
    for path in [*(ROOT / "crawler").glob("*.py"), *(ROOT / "pipelines").glob("*.py")]:
        read |= set(_re.findall(r"[\"'](VIGIL_[A-Z_]+)[\"']", path.read_text()))
    read = {name for name in read if not name.endswith("_")}  # VIGIL_SESSION_<MARKET>: secrets
    assert read <= passed, f"read by the crawler but not in the settings object: {read - passed}"


def test_every_market_config_field_is_documented():
    text = (DOCS / "market-config.md").read_text()
    missing = sorted({name for name in config_fields(MarketConfig) if f"`{name}`" not in text})
    assert not missing, f"docs/market-config.md lacks: {missing}"


def test_readme_quick_start_is_two_commands():
    text = (ROOT / "README.md").read_text()
    assert "make demo" in text and "make test" in text
