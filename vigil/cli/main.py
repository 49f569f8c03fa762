"""The `vigil` command: one Typer app, one module per command group in `vigil/cli/`.

Errors the user can act on leave as one `error: …` line and an exit code (docs/cli.md), never
as a traceback: bad input and settings 2, a record not found 2, a failed index 1.
"""

from __future__ import annotations

import importlib
import sys

import typer

from index.errors import StoreError
from index.evidence import TamperedEvidence
from vigil import exit_codes
from vigil.services.errors import NotFound, Unavailable, UsageError
from vigil.settings import SettingsError

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
    "vigil.cli.referrals",
    "vigil.cli.search",
    "vigil.cli.listing",
    "vigil.cli.vendor",
    "vigil.cli.runs",
    "vigil.cli.schedule",
    "vigil.cli.health",
    "vigil.cli.session",
    "vigil.cli.extract",
    "vigil.cli.nlp",
    "vigil.cli.evidence",
    "vigil.cli.demo",
    "vigil.cli.es",
    "vigil.cli.index",
    "vigil.cli.trends",
    "vigil.cli.users",
    "vigil.cli.audit",
    "vigil.cli.web",
]

#: Exceptions that are the user's to fix, and their exit codes.
USER_ERRORS: tuple[tuple[type[Exception], int], ...] = (
    (UsageError, exit_codes.USAGE),
    (SettingsError, exit_codes.USAGE),
    (NotFound, exit_codes.USAGE),
    (TamperedEvidence, exit_codes.FAILED),
    (StoreError, exit_codes.FAILED),
    (Unavailable, exit_codes.FAILED),
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_all()


def main() -> None:
    try:
        app()
    except tuple(kind for kind, _ in USER_ERRORS) as exc:
        code = next(code for kind, code in USER_ERRORS if isinstance(exc, kind))
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(code)
