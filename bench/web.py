"""Search latency of the web front ends at 100,000 listings on SQLite, against the services.

The same ~10 typical searches, timed three ways in the same run:
  (a) `vigil.services.search.search` called directly: the baseline;
  (b) the REST API, `GET /api/v1/search`, over HTTP on loopback (uvicorn in a thread, an httpx
      client with a bearer token; every call also writes its audit entry);
  (c) the search page, `GET /search?...` of the web app, when `vigil.web.app.create_app` has one;
      beside it the services asked for every facet too, as the page asks (its main cost).
p50 and p95 in milliseconds, and each front end's p50 as a ratio to (a). Figures only, no
assertions: machines here are noisy, compare the ratios.

    .venv/bin/python bench/web.py [--listings 100000] [--repeat 30] [--data-dir DIR]

`--data-dir` keeps the built index for the next run (it is built only when missing).
"""

from __future__ import annotations

import argparse
import importlib.util
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from index import open_store  # noqa: E402
from index.query import FACETS  # noqa: E402
from index.records import CrawlRun  # noqa: E402
from vigil.accounts import Accounts  # noqa: E402
from vigil.services.search import SearchRequest, search  # noqa: E402
from vigil.settings import Settings  # noqa: E402
from vigil.web.api import build_api  # noqa: E402


