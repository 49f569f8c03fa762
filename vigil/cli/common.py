"""Options and helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from vigil import exit_codes
from vigil.settings import Settings, SettingsError, load_settings

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Where the index and evidence live (env VIGIL_DATA_DIR, default ./data)."
    ),
]
ConfigDirOption = Annotated[
    Path | None,
    typer.Option(
        "--config-dir",
        help="Folder with markets/, platforms/, legal/, rates.yaml and vigil.yaml (env VIGIL_CONFIG_DIR).",
    ),
]
LogLevelOption = Annotated[
    str | None, typer.Option(help="Log level (env VIGIL_LOG_LEVEL, default WARNING).")
]
ProgressOption = Annotated[
    float | None,
    typer.Option(help="Seconds between progress lines, 0: none (env VIGIL_PROGRESS_INTERVAL, default 5)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of a readable text.")]


def settings(**options: Any) -> Settings:
    """The settings for this command: defaults, vigil.yaml, VIGIL_* variables, then options."""
    try:
        return load_settings(**options)
    except SettingsError as exc:
        fail(str(exc), exit_codes.USAGE)


def fail(message: str, code: int) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n")
