"""`vigil vendor show`: a vendor's profile (a thin wrapper over `vigil.services.vendors`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, JsonOption, print_json, settings
from vigil.cli.listing import feedback_lines
from vigil.cli.text import clean
from vigil.services.vendors import vendor_profile

app = typer.Typer(help="Investigate one vendor.", no_args_is_help=True)


@app.command("show")
def show(
    market: Annotated[str, typer.Argument(help="Market id.")],
    alias: Annotated[str, typer.Argument(help="The vendor's alias on that market.")],
    limit: Annotated[int, typer.Option(help="Listings to show, newest first.", min=1)] = 100,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Identifiers, PGP fingerprints, contacts, crypto addresses, the same vendor on other
    markets (same alias, or a shared PGP key, contact or address) and its listings."""
    profile = vendor_profile(
        settings(data_dir=data_dir, config_dir=config_dir), market, alias, listings=limit
    )
    if as_json:
        print_json(profile)
        return
    for line in vendor_lines(profile):
        typer.echo(line)


def vendor_lines(p: dict[str, Any]) -> list[str]:
    lines = [
        f"{clean(p['market'])} / {clean(p['alias'])}",
        f"  url          {clean(p['url'])}",
        f"  first seen   {p['first_seen']}  last seen {p['last_seen']}",
        "  pgp          " + (", ".join(p["pgp_fingerprints"]) or "-"),
        "  contacts     " + (", ".join(f"{c['kind']}:{clean(c['value'])}" for c in p["contacts"]) or "-"),
        "  crypto       " + (", ".join(f"{a['chain']}:{a['address']}" for a in p["crypto_addresses"]) or "-"),
        "  mentions     " + (clean(", ".join(p["mentions"])) or "-"),
        "  elsewhere    " + (", ".join(
            f"{clean(o['market'])}/{clean(o['alias'])} ({'+'.join(o['shared'])})" for o in p["other_markets"]
        ) or "-"),
    ]
    stats = p.get("stats") or {}
    if stats:
        lines.append("  stats        " + "  ".join(f"{k} {clean(str(v))}" for k, v in stats.items()))
    lines.append(f"  listings     {len(p['listings'])}")
    for listing in p["listings"]:
        names = ", ".join(sorted({s["name"] for s in listing["substances"]}))
        lines.append(f"    {clean(listing['listing_id']):<12} {listing['status']:<8} "
                     f"{clean(listing['title'])[:60]}  [{names}]")
    lines += feedback_lines(p)
    lines.append("  evidence")
    for page in p["pages"]:
        lines.append(f"    {page['sha256']}  {','.join(page['roles']):<10} {clean(page['url'])}")
    return lines


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="vendor")
