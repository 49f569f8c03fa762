"""Start-up: commands that never crawl, extract or talk to a cluster load none of the heavy
libraries, so that `vigil --help` and `vigil runs` answer at once (bench/startup.py times it).

Each case runs in a fresh interpreter: what a command imports depends on what ran before it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

HEAVY = ("scrapy", "twisted", "spacy", "thinc", "elasticsearch", "opensearchpy", "playwright")

# Runs the Typer app in this process (as `vigil ARGS…` would), then prints the heavy modules loaded.
PROBE = """
import json, sys
from vigil.cli.main import main
heavy = json.loads(sys.argv[2])
sys.argv = ["vigil", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(heavy))
print("PROBE " + json.dumps({"code": code, "loaded": loaded}))
"""


def probe(*args: str, data_dir: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "VIGIL_DATA_DIR": str(data_dir), "HOME": str(data_dir)},
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("PROBE ")), None)
    assert line, f"the probe did not finish: {done.stdout}\n{done.stderr}"
    return json.loads(line.removeprefix("PROBE "))


@pytest.fixture(scope="module")
def empty_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("startup")
    init = probe("index", "init", data_dir=folder)
    assert init["code"] in (0, None)
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("runs", "--help"),
        ("runs",),
        ("runs", "--json"),
        ("crawl", "--help"),
        ("extract", "--help"),
        ("index", "sync", "--help"),
        ("nlp", "train", "--help"),
        ("markets", "list"),
        ("markets", "validate"),
        ("platforms", "list"),
        ("legal", "list", "--country", "DE"),
        ("web", "--help"),
        ("users", "list"),
        ("audit",),
    ],
    ids=" ".join,
)
def test_light_commands_import_no_heavy_library(args: tuple[str, ...], empty_index: Path) -> None:
    result = probe(*args, data_dir=empty_index)
    assert result["code"] in (0, None)
    assert result["loaded"] == [], f"`vigil {' '.join(args)}` imported {result['loaded']}"


def test_the_probe_sees_heavy_imports(empty_index: Path, tmp_path: Path) -> None:
    """The check above can fail: a command that extracts does load spaCy."""
    source = tmp_path / "one.jsonl"
    source.write_text('{"id": "1", "title": "MDMA 84% 10g"}\n')
    result = probe("extract", "--in", str(source), "--out", str(tmp_path / "out.jsonl"), data_dir=empty_index)
    assert result["code"] in (0, None)
    assert "spacy" in result["loaded"]
