"""`vigil demo`: serve the sample markets, print their ground truth, run the whole demo."""

from __future__ import annotations

import json
import os
import time
from enum import StrEnum
from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import (
    ConfigDirOption,
    DataDirOption,
    LogLevelOption,
    ProgressOption,
    fail,
    settings,
)
from vigil.settings import Settings

demo_app = typer.Typer(
    help="The sample markets (a deterministic simulator, see demo/).", no_args_is_help=True
)

SeedOption = Annotated[int, typer.Option(help="Seed of the simulated world (same seed, same markets).")]
ListingsOption = Annotated[int, typer.Option(help="Listings per market on day 1.")]
DayOption = Annotated[int, typer.Option(min=1, help="Simulator day (1 = 2026-01-05); later days evolve.")]
RateOption = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Share of nightowl requests answered by a queue page.")
]


@demo_app.command("serve")
def serve(
    seed: SeedOption = 7,
    listings: ListingsOption = 40,
    day: DayOption = 1,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    base_port: Annotated[
        int,
        typer.Option(
            help="the Tor stand-in (SOCKS5) listens on BASE, nightowl on BASE+1, swapbay on BASE+2, "
            "rc-labor on BASE+3; 0: any free ports."
        ),
    ] = 8730,
    interstitial_rate: RateOption = 0.1,
) -> None:
    """Serve the three sample markets until Ctrl-C."""
    from demo import DEMO_CREDENTIALS, MARKETS, World
    from demo.server import start
    from demo.socks import SocksServer
    from vigil.demo_run import dark_proxy, served_url

    ports = {m: base_port + n + 1 for n, m in enumerate(MARKETS)} if base_port else None
    handle = start(World(seed, listings, day, interstitial_rate), host, ports)
    proxy = dark_proxy(handle)
    socks = SocksServer(routes=proxy.routes, host=host, port=base_port).start()
    for market, url in handle.urls.items():
        onion = served_url(market, handle)
        also = f"  (as a dark market: {onion}, through the Tor stand-in)" if onion != url else ""
        typer.echo(f"{market:10} {url}{also}")
    typer.echo(f"{'tor':10} {socks.url}  (a SOCKS5 stand-in for Tor: export VIGIL_TOR_PROXY={socks.url})")
    typer.echo(f"nightowl login: {DEMO_CREDENTIALS[0]} / {DEMO_CREDENTIALS[1]}  (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        socks.stop()
        handle.stop()


@demo_app.command("truth")
def truth(
    seed: SeedOption = 7,
    listings: ListingsOption = 40,
    day: DayOption = 1,
    market: Annotated[
        str | None, typer.Option(help="Only this market (nightowl, swapbay, rc-labor).")
    ] = None,
) -> None:
    """Print the simulator's ground truth for a day as JSON."""
    from demo import MARKETS, truth_json

    if market is not None and market not in MARKETS:
        typer.echo(f"error: unknown market {market!r}; one of {', '.join(MARKETS)}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(truth_json(seed, listings, day, market), ensure_ascii=False, indent=1))


@demo_app.command("run")
def run(
    seed: SeedOption = 7,
    listings: ListingsOption = 40,
    day: DayOption = 1,
    interstitial_rate: RateOption = 0.1,
    log_level: LogLevelOption = None,
    progress: ProgressOption = None,
    store: Annotated[
        StoreName | None,
        typer.Option(
            help="Index into this store (default: VIGIL_STORE, else sqlite). For a cluster, "
            "VIGIL_ES_URL if set, else the dev node of `vigil es dev` (started if needed)."
        ),
    ] = None,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
    market: Annotated[
        list[str] | None,
        typer.Option(help="Crawl only this sample market (repeatable; default: all three)."),
    ] = None,
) -> None:
    """Serve the sample markets, log in, crawl them all (swapbay through Chromium), summarise.

    The simulated day's date is the crawl's clock. Exit codes as for `vigil crawl`.
    """
    from vigil.cli.summary import print_summary
    from vigil.demo_run import run_demo
    from vigil.services.crawls import exit_code

    where = settings(data_dir=data_dir, config_dir=config_dir, log_level=log_level,
                     progress_interval=progress, store=store.value if store else None)
    if where.store != "sqlite" and not os.environ.get("VIGIL_ES_URL"):
        where = _on_dev_node(where)
    from demo import MARKETS

    unknown = sorted(set(market or []) - set(MARKETS))
    if unknown:
        fail(f"unknown sample market(s) {', '.join(unknown)}; any of {', '.join(MARKETS)}", exit_codes.USAGE)
    outcomes, urls = run_demo(where, seed=seed, listings=listings, day=day,
                              interstitial_rate=interstitial_rate, markets=market or None)
    print(f"sample markets (day {day}, seed {seed}): "
          + ", ".join(f"{m} {u}" for m, u in urls.items()))
    print_summary(where, outcomes)
    if where.store != "sqlite":
        prefix = "" if where.es_index_prefix == "vigil" else f" VIGIL_ES_INDEX_PREFIX={where.es_index_prefix}"
        url = where.es_url.split(",")[0]
        print(f"to search it: export VIGIL_STORE={where.store} VIGIL_ES_URL={url}{prefix}")
    raise typer.Exit(exit_code(outcomes))


class StoreName(StrEnum):
    sqlite = "sqlite"
    elasticsearch = "elasticsearch"
    opensearch = "opensearch"


def _on_dev_node(where: Settings) -> Settings:
    """The same settings, pointed at the background dev node of `vigil es dev`."""
    from vigil.devnodes import NodeError
    from vigil.devnodes import dev as devnodes

    try:
        node, _ = devnodes.ensure_running(where.data_dir, where.store, say=lambda m: typer.echo(m, err=True))
    except NodeError as exc:
        fail(str(exc), exit_codes.FAILED)
    typer.echo(f"{where.store} dev node at {node.url} (stop it with `vigil es dev --stop"
               f"{'' if where.store == 'elasticsearch' else ' --product ' + where.store}`)", err=True)
    return where.with_overrides(es_url=node.url, es_replicas=0)


def register(app: typer.Typer) -> None:
    """Add the `demo` command group to the root app."""
    app.add_typer(demo_app, name="demo")
