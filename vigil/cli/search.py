"""`vigil search`: full-text and filtered search over the index (a thin wrapper over
`vigil.services.search`)."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated, Any, Literal

import typer

from index.query import FACETS, SORT_KEYS
from vigil.cli.common import ConfigDirOption, DataDirOption, settings
from vigil.cli.text import console, safe
from vigil.services.exports import CSV_COLUMNS, csv_row
from vigil.services.exports import csv_cell as _cell  # noqa: F401 (tests import it from here)
from vigil.services.search import SearchRequest, search

Format = Literal["table", "json", "csv"]


def search_command(
    text: Annotated[
        str, typer.Argument(help="Words to find in titles, descriptions and substance names.")
    ] = "",
    substance: Annotated[
        list[str] | None, typer.Option(help="Substance name, any alias (repeatable).")
    ] = None,
    klass: Annotated[
        list[str] | None, typer.Option("--class", help="Substance class, e.g. dissociative.")
    ] = None,
    market: Annotated[list[str] | None, typer.Option(help="Market id (repeatable).")] = None,
    vendor: Annotated[list[str] | None, typer.Option(help="Vendor alias (repeatable).")] = None,
    ships_from: Annotated[list[str] | None, typer.Option(help="ISO country code, e.g. NL.")] = None,
    ships_to: Annotated[
        list[str] | None, typer.Option(help="ISO country code, EU or WORLDWIDE.")
    ] = None,
    carrier: Annotated[
        list[str] | None,
        typer.Option(help="Shipping method advertised, e.g. DHL, InPost, 'dead drop' (repeatable)."),
    ] = None,
    shipping_kind: Annotated[
        list[str] | None,
        typer.Option(help="post, courier, parcel_locker, stealth, dead_drop, express, tracked or supplier."),
    ] = None,
    min_price: Annotated[float | None, typer.Option(help="Minimum price in EUR.")] = None,
    max_price: Annotated[float | None, typer.Option(help="Maximum price in EUR.")] = None,
    since: Annotated[str | None, typer.Option(help="Last seen on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Last seen on or before this date.")] = None,
    first_seen_since: Annotated[
        str | None, typer.Option(help="First seen on or after this date.")
    ] = None,
    status: Annotated[str, typer.Option(help="active, removed or any.")] = "any",
    sort: Annotated[str, typer.Option(help=f"One of: {', '.join(SORT_KEYS)}.")] = "relevance",
    limit: Annotated[int, typer.Option(help="Results per page (1-10000).")] = 20,
    page: Annotated[int, typer.Option(help="Page number, from 1 (up to the 10000th listing).")] = 1,
    after: Annotated[
        str, typer.Option(help="Deep paging: the cursor printed after the previous page (any depth).")
    ] = "",
    facet: Annotated[
        list[str] | None,
        typer.Option(help=f"Count the matches by: {', '.join(FACETS)} (repeatable; table and json)."),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="table, json (one object per line) or csv.")
    ] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Search listings. An unknown --class or --market is an error (exit 2), not an empty
    result; `--format json` prints one object per listing with its extraction, vendor, price
    and evidence hashes."""
    fmt = "json" if as_json else output
    if fmt not in ("table", "json", "csv"):
        typer.echo(f"error: --format must be table, json or csv, not {fmt!r}", err=True)
        raise typer.Exit(2)
    request = SearchRequest(
        text=text,
        substances=tuple(substance or ()),
        classes=tuple(klass or ()),
        markets=tuple(market or ()),
        vendors=tuple(vendor or ()),
        ships_from=tuple(ships_from or ()),
        ships_to=tuple(ships_to or ()),
        carriers=tuple(carrier or ()),
        shipping_kinds=tuple(shipping_kind or ()),
        min_price=min_price,
        max_price=max_price,
        since=since,
        until=until,
        first_seen_since=first_seen_since,
        status=status,
        sort=sort,
        limit=limit,
        page=page,
        after=after,
        facets=tuple(facet or ()),
    )
    result = search(settings(data_dir=data_dir, config_dir=config_dir), request)
    if fmt == "json":
        for hit in result["hits"]:
            sys.stdout.write(json.dumps(hit, ensure_ascii=False) + "\n")
        if result.get("facets"):
            sys.stdout.write(json.dumps({"facets": result["facets"]}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        _csv(result["hits"])
    else:
        _table(result)
    if result["next_after"]:  # stderr: stdout stays the listings only, for pipes
        typer.echo(f"next page: --after {result['next_after']}", err=True)


def _names(hit: dict[str, Any]) -> str:
    return ", ".join(sorted({s["name"] for s in hit["substances"]}))


def _csv(hits: list[dict[str, Any]]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:  # formula-looking cells are quoted (services/exports.py)
        writer.writerow(csv_row(hit))


def _table(result: dict[str, Any]) -> None:
    from rich.table import Table  # lazy: only a search that prints a table needs it

    table = Table(show_lines=False, header_style="bold")
    for column in ("market", "id", "title", "substances", "vendor", "EUR", "from", "last seen", "status"):
        table.add_column(column, overflow="fold")
    for hit in result["hits"]:
        price = hit["price"] or {}
        table.add_row(
            safe(hit["market"]),
            safe(hit["listing_id"]),
            safe(hit["title"], 60),
            safe(_names(hit), 30),
            safe(hit["vendor"]),
            "" if price.get("eur") is None else f"{price['eur']:.2f}",
            safe(",".join(hit["ships_from"])),
            hit["last_seen"][:10],
            hit["status"],
        )
    out = console()
    out.print(table)
    hits, total = result["hits"], result["total"]
    first = (result["page"] - 1) * result["limit"] + 1 if hits else 0
    if result["page"] is None:
        out.print(f"{len(hits)} of {total} listings")
    else:
        out.print(f"{first}-{first + len(hits) - 1 if hits else 0} of {total} listings")
    for name, values in result.get("facets", {}).items():
        counts = ", ".join(f"{safe(v['value'])} {v['count']}" for v in values)
        out.print(f"{name}: {counts or '-'}")


def register(root: typer.Typer) -> None:
    root.command("search")(search_command)
