"""Serving the sample markets on loopback: one ThreadingHTTPServer (own port, own thread) each."""

from __future__ import annotations

import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from demo.world import MARKETS, World

MAX_BODY = 64 * 1024


@dataclass
class Request:
    """What a market app needs from an HTTP request."""

    method: str
    path: str
    query: dict[str, str]
    cookies: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    raw_path: str = "/"
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


@dataclass
class Response:
    """A market app's answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


class App(Protocol):
    def handle(self, request: Request) -> Response: ...


def make_app(market: str, world: World) -> App:
    """The request handler of one market."""
    if market == "nightowl":
        from demo.markets.nightowl import NightOwl
        return NightOwl(world)
    if market == "swapbay":
        from demo.markets.swapbay import SwapBay
        return SwapBay(world)
    from demo.markets.rclabor import RcLabor
    return RcLabor(world)


def _handler(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        # headers and body go out as two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every response back ~40 ms
        disable_nagle_algorithm = True

        def _serve(self, method: str) -> None:
            # who asked: a test checks that a dark market is reached only through the proxy
            getattr(self.server, "clients", []).append(self.client_address[0])
            getattr(self.server, "paths", []).append(self.path)  # what was asked, in order
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            cookies: dict[str, str] = {}
            if self.headers.get("Cookie"):
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(self.headers["Cookie"])
                except Exception:
                    jar = SimpleCookie()
                cookies = {k: m.value for k, m in jar.items()}
            form: dict[str, str] = {}
            if method == "POST":
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
            path = urllib.parse.unquote(parts.path) or "/"
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = Request(method, path, query, cookies, form, self.path, headers)
            response = app.handle(request)
            # what was served, per kind of path (its first segment) and status: the truth a
            # test compares a crawl's fetches with
            served = getattr(self.server, "served", None)
            if served is not None:
                with self.server.served_lock:  # type: ignore[attr-defined]
                    served[(path_kind(path), response.status)] += 1
            self.send_response(response.status)
            if response.status != 304:  # a 304 has no body, and says nothing of one
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD" and response.status != 304:
                self.wfile.write(response.body)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def path_kind(path: str) -> str:
    """What kind of page a path is, for the served counts: its first segment (`/produkt/x/`
    -> `produkt`, `/shop/` -> `shop`), `home` for `/`."""
    return path.strip("/").split("/", 1)[0] or "home"


class Handle:
    """The running markets: their URLs, the day they show, and how to stop them."""

    def __init__(self, world: World, servers: dict[str, ThreadingHTTPServer],
                 threads: list[threading.Thread], host: str) -> None:
        self.world = world
        self._servers = servers
        self._threads = threads
        self.urls = {m: f"http://{host}:{s.server_address[1]}" for m, s in servers.items()}
        for server in servers.values():
            server.clients = []  # type: ignore[attr-defined]
            server.paths = []  # type: ignore[attr-defined]
            server.served = Counter()  # type: ignore[attr-defined]
            server.served_lock = threading.Lock()  # type: ignore[attr-defined]

    def clients(self, market: str) -> list[str]:
        """The client address of every request the market has answered, in order."""
        return list(self._servers[market].clients)  # type: ignore[attr-defined]

    def paths(self, market: str) -> list[str]:
        """The path (with query) of every request the market has answered, in order."""
        return list(self._servers[market].paths)  # type: ignore[attr-defined]

    def served(self, market: str) -> Counter[tuple[str, int]]:
        """(path kind, status) -> responses the market has sent (`path_kind`): e.g.
        `served("rc-labor")[("produkt", 304)]`, listing pages answered "not modified"."""
        server = self._servers[market]
        with server.served_lock:  # type: ignore[attr-defined]
            return Counter(server.served)  # type: ignore[attr-defined]

    def reset_served(self) -> None:
        """Start counting afresh (e.g. before the next day's crawl)."""
        for server in self._servers.values():
            with server.served_lock:  # type: ignore[attr-defined]
                server.served.clear()  # type: ignore[attr-defined]

    def address(self, market: str) -> tuple[str, int]:
        host, port = self._servers[market].server_address[:2]
        return str(host), int(port)

    def set_day(self, day: int) -> None:
        """Move the served world to `day` (listings appear, vanish and change price)."""
        if day < 1:
            raise ValueError("day starts at 1")
        self.world.day = day

    def set_layout(self, layout: int) -> None:
        """Serve another markup generation from the next request on (`demo.world.LAYOUT_CHANGES`)."""
        from demo.world import check_layout

        self.world.layout = check_layout(layout)

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(world: World, host: str = "127.0.0.1", ports: dict[str, int] | None = None) -> Handle:
    """Serve every market of `world` on its own port (0 or missing: a free port)."""
    servers: dict[str, ThreadingHTTPServer] = {}
    threads: list[threading.Thread] = []
    try:
        for market in MARKETS:
            port = (ports or {}).get(market, 0)
            server = ThreadingHTTPServer((host, port), _handler(make_app(market, world)))
            server.daemon_threads = True
            servers[market] = server
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"demo-{market}", daemon=True)
            thread.start()
            threads.append(thread)
    except BaseException:
        for server in servers.values():
            server.shutdown()
            server.server_close()
        raise
    return Handle(world, servers, threads, host)
