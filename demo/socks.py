"""A small SOCKS5 server on loopback that stands in for Tor: it maps fake `.onion` names
to the sample markets, so that a crawl of a dark market runs exactly as it would through
Tor (names resolved by the proxy, never by the crawler).

It speaks RFC 1928 (CONNECT only) with "no authentication" and RFC 1929 username/password
(any credentials are accepted and recorded, as Tor does with `IsolateSOCKSAuth`). Names it
does not know are refused with "host unreachable", as Tor refuses an onion it cannot reach.
Every connection is recorded (credentials, the address type and name asked for), and its
outbound connections leave from `source_host`, so a test server can tell that a request
came through the proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
import threading
from dataclasses import dataclass, field

# SOCKS5 reply codes (RFC 1928, section 6)
SUCCEEDED, GENERAL_FAILURE, HOST_UNREACHABLE, COMMAND_NOT_SUPPORTED = 0, 1, 4, 7
ADDRESS_TYPE_NOT_SUPPORTED = 8
ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 1, 3, 4


@dataclass(frozen=True)
class Connection:
    """One CONNECT the proxy was asked for."""

    username: str | None
    password: str | None
    address_type: str  # "domain", "ipv4" or "ipv6": a domain means the client resolved nothing
    host: str
    port: int
    routed: bool  # True when it was mapped to a local server and connected


@dataclass
class SocksServer:
    """`routes` maps "name:port" (or "name", any port) to a local (host, port)."""

    routes: dict[str, tuple[str, int]]
    host: str = "127.0.0.1"
    source_host: str = "127.0.0.2"
    port: int = 0
    connections: list[Connection] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.base_events.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"socks5h://{self.host}:{self.port}"

    def start(self) -> SocksServer:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="socks5", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        """Stop listening and close every open tunnel."""
        loop = self._loop
        if loop is None or self._server is None:
            return

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> SocksServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _route(self, host: str, port: int) -> tuple[str, int] | None:
        return self.routes.get(f"{host}:{port}") or self.routes.get(host)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer)
        except (asyncio.IncompleteReadError, asyncio.CancelledError, ConnectionError, ValueError):
            pass  # a client that went away, or the server stopping
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        if version != 5:
            raise ValueError("not SOCKS5")
        methods = await reader.readexactly(count)
        username = password = None
        if 2 in methods:  # username/password offered: take it (IsolateSOCKSAuth)
            writer.write(b"\x05\x02")
            await writer.drain()
            _, ulen = await reader.readexactly(2)
            username = (await reader.readexactly(ulen)).decode("utf-8", "replace")
            (plen,) = await reader.readexactly(1)
            password = (await reader.readexactly(plen)).decode("utf-8", "replace")
            writer.write(b"\x01\x00")
        elif 0 in methods:
            writer.write(b"\x05\x00")
        else:
            writer.write(b"\x05\xff")
            await writer.drain()
            return
        await writer.drain()
        _, command, _, atyp = await reader.readexactly(4)
        if atyp == ATYP_DOMAIN:
            (length,) = await reader.readexactly(1)
            host, kind = (await reader.readexactly(length)).decode("idna"), "domain"
        elif atyp == ATYP_IPV4:
            host, kind = str(ipaddress.IPv4Address(await reader.readexactly(4))), "ipv4"
        elif atyp == ATYP_IPV6:
            host, kind = str(ipaddress.IPv6Address(await reader.readexactly(16))), "ipv6"
        else:
            await self._reply(writer, ADDRESS_TYPE_NOT_SUPPORTED)
            return
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        target = self._route(host, port) if command == 1 else None
        self.connections.append(Connection(username, password, kind, host, port, target is not None))
        if command != 1:
            await self._reply(writer, COMMAND_NOT_SUPPORTED)
            return
        if target is None:
            await self._reply(writer, HOST_UNREACHABLE)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(
                target[0], target[1], local_addr=(self.source_host, 0), family=socket.AF_INET
            )
        except OSError:
            await self._reply(writer, HOST_UNREACHABLE)
            return
        await self._reply(writer, SUCCEEDED)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    @staticmethod
    async def _reply(writer: asyncio.StreamWriter, code: int) -> None:
        writer.write(bytes([5, code, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0]))
        await writer.drain()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def onion_name(label: str) -> str:
    """A well-formed (56-character, base32) fake v3 onion name for a sample market."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"vigil-sample-{label}".encode()).digest()
    return base64.b32encode(digest + digest[:3]).decode().lower()[:56] + ".onion"
