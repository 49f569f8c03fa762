"""`vigil es dev`: a real single-node Elasticsearch or OpenSearch on loopback, for development.

The node runs detached (it outlives this command); `<data dir>/devnodes/<product>.json` says
where it is, and its data stays in `<data dir>/devnodes/<product>/` across stops and starts.
Progress goes to stderr, the URL and `export` lines to stdout.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, DataDirOption, fail, settings
from vigil.devnodes import DevNode, NodeError, cache_dir, port_free

app = typer.Typer(help="Elasticsearch and OpenSearch nodes for development.", no_args_is_help=True)


class ProductName(StrEnum):
    elasticsearch = "elasticsearch"
    opensearch = "opensearch"


@app.command("dev")
def dev(
    product: Annotated[
        ProductName, typer.Option(help="Which search engine (Elasticsearch 8.19.7 or OpenSearch 2.19.1).")
    ] = ProductName.elasticsearch,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="HTTP port on 127.0.0.1; default: a free one (after a crash, "
                     "the one used before if still free)."),
    ] = None,
    stop: Annotated[
        bool, typer.Option("--stop", help="Stop the node started before (its data is kept).")
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for the node to be healthy.")
    ] = 120.0,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Start a real single-node Elasticsearch or OpenSearch in the background and print its URL
    and an `export VIGIL_ES_URL=...` line.

    If the node already runs, only print its URL. --stop stops it; its data stays in DATA_DIR/devnodes.

    The first start fetches the distribution with Maven into ~/.cache/vigil/nodes (VIGIL_NODE_CACHE).

    As root, the node runs as the system user vigil-node (created on first use).

    Exit codes: 0 ok, 1 the node failed to start or stop, 2 bad usage.
    """
    where = settings(data_dir=data_dir, config_dir=config_dir)
    folder = Path(where.data_dir).resolve() / "devnodes"
    state_file = folder / f"{product.value}.json"
    previous = _read_state(state_file)
    if stop:
        _stop(product.value, folder, state_file, previous)
        return
    node = _running(product.value, folder, previous)
    if node is not None:
        if not node.healthy():
            fail(f"{product.value} (pid {node.pid}) runs but {node.url} does not answer health: "
                 f"wait if it is starting, else `--stop` it; logs in {node.workdir / 'logs'}",
                 exit_codes.FAILED)
        if port is not None and port != node.port:
            typer.echo(f"{product.value} already runs on port {node.port}; `--stop` it first to change "
                       "the port", err=True)
        typer.echo(f"{product.value} already running (pid {node.pid})", err=True)
        _print_url(product.value, node.url)
        return
    if port is None and previous.get("port") and port_free(int(previous["port"])):
        port = int(previous["port"])  # keep an exported VIGIL_ES_URL valid
    node = DevNode(product.value, folder / product.value, port)
    typer.echo(f"starting {product.value} on {node.url} in {node.workdir} "
               f"(distribution cache {cache_dir()})", err=True)
    try:
        node.start(timeout=timeout)
    except NodeError as exc:
        state_file.unlink(missing_ok=True)
        fail(str(exc), exit_codes.FAILED)
    except KeyboardInterrupt:  # no state file yet: nothing else would ever stop it
        node.stop()
        raise
    _write_state(state_file, node.state())
    typer.echo(f"{product.value} ready (pid {node.pid}); stop it with `vigil es dev --stop"
               f"{'' if product is ProductName.elasticsearch else ' --product ' + product.value}`", err=True)
    _print_url(product.value, node.url)


def _stop(product: str, folder: Path, state_file: Path, previous: dict) -> None:
    node = _running(product, folder, previous)
    if node is None:
        typer.echo(f"no {product} dev node running (state file {state_file})", err=True)
    else:
        typer.echo(f"stopping {product} (pid {node.pid}) on {node.url}", err=True)
        try:
            node.stop()
        except NodeError as exc:
            fail(str(exc), exit_codes.FAILED)
        typer.echo(f"stopped; its data stays in {node.workdir}", err=True)
    state_file.unlink(missing_ok=True)


def _running(product: str, folder: Path, state: dict) -> DevNode | None:
    """The node the state file names, if its processes still run (a pid may have been reused)."""
    if not state.get("pid") or not state.get("port"):
        return None
    node = DevNode(product, folder / product, int(state["port"]))
    return node if node.adopt(int(state["pid"])) else None


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


def _print_url(product: str, url: str) -> None:
    typer.echo(url)
    typer.echo(f"export VIGIL_ES_URL={url}")
    if product == "opensearch":
        typer.echo(f"export VIGIL_OPENSEARCH_URL={url}")


def register(root: typer.Typer) -> None:
    """Add the `es` command group to the root app."""
    root.add_typer(app, name="es")
