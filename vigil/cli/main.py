"""The `vigil` command: one Typer app, one module per command group in `vigil/cli/`."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="vigil",
    help="Vigil: monitor online drug markets (crawl, extract, index, search).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command-group modules, each exposing `register(app)`. Order is the order in --help.
COMMAND_MODULES = [
    "vigil.cli.crawl",
    "vigil.cli.markets",
    "vigil.cli.search",
    "vigil.cli.extract",
    "vigil.cli.evidence",
    "vigil.cli.demo",
]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # the module is not written yet
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    app()
