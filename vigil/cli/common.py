"""Options and helpers shared by the command modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from vigil.settings import Paths

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Where the index and evidence live [env VIGIL_DATA_DIR, default ./data]."
    ),
]
ConfigDirOption = Annotated[
    Path | None,
    typer.Option(
        "--config-dir", help="Folder with markets/ and rates.yaml [env VIGIL_CONFIG_DIR]."
    ),
]


def paths(data_dir: Path | None = None, config_dir: Path | None = None) -> Paths:
    defaults = Paths()
    return Paths(
        config_dir=config_dir or defaults.config_dir, data_dir=data_dir or defaults.data_dir
    )


def fail(message: str, code: int) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code)
