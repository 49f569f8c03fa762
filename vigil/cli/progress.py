"""Live progress of long commands, on stderr: a Rich display on a terminal, JSON lines with
`--json`, plain lines every few seconds otherwise, nothing with an interval of 0.

A `Board` holds one row per task (a market being crawled, a kind of index document, the file
being extracted) with its counts; the first count is the one the rate and the ETA are about.
It is also the sink the crawl's progress extension writes to (crawler/progress.py). Rich is
imported only when a terminal will show it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from vigil.cli.text import clean  # a file name's control characters never reach a terminal

Mode = Literal["rich", "json", "lines", "off"]

#: Seconds between redraws of the Rich display (the crawl's stats are read as often).
RICH_TICK = 0.5


def choose_mode(*, as_json: bool = False, interval: float = 5.0, stream: IO[str] | None = None) -> Mode:
    """Rich only where a person watches (stderr is a terminal); `--json` asks for JSON lines;
    an interval of 0 asks for silence."""
    stream = stream if stream is not None else sys.stderr
    if interval <= 0:
        return "off"
    if as_json:
        return "json"
    isatty = getattr(stream, "isatty", None)
    return "rich" if callable(isatty) and isatty() else "lines"


@dataclass
class Row:
    key: str
    unit: str
    total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    shown: float = 0.0
    done: bool = False
    note: str = ""

    @property
    def completed(self) -> int:
        return self.counts.get(self.unit, 0)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.completed / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, when the total is known and something was done."""
        if self.total is None or not self.rate:
            return None
        return max(self.total - self.completed, 0) / self.rate

    def text(self) -> str:
        first = f"{self.completed:,}" + (f"/{self.total:,}" if self.total is not None else "")
        parts = [f"{first} {self.unit}"]
        parts += [f"{value:,} {name}" for name, value in self.counts.items() if name != self.unit]
        rate = self.rate
        if 0 < rate < 1:  # slow units (training epochs): seconds each
            parts.append(f"{1 / rate:,.1f} s per {self.unit.removesuffix('s')}")
        else:
            parts.append(f"{rate:,.1f} {self.unit}/s")
        if self.eta is not None and not self.done:
            parts.append(f"ETA {_duration(self.eta)}")
        return ", ".join(parts) + (f" ({self.note})" if self.note else "")

    def record(self, event: str) -> dict[str, Any]:
        out: dict[str, Any] = {"event": event, "task": self.key, **self.counts}
        if self.total is not None:
            out["total"] = self.total
        out["rate"] = round(self.rate, 2)
        if self.eta is not None and event == "progress":
            out["eta_s"] = round(self.eta, 1)
        out["elapsed_s"] = round(time.monotonic() - self.started, 2)
        if self.note:
            out["note"] = self.note
        return out


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Board:
    """Progress rows on stderr; use as a context manager (the Rich display stops on exit)."""

    def __init__(self, mode: Mode, *, unit: str = "pages", interval: float = 5.0,
                 stream: IO[str] | None = None) -> None:
        self.mode = mode
        self.unit = unit
        self.interval = interval
        self.stream = stream if stream is not None else sys.stderr
        self.rows: dict[str, Row] = {}
        self.lock = threading.Lock()
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> Board:
        """Scrapy copies its settings for each crawler: every crawler must draw on this board."""
        return self

    @property
    def tick(self) -> float:
        """How often a caller that polls (the crawl's extension) should update."""
        return RICH_TICK if self.mode == "rich" else self.interval

    def __enter__(self) -> Board:
        if self.mode == "rich":
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=self.stream, highlight=False)
            self._progress = Progress(
                # names come from files and configs: shown as text, never read as markup
                TextColumn("{task.description}", style="bold", markup=False), BarColumn(),
                TextColumn("{task.fields[text]}", markup=False),
                TimeElapsedColumn(), console=console, refresh_per_second=4,
                # stdout carries results and stays apart; what is written to stderr meanwhile (a
                # crawl's log lines) is printed above the display instead of through it
                redirect_stdout=False, redirect_stderr=True,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # --- the sink protocol (crawler/progress.py) ------------------------------------------
    def start(self, key: str, total: int | None = None) -> None:
        with self.lock:
            row = self.rows[key] = Row(key, self.unit, total)
            if self._progress is not None:
                self._tasks[key] = self._progress.add_task(clean(key), total=total, text=row.text())
        if self.mode == "json":
            self._write(json.dumps(row.record("start")))

    def update(self, key: str, total: int | None = None, note: str | None = None, **counts: int) -> None:
        self._set(key, "progress", total, counts, note)

    def finish(self, key: str, total: int | None = None, note: str | None = None, **counts: int) -> None:
        self._set(key, "done", total, counts, note)

    def say(self, line: str) -> None:
        """A message beside the rows (above the live display on a terminal)."""
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False)
        elif self.mode == "json":
            self._write(json.dumps({"event": "message", "text": line}))
        elif self.mode == "lines":
            self._write(line)

    # --- drawing ---------------------------------------------------------------------------
    def _set(self, key: str, event: str, total: int | None, counts: dict[str, int],
             note: str | None = None) -> None:
        if key not in self.rows:
            self.start(key, total)
        with self.lock:
            row = self.rows[key]
            row.counts.update(counts)
            if note is not None:
                row.note = note
            if total is not None:
                row.total = total
            row.done = event == "done"
            now = time.monotonic()
            due = row.done or now - row.shown >= self.interval
            if due:
                row.shown = now
            if self._progress is not None:
                task = self._tasks[key]
                finished_total = row.total if row.total is not None else row.completed
                self._progress.update(
                    task, completed=row.completed, total=finished_total if row.done else row.total,
                    text=row.text(),
                )
                return
        if not due or self.mode == "off":
            return
        if self.mode == "json":
            self._write(json.dumps(row.record(event)))
        elif self.mode == "lines":
            self._write(f"  {clean(key)}: {row.text()}" + (" (done)" if row.done else ""))

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
