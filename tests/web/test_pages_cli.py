"""`vigil web` as a real process: it prints the URL, creates the first admin once and prints its
one-time password on stderr, serves the login page with the CSP, and warns off non-loopback
addresses; `vigil demo run` ends by saying how to open the app."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

from alert_sinks import free_port
from helpers import ROOT
from web_client import private_data

from vigil.cli.web import is_loopback
from vigil.demo_run import web_hint
from vigil.settings import load_settings
from vigil.web.security import CSP


def start(data, port: int) -> subprocess.Popen:
    env = {**os.environ, "VIGIL_WEB_SECURE_COOKIES": "false"}
    args = [sys.executable, "-m", "vigil", "web", "--port", str(port), "--data-dir", str(data)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=env)


def wait_for(url: str, process: subprocess.Popen) -> bytes:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"vigil web exited {process.returncode}: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.headers, response.read()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def test_vigil_web_serves_the_app_and_prints_the_first_admin_password_once(demo_index, tmp_path):
    data = private_data(demo_index.data, tmp_path)
    port = free_port()
    process = start(data, port)
    try:
        headers, body = wait_for(f"http://127.0.0.1:{port}/login", process)
        assert headers["Content-Security-Policy"] == CSP and b"Log in to Vigil" in body
    finally:
        out, err = stop(process)
    assert f"http://127.0.0.1:{port}/" in out
    password = re.search(r"admin password: (\S+)", err).group(1)
    from vigil.accounts import Accounts

    assert Accounts.open(load_settings(environ={}, data_dir=data)).check_password("admin", password)
    assert "warning" not in err
    process = start(data, port := free_port())
    try:
        wait_for(f"http://127.0.0.1:{port}/login", process)
    finally:
        out, err = stop(process)
    assert "admin password" not in err  # only on the first start


def test_non_loopback_addresses_are_told_apart():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_the_demo_says_how_to_open_the_app(tmp_path):
    hint = web_hint(load_settings(environ={}, data_dir=tmp_path / "data"))
    assert f"vigil web --data-dir {tmp_path / 'data'}" in hint and "http://127.0.0.1:8000/" in hint
    assert "admin" in hint
