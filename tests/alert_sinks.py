"""Real alert receivers on loopback for tests: a webhook (an HTTP server that keeps every
JSON body POSTed to it) and an SMTP server (aiosmtpd) that keeps every message."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Webhook:
    url: str
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path, JSON body)


@contextmanager
def webhook_receiver(status: int = 204) -> Iterator[Webhook]:
    hook = Webhook("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            hook.posts.append((self.path, json.loads(body)))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)  # (from, to, message)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink(users: dict[str, str] | None = None) -> Iterator[Mailbox]:
    """aiosmtpd's Controller on a free loopback port (it cannot take port 0 itself); with
    `users` (name -> password) it requires a login (over plain text: loopback only)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        login, password = data.login.decode(), data.password.decode()
        return AuthResult(success=(users or {}).get(login) == password)

    mailbox = Mailbox("127.0.0.1", free_port())
    login = {"auth_required": True, "auth_require_tls": False, "authenticator": authenticate} if users else {}
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port, **login)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
