"""Shared fixtures: the real-data folder, real Elasticsearch and OpenSearch nodes, a real Redis.

Each node starts once per session (about 10-20 s). `VIGIL_ES_URL` / `VIGIL_OPENSEARCH_URL`
point the tests at nodes already running (`vigil es dev`) instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import need, realdata_dir

from vigil.devnodes import DevNode, NodeError, missing_tools, product_at


@pytest.fixture(scope="session")
def realdata() -> Path:
    path = realdata_dir()
    need(path.is_dir(), f"../shared/real-data (set VIGIL_REALDATA; looked in {path})")
    return path


@pytest.fixture(scope="session")
def node_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Path]]:
    """New folders for node work dirs and `vigil es dev` data dirs.

    As root the node runs as `vigil-node`, who cannot enter pytest's private (0700) temp base,
    so the folders are made in the system temp dir instead and removed at the session's end.
    """
    made: list[Path] = []

    def new(name: str) -> Path:
        if os.geteuid() != 0:
            return tmp_path_factory.mktemp(name)
        path = Path(tempfile.mkdtemp(prefix=f"vigil-test-{name}-"))
        path.chmod(0o755)
        made.append(path)
        return path

    yield new
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


def _need_node_tools(product: str) -> None:
    need(not missing_tools(product), " and ".join(missing_tools(product)))


def _session_node(product: str, variable: str, node_dir: Callable[[str], Path]) -> Iterator[str]:
    url = os.environ.get(variable, "").strip().rstrip("/")
    if url:
        found = product_at(url)
        if found != product:
            pytest.fail(f"{variable}={url}: " + (f"that is {found}, not {product}" if found
                                                 else "no node answers there"), pytrace=False)
        yield url
        return
    _need_node_tools(product)
    node = DevNode(product, node_dir(product))
    try:
        node.start()
    except NodeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield node.url
    finally:
        node.stop()


@pytest.fixture(scope="session")
def es_url(node_dir: Callable[[str], Path]) -> Iterator[str]:
    """An Elasticsearch 8.19 node: `VIGIL_ES_URL`, or one started for the session."""
    yield from _session_node("elasticsearch", "VIGIL_ES_URL", node_dir)


@pytest.fixture(scope="session")
def opensearch_url(node_dir: Callable[[str], Path]) -> Iterator[str]:
    """An OpenSearch 2.19 node: `VIGIL_OPENSEARCH_URL`, or one started for the session."""
    yield from _session_node("opensearch", "VIGIL_OPENSEARCH_URL", node_dir)


@pytest.fixture(scope="session")
def _restartable_es_node(node_dir: Callable[[str], Path]) -> Iterator[DevNode]:
    _need_node_tools("elasticsearch")
    node = DevNode("elasticsearch", node_dir("restartable-es"))
    try:
        node.start()
    except NodeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def restartable_es(_restartable_es_node: DevNode) -> DevNode:
    """A separate Elasticsearch node, never `es_url`'s, that a fault test may `stop()`, `kill()`,
    `pause()` and `start()` again (same port, same data dir, so its data survives).

    It is shared by the session: a test that stops or pauses it must start or resume it before
    it ends. As a safety net, a node left stopped or paused is brought back here, before the
    next test that asks for it.
    """
    node = _restartable_es_node
    node.resume()
    if not node.healthy():
        node.stop()
        try:
            node.start()
        except NodeError as exc:
            pytest.fail(str(exc), pytrace=False)
    return node


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `redis-server` (Debian's) on a free loopback port, started once per session;
    nothing is saved to disk."""
    import socket
    import subprocess
    import time

    server = shutil.which("redis-server")
    need(server is not None, "redis-server (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [str(server), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"redis-server did not answer on port {port}", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
