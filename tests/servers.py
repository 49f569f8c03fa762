"""A real HTTP server on loopback for saved pages: URL paths mapped to files."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextmanager
def serve_files(resolve: Callable[[str], Path | None]) -> Iterator[str]:
    """Serve `resolve(path)` for each GET (404 when it returns None); yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = resolve(self.path.split("?", 1)[0])
            if target is None or not target.is_file():
                self.send_error(404)
                return
            body = target.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def hansa_resolver(folder: Path) -> Callable[[str], Path | None]:
    """`/listing/24459/` → `listing_24459_.htm`; `/vendor/x/pgp/` → `vendor_x_pgp_.htm`.

    The saved names mix `_terms.htm` and `_terms_.htm`; both are tried.
    """

    def resolve(path: str) -> Path | None:
        parts = [p for p in path.split("/") if p]
        if not parts:
            return None
        stem = "_".join(parts)
        for name in (f"{stem}_.htm", f"{stem}.htm"):
            if (folder / name).is_file():
                return folder / name
        return None

    return resolve


@contextmanager
def serve_pages(pages: dict[str, tuple[int, str]]) -> Iterator[str]:
    """Serve `pages[path] = (status, html)`; the dict may change between requests."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, html = pages.get(self.path, (404, "<html>not found</html>"))
            body = html.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
