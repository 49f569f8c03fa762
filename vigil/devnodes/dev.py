"""The one background dev node per product and data folder, shared by `vigil es dev` and
`vigil demo run --store …`.

`<data dir>/devnodes/<product>.json` says where it runs; its data stays in
`<data dir>/devnodes/<product>/` across stops and starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from vigil.devnodes.dist import NodeError, cache_dir
from vigil.devnodes.node import DevNode, port_free

Say = Callable[[str], None]


def state_file(data_dir: Path, product: str) -> Path:
    return Path(data_dir).resolve() / "devnodes" / f"{product}.json"


def running(data_dir: Path, product: str) -> DevNode | None:
    """The node the state file names, if its processes still run (a pid may have been reused)."""
    state = _read_state(state_file(data_dir, product))
    if not state.get("pid") or not state.get("port"):
        return None
    node = DevNode(product, state_file(data_dir, product).parent / product, int(state["port"]))
    return node if node.adopt(int(state["pid"])) else None


def ensure_running(
    data_dir: Path, product: str, *, port: int | None = None, timeout: float = 120.0, say: Say = print
) -> tuple[DevNode, bool]:
    """The running dev node, or a new one started in the background; (node, started now).
    Raises `NodeError` when it cannot start, or runs but does not answer."""
    path = state_file(data_dir, product)
    node = running(data_dir, product)
    if node is not None:
        if not node.healthy():
            raise NodeError(
                f"{product} (pid {node.pid}) runs but {node.url} does not answer health: wait if it is "
                f"starting, else stop it (`vigil es dev --stop`); logs in {node.workdir / 'logs'}"
            )
        if port is not None and port != node.port:
            say(f"{product} already runs on port {node.port}; `--stop` it first to change the port")
        return node, False
    previous = _read_state(path)
    if port is None and previous.get("port") and port_free(int(previous["port"])):
        port = int(previous["port"])  # keep an exported VIGIL_ES_URL valid
    node = DevNode(product, path.parent / product, port)
    say(f"starting {product} on {node.url} in {node.workdir} (distribution cache {cache_dir()})")
    try:
        node.start(timeout=timeout)
    except NodeError:
        path.unlink(missing_ok=True)
        raise
    except KeyboardInterrupt:  # no state file yet: nothing else would ever stop it
        node.stop()
        raise
    _write_state(path, node.state())
    return node, True


def stop(data_dir: Path, product: str) -> DevNode | None:
    """Stop the dev node if one runs (its data is kept); the node that was stopped, or None."""
    node = running(data_dir, product)
    if node is not None:
        node.stop()
    state_file(data_dir, product).unlink(missing_ok=True)
    return node


def _read_state(path: Path) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(state, indent=1) + "\n")
    os.replace(partial, path)