def _bench_index() -> Any:
    """bench/index.py (its module name would shadow the `index` package): its listing builder."""
    spec = importlib.util.spec_from_file_location("bench_index", ROOT / "bench" / "index.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_index"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


#: name -> (the request, the same as query parameters of the API and the page)
QUERIES: dict[str, tuple[SearchRequest, dict[str, Any]]] = {
    "text 'ketamine'": (SearchRequest(text="ketamine"), {"q": "ketamine"}),
    "text 'crystal stealth', active": (
        SearchRequest(text="crystal stealth", status="active"), {"q": "crystal stealth", "status": "active"}),
    "substance 3-mmc, price 20-500, by price": (
        SearchRequest(substances=("3-mmc",), min_price=20, max_price=500, sort="price"),
        {"substance": "3-mmc", "min_price": 20, "max_price": 500, "sort": "price"}),
    "class stimulant, ships from NL": (
        SearchRequest(classes=("stimulant",), ships_from=("NL",)),
        {"class": "stimulant", "ships_from": "NL"}),
    "market nightowl, newest": (
        SearchRequest(markets=("nightowl",), sort="-last_seen"),
        {"market": "nightowl", "sort": "-last_seen"}),
    "vendor42, newest": (
        SearchRequest(vendors=("vendor42",), sort="-last_seen"),
        {"vendor": "vendor42", "sort": "-last_seen"}),
    "ships to DE, last 30 days": (
        SearchRequest(ships_to=("DE",), since="2026-07-29"), {"ships_to": "DE", "since": "2026-07-29"}),
    "everything, 100 per page": (SearchRequest(limit=100), {"limit": 100}),
    "text 'powder' + facets": (
        SearchRequest(text="powder", facets=("substance", "market", "ships_from")),
        {"q": "powder", "facet": ["substance", "market", "ships_from"]}),
    "no match": (SearchRequest(text="nitazene"), {"q": "nitazene"}),
}


def build(data_dir: Path, count: int) -> Settings:
    settings = Settings(data_dir=data_dir)
    if settings.index_path.exists():
        print(f"reusing the index in {data_dir}", file=sys.stderr)
        return settings
    bench_index = _bench_index()
    store = open_store(settings)
    try:
        run = store.start_run(CrawlRun(market="bench", started_at=bench_index.T0))
        began = time.perf_counter()
        for n, listing in enumerate(bench_index.synthetic(count, seed=9), 1):
            store.write_listing(listing, bench_index.observation(listing, run.id), run.id)
            if n % 20_000 == 0:
                print(f"  {n} listings written", file=sys.stderr)
        store.flush()
        print(f"built {count} listings in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    finally:
        store.close()
    return settings


def percentiles(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


class Server:
    """An ASGI app served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def page_client(settings: Settings) -> tuple[Any, Callable[[str], httpx.Client]] | None:
    """The web app and a logged-in client factory, when the web app (web-pages) is there."""
    try:
        from vigil.web.app import create_app
    except ImportError:
        return None
    from vigil.web.security import SESSION_COOKIE

    app = create_app(settings)
    session = Accounts.open(settings).start_session("bench-investigator", 3600)

    def client(base: str) -> httpx.Client:
        return httpx.Client(base_url=base, cookies={SESSION_COOKIE: session}, timeout=60)

    return app, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query per front end")
    parser.add_argument("--data-dir", type=Path, help="keep (or reuse) the built index here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = build(args.data_dir or Path(tmp) / "data", args.listings)
        accounts = Accounts.open(settings)
        if accounts.user("bench-investigator") is None:
            accounts.add_user("bench-investigator", "investigator", "bench password 1")
        token = accounts.issue_token("bench-investigator", label="bench/web.py")
        pages = page_client(settings)
        rows = []
        headers = {"Authorization": f"Bearer {token}", "X-Vigil-Case": "BENCH"}
        with Server(build_api(settings)) as api_base, httpx.Client(
            base_url=api_base, headers=headers, timeout=60
        ) as api:
            page_server = Server(pages[0]) if pages else None
            page_base = page_server.__enter__() if page_server else ""
            page = pages[1](page_base) if pages else None
            try:
                for name, (request, params) in QUERIES.items():
                    total = search(settings, request)["total"]
                    direct = percentiles(lambda r=request: search(settings, r), args.repeat)

                    def over_api(p: dict[str, Any] = params) -> None:
                        response = api.get("/search", params=p)
                        response.raise_for_status()

                    through_api = percentiles(over_api, args.repeat)
                    through_page = faceted = None
                    if page is not None:
                        # the page counts every facet of the matches: the services doing the same
                        with_facets = replace(request, facets=FACETS)
                        faceted = percentiles(lambda r=with_facets: search(settings, r), args.repeat)

                        def on_page(p: dict[str, Any] = params) -> None:
                            response = page.get("/search", params=p)
                            response.raise_for_status()

                        through_page = percentiles(on_page, args.repeat)
                    rows.append((name, total, direct, through_api, through_page, faceted))
            finally:
                if page is not None:
                    page.close()
                if page_server:
                    page_server.__exit__()
        accounts.revoke_tokens("bench-investigator")
    report(rows, args.listings, args.repeat)


def report(rows: list[tuple], count: int, repeat: int) -> None:
    print(f"search latency at {count} listings on SQLite, ms over {repeat} runs; ratios: p50 / services p50")
    print(f"{'query':<40} {'hits':>7} {'svc p50':>8} {'p95':>7} {'api p50':>8} {'p95':>7} {'x':>5} "
          f"{'page p50':>9} {'p95':>7} {'x':>5} {'svc+facets p50':>15}")
    api_ratios, page_ratios = [], []
    for name, total, direct, api, page, faceted in rows:
        api_ratios.append(api[0] / direct[0])
        line = (f"{name:<40} {total:>7} {direct[0]:>8.1f} {direct[1]:>7.1f} {api[0]:>8.1f} {api[1]:>7.1f} "
                f"{api[0] / direct[0]:>5.2f}")
        if page is None:
            line += f" {'n/a':>9} {'':>7} {'':>5}"
        else:
            page_ratios.append(page[0] / direct[0])
            line += f" {page[0]:>9.1f} {page[1]:>7.1f} {page[0] / direct[0]:>5.2f} {faceted[0]:>15.1f}"
        print(line)
    print(f"median ratio api/services: {statistics.median(api_ratios):.2f}")
    if page_ratios:
        print(f"median ratio page/services: {statistics.median(page_ratios):.2f} (svc+facets: the services "
              "counting every facet, as the page does)")
    else:
        print("search page: n/a (vigil.web.app is not in this checkout: merge web-pages)")


if __name__ == "__main__":
    main()
