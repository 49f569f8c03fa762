"""`vigil listing show`: one listing in full (a thin wrapper over `vigil.services.listings`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.cli.text import clean
from vigil.services.listings import listing_detail

app = typer.Typer(help="Investigate one listing.", no_args_is_help=True)


@app.command("show")
def show(
    market: Annotated[str, typer.Argument(help="Market id.")],
    listing_id: Annotated[str, typer.Argument(help="The listing's id on that market.")],
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Fields, extraction, price and availability history, and the preserved pages."""
    detail = listing_detail(settings(data_dir=data_dir, config_dir=config_dir), market, listing_id)
    if as_json:
        print_json(detail)
        return
    for line in listing_lines(detail):
        typer.echo(line)


def _price(price: dict[str, Any] | None) -> str:
    if not price:
        return "-"
    eur = "" if price.get("eur") is None else f" (EUR {price['eur']:.2f})"
    return f"{price['amount']} {price['currency']}{eur}"


def listing_lines(d: dict[str, Any]) -> list[str]:
    ext = d["extraction"]
    lines = [
        f"{clean(d['market'])} / {clean(d['listing_id'])}: {clean(d['title'])}",
        f"  url          {clean(d['url'])}",
        f"  status       {d['status']}  first seen {d['first_seen']}  last seen {d['last_seen']}",
        f"  vendor       {clean(d['vendor']) or '-'}",
        f"  category     {clean(d['category']) or '-'}",
        f"  price        {_price(d['price'])}",
    ]
    if d["price_alt"]:
        lines.append(f"  price (alt)  {clean(d['price_alt']['text'])}")
    lines += trade_lines(d)
    lines += [
        f"  ships from   {', '.join(d['ships_from']) or '-'}  ({clean(d['ships_from_text'])})",
        f"  ships to     {', '.join(d['ships_to']) or '-'}  ({clean(d['ships_to_text'])})",
        "  substances   " + (", ".join(f"{s['name']} ({s['class']})" for s in d["substances"]) or "-"),
    ]
    for key in ("quantities", "doses", "crypto_addresses", "contacts", "flags"):
        if ext.get(key):
            lines.append(f"  {key:<12} {clean(ext[key])}")
    lines.append("  history")
    for h in d["history"]:
        counts = "  ".join(f"{k} {h[k]}" for k in ("sales", "feedback_count", "stock")
                           if h.get(k) is not None)
        lines.append(
            f"    {h['observed_at']}  run {h['run_id']:<5} {h['change']:<10} {_price(h['price'])}  {counts}"
        )
    lines += feedback_lines(d)
    lines.append("  evidence")
    for p in d["pages"]:
        lines.append(f"    {p['sha256']}  {','.join(p['roles']):<14} {p['fetched_at']}  {clean(p['url'])}")
    if d["description"]:
        lines += ["  description", *("    " + clean(line) for line in d["description"].splitlines()[:40])]
    return lines


def trade_lines(d: dict[str, Any]) -> list[str]:
    """Sales, feedback, stock and shipping, where the market showed them."""
    lines = []
    counts = [f"{name} {d[key]}" for key, name in (("sales", "sales"), ("feedback_count", "feedback"))
              if d.get(key) is not None]
    if d.get("feedback_score") is not None:
        counts.append(f"score {d['feedback_score']:.2f}")
    if counts:
        lines.append("  trade        " + "  ".join(counts))
    if d.get("in_stock") is not None or d.get("stock") is not None:
        stock = "in stock" if d.get("in_stock") else "out of stock"
        lines.append(f"  stock        {stock}" + (f" ({d['stock']})" if d.get("stock") is not None else ""))
    for option in d.get("shipping_options") or []:
        lines.append(f"  shipping     {clean(option['name'])}: {_price(option['price'])}")
    return lines


def feedback_lines(d: dict[str, Any], limit: int = 20) -> list[str]:
    if not d.get("feedback_stored"):
        return []
    lines = [f"  feedback     {d['feedback_stored']} stored, newest first"]
    for f in d["feedback"][:limit]:
        rating = "-" if f["rating"] is None else f"{f['rating']:.2f}"
        lines.append(f"    {(f['date'] or '?')[:16]:<16}  {rating:<5} {clean(f['text'])[:70]}")
    return lines


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="listing")
