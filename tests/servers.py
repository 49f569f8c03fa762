"""Real HTTP servers on loopback for tests: saved pages, pages a test controls, a proxy stand-in."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# (path, request line) -> (status, body) or (status, body, extra headers)
Respond = Callable[[str, str], tuple]


@contextmanager
def serve(respond: Respond) -> Iterator[str]:
    """Answer every GET with `respond(path, request_line)`; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, *rest = respond(self.path, self.requestline)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (rest[0] if rest else {}).items():
                self.send_header(name, value)
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


def serve_files(resolve: Callable[[str], Path | None]):
    """Serve the file `resolve(path)` names (404 when None)."""

    def respond(path: str, _: str) -> tuple[int, bytes]:
        target = resolve(path.split("?", 1)[0])
        if target is None or not target.is_file():
            return 404, b"<html>not found</html>"
        return 200, target.read_bytes()

    return serve(respond)


def serve_pages(pages: dict[str, tuple], log: list[str] | None = None):
    """Serve `pages[path] = (status, html)` or `(status, html, headers)`; the dict may change
    between requests. Every requested path is appended to `log` when given."""

    def respond(path: str, _: str) -> tuple:
        if log is not None:
            log.append(path)
        status, html, *rest = pages.get(path, (404, "<html>not found</html>"))
        return (status, html.encode(), *rest)

    return serve(respond)


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
