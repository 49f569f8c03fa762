"""Start-up time of the `vigil` command: `vigil --help`, `vigil runs` on an empty index, and a heavy
command's `--help`, each against `python -c pass` measured in the same run (best of N fresh
processes, so a warm disk cache helps every row alike).

    .venv/bin/python bench/startup.py [--repeat 7]

The ratio to the bare interpreter is the figure to compare between machines. Nothing asserts on
it (tests/test_startup.py checks the cause instead: no heavy module is imported).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best(command: list[str], repeat: int, env: dict[str, str]) -> float:
    """The fastest of `repeat` runs of `command`, in seconds (the least disturbed by the machine)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
                       check=False)
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command (the best counts)")
    args = parser.parse_args()

    python = sys.executable
    vigil = [python, "-m", "vigil"]
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "VIGIL_DATA_DIR": data, "VIGIL_PROGRESS_INTERVAL": "0"}
        subprocess.run([*vigil, "index", "init"], stdout=subprocess.DEVNULL, env=env, cwd=ROOT, check=True)
        rows = [
            ("python -c pass", [python, "-c", "pass"]),
            ("vigil --help", [*vigil, "--help"]),
            ("vigil runs --help", [*vigil, "runs", "--help"]),
            ("vigil runs (empty index)", [*vigil, "runs"]),
            ("vigil crawl --help", [*vigil, "crawl", "--help"]),
            ("vigil extract --help", [*vigil, "extract", "--help"]),
        ]
        baseline = 0.0
        print(f"best of {args.repeat} runs each, python {sys.version.split()[0]}")
        for label, command in rows:
            seconds = best(command, args.repeat, env)
            baseline = baseline or seconds
            print(f"{label:<26} {seconds:7.3f} s   x{seconds / baseline:6.1f} python -c pass")


if __name__ == "__main__":
    main()
