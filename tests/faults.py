"""Faults injected into real crawls by tests (named in Scrapy settings, never in the product)."""

from __future__ import annotations

from typing import Any


class FailOnBoom:
    """An item pipeline that raises on a listing whose description says BOOM."""

    def process_item(self, item: Any) -> Any:
        if "BOOM" in str(item.fields.get("description", "")):
            raise ValueError("a pipeline failed on purpose")
        return item


class StopNodeAfter:
    """An item pipeline that stops a search node part-way through a crawl, as an outage would:
    after `FAULT_STOP_AFTER` items it SIGTERMs the process group `FAULT_NODE_PGID` and waits
    until its port `FAULT_NODE_PORT` is closed, so that every later write finds it down."""

    def __init__(self, pgid: int, port: int, after: int) -> None:
        self.pgid, self.port, self.after, self.items = pgid, port, after, 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StopNodeAfter:
        get = crawler.settings.getint
        return cls(get("FAULT_NODE_PGID"), get("FAULT_NODE_PORT"), get("FAULT_STOP_AFTER"))

    def process_item(self, item: Any) -> Any:
        self.items += 1
        if self.items == self.after:
            _stop_node(self.pgid, self.port)
        return item


def _stop_node(pgid: int, port: int, timeout: float = 60.0) -> None:
    import contextlib
    import os
    import signal
    import socket
    import time

    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.2)
    os.killpg(pgid, signal.SIGKILL)
