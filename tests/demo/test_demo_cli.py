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
    assert set(data["changes_since_previous_day"]["rc-labor"]) == {"appeared", "removed", "price_changed"}


def test_vigil_demo_truth_rejects_unknown_market() -> None:
    result = CliRunner().invoke(app, ["demo", "truth", "--market", "nope"])
    assert result.exit_code == 2


def test_python_m_demo_truth() -> None:
    out = subprocess.run([sys.executable, "-m", "demo", "truth", "--listings", "3"], capture_output=True,
                         text=True, check=True).stdout
    assert set(json.loads(out)["markets"]) == {"nightowl", "swapbay", "rc-labor"}
