"""Live progress of long commands: a Rich display when stderr is a terminal (a real
pseudo-terminal here), whose last figures equal the summary; plain lines or JSON lines, and no
terminal control codes, otherwise."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import test_index_admin
from helpers import ROOT
from test_index_admin import fill_sqlite

from demo import World, day_date
from demo.server import Handle, start

MARKET = "rc-labor"  # static, no login: the simulator's shop
CONTROL = re.compile(r"\x1b\[")


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def vigil(*args: str, tty: bool, env: dict[str, str] | None = None) -> Ran:
    """`vigil ARGS` in a fresh process; with `tty`, its stderr is a pseudo-terminal (stdout
    stays a pipe, so the two can be told apart)."""
    full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200", **(env or {})}
    full_env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "vigil", *args]
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=300)
        return Ran(done.returncode, done.stdout, done.stderr)
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # a terminal's buffer is small: read while the command draws
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the command closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
                                   env=full_env, cwd=ROOT)
        os.close(slave)
        stdout, _ = process.communicate(timeout=300)
    finally:
        reader.join(timeout=30)
        os.close(master)
    return Ran(process.returncode, stdout.decode(), b"".join(chunks).decode(errors="replace"))


def last_frame(screen: str) -> str:
    """The last line the live display drew (Rich redraws a line after a carriage return)."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    frames = [part for part in re.split(r"[\r\n]", plain) if part.strip()]
    return frames[-1]


def number(text: str, name: str) -> int:
    found = re.search(rf"([\d,]+)(?:/[\d,]+)? {name}\b", text)
    assert found, f"no {name!r} in {text!r}"
    return int(found[1].replace(",", ""))


# --------------------------------------------------------------------------------- the crawl


@pytest.fixture(scope="module")
def shop() -> Iterator[Handle]:
    handle = start(World(seed=5, listings=60, day=1), host="127.0.0.1")
    try:
        yield handle
    finally:
        handle.stop()


def crawl(shop: Handle, data_dir: Path, *extra: str, tty: bool, interval: str = "0.2") -> Ran:
    env = {"VIGIL_CLOCK": datetime.combine(day_date(1), time(12), tzinfo=UTC).isoformat(),
           "VIGIL_SECRETS_FILE": "/nonexistent", "VIGIL_PROGRESS_INTERVAL": interval,
           "VIGIL_NO_POLITENESS": "true"}
    return vigil("crawl", MARKET, "--mirror", f"{MARKET}={shop.urls[MARKET]}", "--data-dir", str(data_dir),
                 *extra, tty=tty, env=env)


def summary_row(stdout: str) -> dict[str, int]:
    header, _, *rows = stdout.splitlines()
    names = header.split()
    row = next(line.split() for line in rows if line.startswith(MARKET))
    return {name: int(value) for name, value in zip(names, row, strict=True) if value.isdigit()}


def test_crawl_on_a_terminal_draws_rich_progress_ending_on_the_summary_figures(shop, tmp_path):
    ran = crawl(shop, tmp_path, tty=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert CONTROL.search(ran.stderr), "no live display on the terminal"
    final = last_frame(ran.stderr)
    assert final.startswith(MARKET)
    summary = summary_row(ran.stdout)
    assert summary["new"] > 0 and summary["vendors"] > 0
    assert number(final, "pages") == summary["pages"]
    assert number(final, "listings") == summary["new"] + summary["changed"] + summary["same"]
    assert number(final, "vendors") == summary["vendors"]
    assert number(final, "errors") == summary["lost"]
    assert not CONTROL.search(ran.stdout)


def test_crawl_off_a_terminal_prints_plain_lines_and_no_control_codes(shop, tmp_path):
    ran = crawl(shop, tmp_path, tty=False)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert not CONTROL.search(ran.stderr + ran.stdout)
    lines = [line for line in ran.stderr.splitlines() if line.strip().startswith(f"{MARKET}:")]
    assert lines and all(re.search(r"\d+ pages, \d+ listings, \d+ vendors, \d+ errors", x) for x in lines)
    assert summary_row(ran.stdout)["new"] > 0


@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "terminal"])
def test_crawl_json_is_machine_readable_on_both_streams(shop, tmp_path, tty):
    ran = crawl(shop, tmp_path, "--json", tty=tty)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert not CONTROL.search(ran.stderr + ran.stdout)
    [summary] = json.loads(ran.stdout)
    events = [json.loads(line) for line in ran.stderr.splitlines() if line.strip()]
    assert events[0]["event"] == "start" and events[-1]["event"] == "done"
    done = events[-1]
    assert done["task"] == MARKET
    for name in ("pages", "listings", "vendors", "errors"):
        assert done[name] == summary[name], name
    assert summary["listings"] == summary["new"] + summary["changed"] + summary["same"] > 0


def test_crawl_progress_zero_is_silent(shop, tmp_path):
    ran = crawl(shop, tmp_path, "--json", tty=True, interval="0")
    assert ran.returncode == 0
    assert ran.stderr.strip() == ""
    assert json.loads(ran.stdout)[0]["listings"] > 0


# ------------------------------------------------------------------------------- extraction


