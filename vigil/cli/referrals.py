"""`vigil platforms` and `vigil legal`: the platform registry and the legal-basis library
(docs/referrals.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, fail, print_json, settings


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="A readable table or JSON.")]

platforms_app = typer.Typer(
    help="The platforms DSA notices go to (config/platforms/*.yaml).", no_args_is_help=True
)
legal_app = typer.Typer(
    help="The legal-basis library: the law that makes an offer illegal (config/legal/*.yaml).",
    no_args_is_help=True,
)


@platforms_app.command("list")
def list_platforms(format: FormatOption = Format.table, config_dir: ConfigDirOption = None) -> None:
    """List the platforms: id, country, trusted-flagger status, how they take notices.

    A malformed file stops the listing with an error naming the file and the field (exit 2).
    """
    from vigil.referrals.files import ReferralConfigError
    from vigil.referrals.platforms import load_platforms

    folder = settings(config_dir=config_dir).platforms_dir
    try:
        platforms = load_platforms(folder)
    except ReferralConfigError as exc:
        fail(str(exc), exit_codes.USAGE)
    if format is Format.json:
        print_json([p.model_dump(mode="json") for p in platforms.values()])
        return
    if not platforms:
        typer.echo(f"no platform configs in {folder}", err=True)
        return
    typer.echo(f"{'id':<16} {'country':<7} {'trusted':<7} {'legal name':<36} notices")
    for p in platforms.values():
        ways = [way for way in ("web_form", "email", "api") if getattr(p.notices, way)]
        flagger = "yes" if p.trusted_flagger.status else "no"
        typer.echo(f"{p.id:<16} {p.country:<7} {flagger:<7} {p.legal_name[:36]:<36} {', '.join(ways)}")


@legal_app.command("list")
def list_legal(
    country: Annotated[
        str | None, typer.Option("--country", help="A country (DE, NL…): its provisions, then the EU's.")
    ] = None,
    substance_class: Annotated[
        str | None, typer.Option("--class", help="A substance class (DESIGN.md): the provisions covering it.")
    ] = None,
    format: FormatOption = Format.table,
    config_dir: ConfigDirOption = None,
) -> None:
    """List legal bases. With --country and --class: what makes offering that class illegal there,
    national provisions first. The library is a starting point for legal counsel, not legal advice."""
    from vigil.referrals.files import ReferralConfigError
    from vigil.referrals.legal import CLASSES, load_library, select
    from vigil.services.errors import UsageError

    folder = settings(config_dir=config_dir).legal_dir
    try:
        rows = select(load_library(folder), folder, country=country, substance_class=substance_class)
    except ReferralConfigError as exc:
        fail(str(exc), exit_codes.USAGE)
    except UsageError as exc:  # an unknown class is checked first
        option = "--country" if substance_class is None or substance_class in CLASSES else "--class"
        fail(f"{option}: {exc}", exit_codes.USAGE)
    if format is Format.json:
        print_json([{**entry.model_dump(mode="json"), "reviewed": file.model_dump(mode="json")["reviewed"]}
                    for file, entry in rows])
        return
    typer.echo(f"{'id':<40} {'where':<5} {'short':<28} {'article':<26} reviewed")
    for file, entry in rows:
        typer.echo(f"{entry.id:<40} {entry.jurisdiction:<5} {entry.short[:28]:<28} "
                   f"{(entry.article or '(see note)')[:26]:<26} {file.reviewed or 'never'}")
    if any(file.reviewed is None for file, _ in rows):
        typer.echo("not reviewed by legal counsel: a starting point, not legal advice", err=True)


def register(root: typer.Typer) -> None:
    root.add_typer(platforms_app, name="platforms")
    root.add_typer(legal_app, name="legal")
