"""`vigil es dev`: a real single-node Elasticsearch or OpenSearch on loopback, for development.

The node runs detached (it outlives this command); `<data dir>/devnodes/<product>.json` says
where it is, and its data stays in `<data dir>/devnodes/<product>/` across stops and starts.
Progress goes to stderr, the URL and `export` lines to stdout.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, DataDirOption, fail, settings
from vigil.devnodes import NodeError
from vigil.devnodes import dev as devnodes

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
        typer.Option(
            min=1,
            max=65535,
            help="HTTP port on 127.0.0.1; default: a free one (after a crash, "
            "the one used before if still free).",
        ),
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
    say = _say
    if stop:
        try:
            node = devnodes.stop(where.data_dir, product.value)
        except NodeError as exc:
            fail(str(exc), exit_codes.FAILED)
        if node is None:
            say(f"no {product.value} dev node running ({devnodes.state_file(where.data_dir, product.value)})")
        else:
            say(f"stopped {product.value} on {node.url}; its data stays in {node.workdir}")
        return
    try:
        node, started = devnodes.ensure_running(
            where.data_dir, product.value, port=port, timeout=timeout, say=say
        )
    except NodeError as exc:
        fail(str(exc), exit_codes.FAILED)
    if started:
        flag = "" if product is ProductName.elasticsearch else " --product " + product.value
        say(f"{product.value} ready (pid {node.pid}); stop it with `vigil es dev --stop{flag}`")
    else:
        say(f"{product.value} already running (pid {node.pid})")
    _print_url(product.value, node.url)


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _print_url(product: str, url: str) -> None:
    typer.echo(url)
    typer.echo(f"export VIGIL_ES_URL={url}")
    if product == "opensearch":
        typer.echo(f"export VIGIL_OPENSEARCH_URL={url}")


def register(root: typer.Typer) -> None:
    """Add the `es` command group to the root app."""
    root.add_typer(app, name="es")