@pytest.fixture(scope="module")
def listings(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("extract") / "in.jsonl"
    rows = [{"id": str(n), "title": f"MDMA crystals 84% {n + 1}g", "description": "ships from NL"}
            for n in range(120)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")  # a blank line is no listing
    return path


def test_extract_on_a_terminal_shows_listings_of_the_total(listings, tmp_path):
    out = tmp_path / "out.jsonl"
    ran = vigil("extract", "--in", str(listings), "--out", str(out), tty=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert CONTROL.search(ran.stderr)
    final = last_frame(ran.stderr)
    assert "120/120 listings" in final
    assert len(out.read_text().splitlines()) == 120


def test_extract_off_a_terminal_keeps_stderr_plain_and_stdout_json(listings):
    ran = vigil("extract", "--in", str(listings), tty=False)
    assert ran.returncode == 0, ran.stderr
    assert not CONTROL.search(ran.stderr + ran.stdout)
    assert [json.loads(line)["id"] for line in ran.stdout.splitlines()] == [str(n) for n in range(120)]


# ------------------------------------------------------------------- index sync and migrate


def last_rows(screen: str) -> dict[str, str]:
    """The last line drawn for each row of the live display, by its first word."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    return {line.split()[0]: line for line in re.split(r"[\r\n]", plain) if line.strip()}


cluster = test_index_admin.cluster  # the fixture: each product's node, an env pointing at it


@pytest.mark.elasticsearch
def test_index_sync_and_migrate_count_each_kind_to_its_total(cluster, tmp_path):
    _, env = cluster
    source = tmp_path / "embedded"
    source.mkdir()
    fill_sqlite(source)

    ran = vigil("index", "sync", "--from", str(source), tty=True, env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    counts = {line.split(": ")[0]: int(line.split(": ")[1]) for line in ran.stdout.splitlines()}
    assert counts["listings"] == 4
    rows = last_rows(ran.stderr)
    for kind, count in counts.items():
        assert f"{count}/{count} documents" in rows[kind], (kind, rows.get(kind))

    ran = vigil("index", "sync", "--from", str(source), "--json", tty=False, env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert not CONTROL.search(ran.stderr + ran.stdout)
    assert json.loads(ran.stdout) == counts
    done = {e["task"]: e for e in map(json.loads, ran.stderr.splitlines()) if e["event"] == "done"}
    assert {kind: e["documents"] for kind, e in done.items()} == counts

    ran = vigil("index", "migrate", "--force", "--json", tty=False, env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    moved = {move["kind"] for move in json.loads(ran.stdout)}
    done = {e["task"]: e for e in map(json.loads, ran.stderr.splitlines()) if e["event"] == "done"}
    assert set(done) == moved and done["listings"]["documents"] == done["listings"]["total"] == 4


# --------------------------------------------------------------------------------- training


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def tiny_training_data(folder: Path) -> tuple[Path, Path]:
    """A few invented rows in the shapes the trainer reads (real-data files and gold labels)."""
    real, gold = folder / "real", folder / "gold"
    real.mkdir()
    (real / "agora2014_listings.csv").write_text(
        "list,date,vendor,product,price,cat,subcat,subsubcat,feedback,from,to\n"
        "a1,2014-01-01,v1,Green haze 5g,,Drugs,Cannabis,Weed,,,\n"
        "a2,2014-01-01,v2,Speed paste 10g,,Drugs,Stimulants,Speed,,,\n"
        "a3,2014-01-01,v3,Choco cookies 6pc,,Drugs,Cannabis,Edibles,,,\n", encoding="utf-8")
    write_jsonl(real / "hansa2017_category_listings.jsonl", [
        {"url": "h1", "title": "Shop setup, an e-book", "category": "Guides & Tutorials", "vendor": "x"},
        {"url": "h2", "title": "Steel watch", "category": "Jewellery", "vendor": "y"}])
    write_jsonl(real / "anita2020_products.jsonl", [
        {"id": "p1", "name": "Lemon kush 7g", "info": "Outdoor.", "market": "m", "vendor": "z"}])
    write_jsonl(gold / "inhouse.jsonl", [
        {"id": "inhouse:p-1", "title": "Ketamine shards 2g", "description": "",
         "substances": [{"name": "ketamine", "class": "dissociative"}], "flags": [], "drug": True}])
    write_jsonl(gold / "nondrug.jsonl", [
        {"id": "inhouse:p-2", "title": "Phone case, blue", "description": "", "substances": [],
         "flags": [], "drug": False}])
    return real, gold


def test_training_on_a_terminal_shows_epochs_of_the_most(tmp_path):
    real, gold = tiny_training_data(tmp_path)
    ran = vigil("nlp", "train", "--real-data", str(real), "--gold", str(gold), "--out", str(tmp_path / "m"),
                "--epochs", "3", tty=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert CONTROL.search(ran.stderr)
    final = last_rows(ran.stderr)["context"]
    ran_epochs = number(final, "epochs")
    assert 1 <= ran_epochs <= 3 and f"{ran_epochs}/{ran_epochs} epochs" in final
    assert "best epoch" in final and "weights sha256" in ran.stdout
