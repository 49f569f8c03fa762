"""`vigil demo`: serve the sample markets, print their ground truth, run the whole demo."""

from __future__ import annotations

import json
import os
import time
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

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
HostileOption = Annotated[
    bool, typer.Option("--hostile", help="nightowl also shows the hostile corpus: XSS, markup and "
                       "Unicode payloads in titles, descriptions and vendor names (demo/hostile.py).")
]
LifetimeOption = Annotated[
    int, typer.Option(min=0, help="nightowl pages a login opens before its session expires (0: never).")
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
    session_lifetime: LifetimeOption = 0,
    layout: Annotated[
        int, typer.Option(min=1, max=2, help="Markup generation: 2 renames rc-labor's vendor markup "
                          "(a layout change the next crawl's health check reports).")
    ] = 1,
    config_dir: ConfigDirOption = None,
    hostile: HostileOption = False,
) -> None:
    """Serve the three sample markets until Ctrl-C, and say how to get nightowl's session."""
    from demo import MARKETS, World
    from demo.server import start
    from demo.socks import SocksServer
    from vigil.demo_run import dark_proxy, served_url

    where = settings(config_dir=config_dir)
    ports = {m: base_port + n + 1 for n, m in enumerate(MARKETS)} if base_port else None
    world = World(seed, listings, day, interstitial_rate, session_lifetime=session_lifetime, layout=layout,
                  hostile=hostile)
    handle = start(world, host, ports)
    proxy = dark_proxy(handle)
    socks = SocksServer(routes=proxy.routes, host=host, port=base_port).start()
    for market, url in handle.urls.items():
        onion = served_url(market, handle)
        also = f"  (as a dark market: {onion}, through the Tor stand-in)" if onion != url else ""
        typer.echo(f"{market:10} {url}{also}")
    typer.echo(f"{'tor':10} {socks.url}  (a SOCKS5 stand-in for Tor: export VIGIL_TOR_PROXY={socks.url})")
    typer.echo(_session_help(where, handle.urls["nightowl"]))
    typer.echo("(Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        socks.stop()
        handle.stop()


def _session_help(where: Settings, url: str) -> str:
    """How a newcomer gets a session for the sample dark market being served at `url`."""
    from crawler.config import ConfigError, load_market
    from demo import DEMO_CREDENTIALS

    try:
        configured = load_market(where.markets_dir, "nightowl").mirrors[0]
    except ConfigError:
        configured = ""
    at = "" if url == configured else f" --url {url}"
    mirror = "" if url == configured else f" --mirror nightowl={url}"
    return (
        "\nnightowl is behind a login: the crawler needs a session (cookies and user agent).\n"
        f"  quick:  vigil demo login{at}      (logs in and stores the session for you)\n"
        f"  by hand, as for a real market: open {url}/login in a browser, sign in as "
        f"{DEMO_CREDENTIALS[0]} / {DEMO_CREDENTIALS[1]},\n"
        "          export the cookies (a cookies.txt extension), then\n"
        "          vigil session set nightowl --cookies cookies.txt "
        '--user-agent "<that browser\'s user agent>"\n'
        f"  then:   vigil crawl nightowl{mirror}"
    )


@demo_app.command("login")
def login(
    market: Annotated[str, typer.Option(help="The sample market to log in to.")] = "nightowl",
    url: Annotated[
        str | None,
        typer.Option(
            help="Where it is served (default: its config's mirror, where `vigil demo serve` serves it)."
        ),
    ] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Log in to a running sample market and store its session, as `vigil session set` would.

    Uses the demo credentials and the user agent Vigil crawls with. Exit 1 when nothing
    answers (start it with `vigil demo serve`), 2 for a market without a login.
    """
    from crawler.config import ConfigError, load_market
    from demo import DEMO_CREDENTIALS
    from vigil.demo_run import demo_login_cookies
    from vigil.services.sessions import store_session

    where = settings(config_dir=config_dir)
    if market != "nightowl":
        fail(f"{market!r} has no login to get a session for; only nightowl has", exit_codes.USAGE)
    try:
        config = load_market(where.markets_dir, market)
    except ConfigError as exc:
        fail(str(exc), exit_codes.USAGE)
    base = (url or config.mirrors[0]).rstrip("/")
    user_agent = str(where.scrapy_settings().get("USER_AGENT"))
    try:
        cookies = demo_login_cookies(base, DEMO_CREDENTIALS, user_agent)
    except OSError as exc:
        fail(f"no sample market answers at {base} ({exc}); start it with `vigil demo serve`",
             exit_codes.FAILED)
    if not cookies:
        fail(f"{base} set no cookie on login: is it the sample market nightowl?", exit_codes.FAILED)
    report = store_session(where, config, cookies, user_agent, source=base,
                           extra_hosts={urlsplit(base).hostname or ""})
    mirror = "" if base == config.mirrors[0] else f" --mirror nightowl={base}"
    typer.echo(f"{market}: logged in at {base} as {DEMO_CREDENTIALS[0]}; stored cookie(s) "
               f"{', '.join(report['cookies'])} with Vigil's user agent in {report['secrets_file']}")
    typer.echo(f"now: vigil crawl {market}{mirror}")


@demo_app.command("truth")
def truth(
    seed: SeedOption = 7,
    listings: ListingsOption = 40,
    day: DayOption = 1,
    market: Annotated[
        str | None, typer.Option(help="Only this market (nightowl, swapbay, rc-labor).")
    ] = None,
    hostile: HostileOption = False,
) -> None:
    """Print the simulator's ground truth for a day as JSON."""
    from demo import MARKETS, truth_json

    if market is not None and market not in MARKETS:
        typer.echo(f"error: unknown market {market!r}; one of {', '.join(MARKETS)}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(truth_json(seed, listings, day, market, hostile), ensure_ascii=False, indent=1))


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
    hostile: HostileOption = False,
) -> None:
    """Serve the sample markets, log in, crawl them all (swapbay through Chromium), summarise.

    The simulated day's date is the crawl's clock. Exit codes as for `vigil crawl`.
    """
    from vigil.cli.summary import print_summary
    from vigil.demo_run import run_demo, web_hint
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
                              interstitial_rate=interstitial_rate, markets=market or None, hostile=hostile)
    print(f"sample markets (day {day}, seed {seed}): "
          + ", ".join(f"{m} {u}" for m, u in urls.items()))
    print_summary(where, outcomes)
    if where.store != "sqlite":
        prefix = "" if where.es_index_prefix == "vigil" else f" VIGIL_ES_INDEX_PREFIX={where.es_index_prefix}"
        url = where.es_url.split(",")[0]
        print(f"to search it: export VIGIL_STORE={where.store} VIGIL_ES_URL={url}{prefix}")
    print(web_hint(where))
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
