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
import urllib.error
import urllib.request

from alert_sinks import free_port
from helpers import ROOT
from web_client import private_data

from vigil.accounts import Accounts, AuditLog
from vigil.cli.web import is_loopback
from vigil.demo_run import web_hint
from vigil.settings import load_settings
from vigil.web.security import CSP


def start(data, port: int, **env_values: str) -> subprocess.Popen:
    env = {**os.environ, "VIGIL_WEB_SECURE_COOKIES": "false", **env_values}
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
    assert Accounts.open(load_settings(environ={}, data_dir=data)).check_password("admin", password)
    assert "warning" not in err
    process = start(data, port := free_port())
    try:
        wait_for(f"http://127.0.0.1:{port}/login", process)
        failed_login(port, "203.0.113.9")  # not from a trusted proxy: the header is ignored
    finally:
        out, err = stop(process)
    assert "admin password" not in err  # only on the first start
    process = start(data, port := free_port(), VIGIL_WEB_FORWARDED_ALLOW_IPS="127.0.0.1")
    try:
        wait_for(f"http://127.0.0.1:{port}/login", process)
        failed_login(port, "203.0.113.10")
    finally:
        stop(process)
    audit = AuditLog.open(load_settings(environ={}, data_dir=data))
    clients = [e["client"] for e in audit.entries(user="proxy-test", action="login_failed")]
    assert sorted(clients) == ["127.0.0.1", "203.0.113.10"]


def failed_login(port: int, forwarded_for: str) -> None:
    """A wrong password through the login form, as a proxy would forward it."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"http://127.0.0.1:{port}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', form).group(1)
    body = urllib.parse.urlencode({"username": "proxy-test", "password": "wrong", "csrf": token}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/login", data=body,
                                     headers={"X-Forwarded-For": forwarded_for})
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 401
    else:
        raise AssertionError("a wrong password was accepted")


def test_non_loopback_addresses_are_told_apart():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_the_demo_says_how_to_open_the_app(tmp_path):
    hint = web_hint(load_settings(environ={}, data_dir=tmp_path / "data"))
    assert f"vigil web --data-dir {tmp_path / 'data'}" in hint and "http://127.0.0.1:8000/" in hint
    assert "admin" in hint
