"""`vigil web`: the investigator and compliance web app (docs/web.md), served by uvicorn.

FastAPI, uvicorn and the app's modules are imported only when the command runs, so that
`vigil --help` stays fast (tests/test_startup.py)."""

from __future__ import annotations

import ipaddress
import sys
from typing import Annotated

import typer

from vigil.cli.common import ConfigDirOption, DataDirOption, settings


def web(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (env VIGIL_WEB_HOST, default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port to listen on (env VIGIL_WEB_PORT, default 8000).", min=1, max=65535),
    ] = None,
    data_dir: DataDirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Serve the web app: search, listings, evidence, vendors, markets, runs, trends, exports,
    and the REST API at /api/v1. On the first start with no users it creates `admin` and
    prints its one-time password here (on stderr). Plain HTTP: outside loopback, put it
    behind a TLS proxy."""
    where = settings(data_dir=data_dir, config_dir=config_dir, web_host=host, web_port=port)
    import uvicorn

    from vigil.accounts import Accounts
    from vigil.web.app import create_app

    password = Accounts.open(where).ensure_admin()
    if password:
        print("first start: created the user 'admin' with the one-time password below; log in and "
              "set a new one with `vigil users password admin`", file=sys.stderr)
        print(f"  admin password: {password}", file=sys.stderr)
    if not is_loopback(where.web_host):
        print(f"warning: listening on {where.web_host}, not loopback: this is plain HTTP on the network. "
              "Put a TLS reverse proxy in front (docs/web.md) and keep web_secure_cookies on.",
              file=sys.stderr)
    app = create_app(where)
    shown = f"[{where.web_host}]" if ":" in where.web_host else where.web_host
    print(f"Vigil web app on http://{shown}:{where.web_port}/ (data: {where.data_dir}); Ctrl-C stops it",
          flush=True)
    proxies = where.web_forwarded_allow_ips.strip()
    uvicorn.run(app, host=where.web_host, port=where.web_port, log_level="warning", server_header=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(root: typer.Typer) -> None:
    root.command("web")(web)
