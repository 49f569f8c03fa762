"""`vigil search`: full-text and filtered search over the index."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.query import SORT_KEYS, ListingHit, ListingQuery
from index.sqlite import SqliteStore
from vigil.cli.common import DataDirOption, fail, paths
from vigil.crawling import EXIT_USAGE

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def resolve_substances(text: str) -> tuple[str, ...]:
    """Canonical names a query names, through the extractor's lexicon (`Ketamin` → ketamine)."""
    from nlp import extract

    result = extract({"id": "query", "title": text})
    return tuple(sorted({s["name"] for s in result.get("substances", [])}))


def _date(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects a date like 2026-01-31, got {value!r}", EXIT_USAGE)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def search(
    text: Annotated[
        str, typer.Argument(help="Words to find in titles, descriptions and substance names.")
    ] = "",
    substance: Annotated[
        list[str] | None, typer.Option(help="Canonical substance name (repeatable).")
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
    min_price: Annotated[float | None, typer.Option(help="Minimum price in EUR.")] = None,
    max_price: Annotated[float | None, typer.Option(help="Maximum price in EUR.")] = None,
    since: Annotated[str | None, typer.Option(help="Last seen on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Last seen on or before this date.")] = None,
    first_seen_since: Annotated[
        str | None, typer.Option(help="First seen on or after this date.")
    ] = None,
    status: Annotated[str, typer.Option(help="active, removed or any.")] = "any",
    sort: Annotated[str, typer.Option(help=f"One of: {', '.join(SORT_KEYS)}.")] = "relevance",
    limit: Annotated[int, typer.Option(help="Results per page.", min=1, max=10_000)] = 20,
    page: Annotated[int, typer.Option(help="Page number, from 1.", min=1)] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Search listings; `--json` prints one JSON object per listing with its extraction,
    vendor, price and evidence hashes."""
    if sort not in SORT_KEYS:
        fail(f"--sort must be one of {', '.join(SORT_KEYS)}", EXIT_USAGE)
    if status not in ("active", "removed", "any"):
        fail("--status must be active, removed or any", EXIT_USAGE)
    query = ListingQuery(
        text=text,
        substances=tuple(substance or ()) + (resolve_substances(text) if text else ()),
        classes=tuple(klass or ()),
        markets=tuple(market or ()),
        vendors=tuple(vendor or ()),
        ships_from=tuple(ships_from or ()),
        ships_to=tuple(ships_to or ()),
        price_min_eur=None if min_price is None else Decimal(str(min_price)),
        price_max_eur=None if max_price is None else Decimal(str(max_price)),
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        first_seen_since=_date(first_seen_since, "--first-seen-since"),
        status=status,  # type: ignore[arg-type]
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
        offset=(page - 1) * limit,
    )
    try:
        store = SqliteStore(paths(data_dir).index_path, readonly=True)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        result = store.search(query)
    finally:
        store.close()
    if as_json:
        for hit in result.hits:
            sys.stdout.write(json.dumps(hit_json(hit), ensure_ascii=False) + "\n")
        return
    _table(result.hits, result.total, page, limit)


def hit_json(hit: ListingHit) -> dict[str, Any]:
    return {
        "market": hit.market,
        "listing_id": hit.listing_id,
        "url": hit.url,
        "title": hit.title,
        "vendor": hit.vendor,
        "price": None
        if hit.price_amount is None
        else {
            "amount": str(hit.price_amount),
            "currency": hit.price_currency,
            "eur": None if hit.price_eur is None else round(float(hit.price_eur), 2),
        },
        "ships_from": hit.ships_from,
        "ships_to": hit.ships_to,
        "status": hit.status,
        "first_seen": hit.first_seen.isoformat(),
        "last_seen": hit.last_seen.isoformat(),
        "substances": hit.substances,
        "extraction": hit.extraction,
        "evidence": hit.evidence,
    }


def _safe(value: str, width: int = 0) -> Text:
    """Scraped text for a terminal: no control sequences, no markup."""
    clean = _CONTROL.sub(" ", value)
    if width and len(clean) > width:
        clean = clean[: width - 1] + "…"
    return Text(clean)


def _table(hits: list[ListingHit], total: int, page: int, limit: int) -> None:
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    table = Table(show_lines=False, header_style="bold")
    for column in (
        "market",
        "id",
        "title",
        "substances",
        "vendor",
        "EUR",
        "from",
        "last seen",
        "status",
    ):
        table.add_column(column, overflow="fold")
    for hit in hits:
        names = ", ".join(sorted({s["name"] for s in hit.substances}))
        table.add_row(
            _safe(hit.market),
            _safe(hit.listing_id),
            _safe(hit.title, 60),
            _safe(names, 30),
            _safe(hit.vendor),
            "" if hit.price_eur is None else f"{hit.price_eur:.2f}",
            _safe(",".join(hit.ships_from)),
            hit.last_seen.date().isoformat(),
            hit.status,
        )
    console.print(table)
    first = (page - 1) * limit + 1 if hits else 0
    console.print(f"{first}-{first + len(hits) - 1 if hits else 0} of {total} listings")


def register(root: typer.Typer) -> None:
    root.command("search")(search)
