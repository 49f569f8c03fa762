"""`vigil extract`: JSON lines in, JSON lines out, through `nlp.extract` (a thin wrapper)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import typer

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
PROGRESS_EVERY = 10_000
_DATE_FIELDS = ("observed_at", "date", "seen_at", "first_seen")


class InvalidInput(ValueError):
    """A line of the input is not a JSON object with a title; `line` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line


def record_date(record: dict[str, Any]) -> date | None:
    """The observation date of a record (ISO date/datetime or epoch seconds), if it has one."""
    for name in _DATE_FIELDS:
        value = record.get(name)
        if value is None or value == "":
            continue
        try:
            if isinstance(value, (int, float)):
                return datetime.fromtimestamp(float(value), UTC).date()
            return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
        except (ValueError, OverflowError, OSError):
            continue
    return None


def extract_lines(lines: Iterable[str], *, on: date | None = None) -> Iterator[dict[str, Any]]:
    """Each input line's record with the extraction added (raw `ships_from`/`ships_to` kept
    as `ships_from_text`/`ships_to_text`). Raises `InvalidInput` naming the bad line."""
    from nlp import extract

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(number, f"not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise InvalidInput(number, "a line must be a JSON object")
        if not isinstance(record.get("title"), str):
            raise InvalidInput(number, "'title' is required and must be a string")
        result = extract(record, on=on or record_date(record))
        out = dict(record)
        for raw in ("ships_from", "ships_to"):
            if raw in record:
                out[f"{raw}_text"] = record[raw]
        out.update(result)
        yield out


def run(source: IO[str], sink: IO[str], *, on: date | None = None,
        progress: IO[str] | None = None) -> int:
    """Stream `source` to `sink`; returns the number of records written."""
    count = 0
    started = time.monotonic()
    for out in extract_lines(source, on=on):
        sink.write(json.dumps(out, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            rate = count / max(time.monotonic() - started, 1e-9)
            progress.write(f"extract: {count} listings ({rate:,.0f}/s)\n")
            progress.flush()
    return count


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_command(
        input_path: Annotated[Path | None, typer.Option(
            "--in", help="JSON lines to read (default: standard input).")] = None,
        output_path: Annotated[Path | None, typer.Option(
            "--out", help="JSON lines to write (default: standard output).")] = None,
        on: Annotated[str | None, typer.Option(
            "--on", help="Convert prices at this date (YYYY-MM-DD) instead of each "
            "record's own date.")] = None,
        evaluate: Annotated[Path | None, typer.Option(
            "--evaluate", help="Score the extractor on a gold set and print the report.")] = None,
    ) -> None:
        """Extract substances, quantities, prices, identifiers and countries from listings."""
        if evaluate is not None:
            from nlp import extract
            from nlp.evaluation import evaluate as run_evaluation

            report = run_evaluation(evaluate, extract)
            typer.echo(report if isinstance(report, str) else _render(report))
            raise typer.Exit(EXIT_OK)
        day = None
        if on:
            try:
                day = date.fromisoformat(on)
            except ValueError:
                typer.echo(f"error: --on must be YYYY-MM-DD, not {on!r}", err=True)
                raise typer.Exit(EXIT_INVALID_INPUT) from None
        source = open(input_path, encoding="utf-8") if input_path else sys.stdin  # noqa: SIM115
        sink = open(output_path, "w", encoding="utf-8") if output_path else sys.stdout  # noqa: SIM115
        try:
            count = run(source, sink, on=day, progress=sys.stderr)
        except InvalidInput as exc:
            sink.flush()
            typer.echo(f"error: invalid input at {exc}; stopped there", err=True)
            raise typer.Exit(EXIT_INVALID_INPUT) from None
        finally:
            if input_path:
                source.close()
            if output_path:
                sink.close()
        if count >= PROGRESS_EVERY:
            typer.echo(f"extract: {count} listings done", err=True)


def _render(report: Any) -> str:
    if hasattr(report, "to_text"):
        return str(report.to_text())
    if hasattr(report, "__dict__") and not isinstance(report, dict):
        report = vars(report)
    return json.dumps(report, indent=2, default=str, ensure_ascii=False)
