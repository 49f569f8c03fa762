"""`vigil demo truth` and `python -m demo truth` print the simulator's truth as JSON."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from vigil.cli.main import app


def test_vigil_demo_truth() -> None:
    args = ["demo", "truth", "--listings", "6", "--day", "2", "--market", "rc-labor"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["date"] == "2026-01-06" and list(data["markets"]) == ["rc-labor"]
    assert data["novel_substances"]
    changes = set(data["changes_since_previous_day"]["rc-labor"])
    assert changes == {"appeared", "removed", "price_changed", "trade_changed"}


def test_vigil_demo_truth_rejects_unknown_market() -> None:
    result = CliRunner().invoke(app, ["demo", "truth", "--market", "nope"])
    assert result.exit_code == 2


def test_python_m_demo_truth() -> None:
    out = subprocess.run([sys.executable, "-m", "demo", "truth", "--listings", "3"], capture_output=True,
                         text=True, check=True).stdout
    assert set(json.loads(out)["markets"]) == {"nightowl", "swapbay", "rc-labor"}


def test_vigil_demo_serve_says_how_to_get_a_session_and_demo_login_stores_one(tmp_path) -> None:
    import os

    env = {**os.environ, "VIGIL_SECRETS_FILE": str(tmp_path / "secrets.yaml"), "VIGIL_SESSION_NIGHTOWL": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "vigil", "demo", "serve", "--base-port", "0", "--listings", "5"],
        stdout=subprocess.PIPE, text=True, env=env,
    )
    try:
        lines = []
        assert server.stdout is not None
        while not lines or lines[-1] != "(Ctrl-C stops)":
            lines.append(server.stdout.readline().rstrip("\n"))
            assert lines[-1] or server.poll() is None, lines
        text = "\n".join(lines)
        url = next(line.split()[1] for line in lines if line.startswith("nightowl "))
        assert f"vigil demo login --url {url}" in text
        assert f"open {url}/login in a browser, sign in as demo / demo-password" in text
        assert "vigil session set nightowl --cookies cookies.txt --user-agent" in text
        assert f"vigil crawl nightowl --mirror nightowl={url}" in text
        login = subprocess.run([sys.executable, "-m", "vigil", "demo", "login", "--url", url],
                               capture_output=True, text=True, env=env)
        assert login.returncode == 0, login.stderr
        assert "stored cookie(s) owl_session" in login.stdout
        status = subprocess.run([sys.executable, "-m", "vigil", "session", "status", "nightowl",
                                 "--format", "json"], capture_output=True, text=True, env=env)
        row = json.loads(status.stdout)[0]
        assert row["source"] == "file" and row["cookies"] == ["owl_session"]
        assert row["user_agent"].startswith("Mozilla/5.0")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_vigil_demo_login_without_a_running_market_exits_1(tmp_path) -> None:
    result = CliRunner().invoke(app, ["demo", "login", "--url", "http://127.0.0.1:9"],
                                env={"VIGIL_SECRETS_FILE": str(tmp_path / "s.yaml")})
    assert result.exit_code == 1 and "vigil demo serve" in result.output
    assert not (tmp_path / "s.yaml").exists()
