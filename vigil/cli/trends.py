"""`vigil trends`: listings and vendors per substance over time, and price per gram."""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.cli.text import clean
from vigil.services import trends

trends_app = typer.Typer(
    help="Trends over every listing every crawl saw: per substance per day or week.", no_args_is_help=True
)

IntervalOption = Annotated[str, typer.Option(help="day, week (from Monday, UTC) or all (the whole range).")]
SinceOption = Annotated[str | None, typer.Option(help="From this date (ISO, e.g. 2026-01-01).")]
UntilOption = Annotated[str | None, typer.Option(help="Up to this date, inclusive.")]
MarketOption = Annotated[list[str] | None, typer.Option(help="Only this market (repeatable).")]
SubstanceOption = Annotated[
    list[str] | None, typer.Option(help="Only this substance, any alias (repeatable).")
]


@trends_app.command("listings")
def listings(
    interval: IntervalOption = "day",
    since: SinceOption = None,
    until: UntilOption = None,
    market: MarketOption = None,
    substance: SubstanceOption = None,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Distinct listings, and distinct vendor aliases, offering each substance per period: the
    early warning view (a substance appearing, or spreading to more vendors)."""
    query = trends.trend_query(
        interval=interval,
        since=since,
        until=until,
        markets=tuple(market or ()),
        substances=tuple(substance or ()),
    )
    rows = trends.substance_trend(settings(data_dir=data_dir, config_dir=config_dir), query)
    if as_json:
        print_json(rows)
        return
    typer.echo(f"{'period':<10}  {'substance':<28} {'listings':>8} {'vendors':>7}")
    for row in rows:
        typer.echo(
            f"{row['period'] or 'all':<10}  {clean(row['substance'])[:28]:<28} "
            f"{row['listings']:>8} {row['vendors']:>7}"
        )


@trends_app.command("prices")
def prices(
    interval: IntervalOption = "week",
    since: SinceOption = None,
    until: UntilOption = None,
    market: MarketOption = None,
    substance: SubstanceOption = None,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Median price per gram (EUR) per substance and market per period, over the sightings
    whose price per gram the extractor could work out."""
    query = trends.trend_query(
        interval=interval,
        since=since,
        until=until,
        markets=tuple(market or ()),
        substances=tuple(substance or ()),
    )
    rows = trends.price_per_gram(settings(data_dir=data_dir, config_dir=config_dir), query)
    if as_json:
        print_json(rows)
        return
    typer.echo(f"{'period':<10}  {'substance':<28} {'market':<12} {'EUR/g':>9} {'sightings':>9}")
    for row in rows:
        typer.echo(
            f"{row['period'] or 'all':<10}  {clean(row['substance'])[:28]:<28} "
            f"{clean(row['market'])[:12]:<12} "
            f"{row['median_eur_per_gram']:>9.2f} {row['sightings']:>9}"
        )


def register(root: typer.Typer) -> None:
    root.add_typer(trends_app, name="trends")
