"""`vigil extract`: JSON lines in, JSON lines out, through `nlp.extract` (a thin wrapper).

The input is hostile text, so this command streams and fails cleanly: each output line is
written and flushed before the next input line is read, and the first bad line stops the run
with exit 2 and a message naming it, keeping every line written before it. Lines are read as
bytes and decoded one by one, so a line that is not UTF-8 is reported with its number.

Lone surrogates (a JSON escape such as ``"\\ud800"`` with no partner: valid JSON syntax, but
no Unicode character) are replaced by U+FFFD and the line goes on: one code point for one, so
the extractor's offsets stay valid, and the output is always valid UTF-8. Scraped text carries
them when a page cut an emoji in half; that is no reason to stop a whole feed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import IO, Annotated, Any, NoReturn

import typer

from nlp.money import RateTable
from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, fail, settings
from vigil.settings import SettingsError

PROGRESS_EVERY = 10_000
#: Lines handed to each process at a time with `--processes` > 1.
PARALLEL_BATCH = 256
#: Deepest nesting of arrays and objects accepted in a line (a listing is nearly flat).
MAX_DEPTH = 64
_DATE_FIELDS = ("observed_at", "date", "seen_at", "first_seen")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidInput(ValueError):
    """A line of the input cannot be used; `line` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class ExtractionFailed(RuntimeError):
    """The extractor raised on a line it should have handled: a bug, reported with the line."""

    def __init__(self, line: int, error: Exception) -> None:
        super().__init__(f"line {line}: the extractor failed ({type(error).__name__}: {error})")
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


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    raise _NotJson(f"{name} is not JSON")


def parse_line(raw: bytes | str, number: int) -> dict[str, Any] | None:
    """The record of one input line (None for a blank line); raises `InvalidInput`."""
    if isinstance(raw, bytes):
        try:  # a byte-order mark may open a file
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                number, f"not valid UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1})"
            ) from None
    else:
        text = raw
    if not text.strip():
        return None
    try:
        record = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except _NotJson as exc:  # NaN, Infinity: Python accepts them, JSON does not
        raise InvalidInput(number, f"not valid JSON ({exc})") from None
    except RecursionError:
        raise InvalidInput(number, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        raise InvalidInput(number, f"not usable JSON ({exc})") from None
    if not isinstance(record, dict):
        raise InvalidInput(number, "a line must be a JSON object")
    if not isinstance(record.get("title"), str):
        raise InvalidInput(number, "'title' is required and must be a string")
    return record


def replace_lone_surrogates(record: dict[str, Any], number: int) -> bool:
    """Replace lone surrogates in every key and string of `record` by U+FFFD, in place (one
    code point for one); refuse nesting deeper than `MAX_DEPTH`. True if anything changed.

    Iterative, so that no depth of nesting can exhaust the stack."""
    changed = False
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(record, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidInput(number, f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(container, dict):
            if any(_SURROGATE.search(key) for key in container):
                items = [(_SURROGATE.sub("\ufffd", k), v) for k, v in container.items()]
                container.clear()
                container.update(items)
                changed = True
            keys: Iterable[Any] = list(container)
        else:
            keys = range(len(container))
        for key in keys:
            value = container[key]
            if isinstance(value, str):
                if _SURROGATE.search(value):
                    container[key] = _SURROGATE.sub("\ufffd", value)
                    changed = True
            elif isinstance(value, dict | list):
                stack.append((value, depth + 1))
    return changed


def extract_record(record: dict[str, Any], extract: Callable[..., dict[str, Any]], *,
                   on: date | None = None) -> dict[str, Any]:
    """The record with the extraction added (raw `ships_from`/`ships_to` kept as
    `ships_from_text`/`ships_to_text`)."""
    return with_result(record, extract(record, on=on or record_date(record)))


def with_result(record: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The output line of one record: its fields, the raw ship texts, then the extraction."""
    out = dict(record)
    for raw in ("ships_from", "ships_to"):
        if raw in record:
            out[f"{raw}_text"] = record[raw]
    out.update(result)
    return out


class Stream:
    """What a run did so far: records written, lines whose lone surrogates were replaced."""

    def __init__(self) -> None:
        self.written = 0
        self.surrogate_lines: list[int] = []


def extract_lines(lines: Iterable[bytes | str], *, on: date | None = None,
                  rates: RateTable | None = None, stream: Stream | None = None,
                  processes: int = 1, batch_size: int = 1) -> Iterator[str]:
    """One JSON text per non-blank input line, in order, through the spaCy pipeline's
    `nlp.pipe` (`processes` > 1: worker processes, `nlp.parallel`; lines are then read a few
    batches of `batch_size` ahead).

    Raises `InvalidInput` (bad input) or `ExtractionFailed` (a bug) naming the line; every
    line before a bad one is yielded first."""
    from nlp.doc import listing_input
    from nlp.parallel import pipe_contracts
    from nlp.pipeline import shared

    stream = stream or Stream()
    pipeline = shared()
    pipeline.get_pipe("prices").rates = rates
    stopped: list[InvalidInput] = []
    last = [0]

    def docs() -> Iterator[tuple[str, dict[str, Any], tuple[int, dict[str, Any]]]]:
        for number, raw in enumerate(lines, start=1):
            try:
                record = parse_line(raw, number)
                if record is None:
                    continue
                if replace_lone_surrogates(record, number):
                    stream.surrogate_lines.append(number)
            except InvalidInput as exc:
                stopped.append(exc)
                return
            last[0] = number
            text, context = listing_input(record, on=on or record_date(record))
            yield text, context, (number, record)

    results = pipe_contracts(pipeline, docs(), n_process=processes, batch_size=batch_size)
    while True:
        try:
            item = next(results, None)
        except Exception as exc:
            raise ExtractionFailed(last[0], exc) from exc
        if item is None:
            break
        contract, (number, record) = item
        try:
            text = json.dumps(with_result(record, contract), ensure_ascii=False,
                              allow_nan=False)
        except Exception as exc:
            raise ExtractionFailed(number, exc) from exc
        yield text
    if stopped:
        raise stopped[0]


def run(source: IO[bytes], sink: IO[bytes], *, on: date | None = None,
        rates: RateTable | None = None, progress: IO[str] | None = None,
        stream: Stream | None = None, processes: int = 1,
        on_written: Callable[[int], None] | None = None) -> int:
    """Stream `source` to `sink`, flushing every line; returns the number of records written.
    With `processes` > 1, lines are extracted in batches of `PARALLEL_BATCH` across processes.
    `on_written(count)` is called after each line (the live display on a terminal)."""
    stream = stream or Stream()
    started = time.monotonic()
    batch_size = 1 if processes == 1 else PARALLEL_BATCH
    for text in extract_lines(source, on=on, rates=rates, stream=stream, processes=processes,
                              batch_size=batch_size):
        sink.write(text.encode("utf-8") + b"\n")
        sink.flush()
        stream.written += 1
        if on_written is not None:
            on_written(stream.written)
        if progress is not None and stream.written % PROGRESS_EVERY == 0:
            rate = stream.written / max(time.monotonic() - started, 1e-9)
            progress.write(f"extract: {stream.written} listings ({rate:,.0f}/s)\n")
            progress.flush()
    return stream.written


# ------------------------------------------------------------------------------ the command


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


def _listings(count: int) -> str:
    return f"{count} listing" if count == 1 else f"{count} listings"


def _rates(config_dir: Path | None) -> RateTable:
    """The crypto rate table of the settings' config dir (a bad table: exit 2)."""
    try:
        return settings(config_dir=config_dir).rates
    except SettingsError as exc:
        fail(str(exc), exit_codes.USAGE)


def _evaluate(gold: Path, rates: RateTable, *, realdata: Path | None, fmt: ReportFormat,
              max_errors: int) -> None:
    from nlp import extract
    from vigil.evaluation import GoldSetError, evaluate, format_report, report_dict

    try:
        report = evaluate(gold, partial(extract, rates=rates), realdata_dir=realdata)
    except GoldSetError as exc:
        fail(f"gold set: {exc}", exit_codes.USAGE)
    if fmt is ReportFormat.json:
        data = report_dict(report, max_errors=max_errors)
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        typer.echo(format_report(report, max_errors=max_errors))


def _open_streams(input_path: Path | None, output_path: Path | None) -> tuple[IO[bytes], IO[bytes]]:
    try:
        source = open(input_path, "rb") if input_path else sys.stdin.buffer  # noqa: SIM115
    except OSError as exc:
        fail(f"cannot read --in {input_path}: {exc.strerror or exc}", exit_codes.USAGE)
    try:
        sink = open(output_path, "wb") if output_path else sys.stdout.buffer  # noqa: SIM115
    except OSError as exc:
        if input_path:
            source.close()
        fail(f"cannot write --out {output_path}: {exc.strerror or exc}", exit_codes.USAGE)
    return source, sink


def _records_in(path: Path | None) -> int | None:
    """Non-blank lines of a regular input file (the progress total); None for a pipe."""
    if path is None or not path.is_file():
        return None
    with open(path, "rb") as lines:
        return sum(1 for line in lines if line.strip())


def _stream(source: IO[bytes], sink: IO[bytes], where: str, *, on: date | None,
            rates: RateTable, processes: int, total: int | None = None) -> None:
    from vigil.cli.progress import Board, choose_mode

    stream = Stream()
    # The live display on a terminal, unless the output lines go to that terminal too;
    # otherwise a plain line every 10,000 listings.
    to_terminal = sink is sys.stdout.buffer and sys.stdout.isatty()
    board = Board("lines" if to_terminal else choose_mode(), unit="listings", interval=0.25)
    live = board.mode == "rich"
    shown = [0.0]

    def on_written(count: int) -> None:
        now = time.monotonic()
        if now - shown[0] >= 0.1:
            shown[0] = now
            board.update(where, listings=count)

    try:
        with board:
            if live:
                board.start(where, total)
            run(source, sink, on=on, rates=rates, stream=stream, processes=processes,
                progress=None if live else sys.stderr, on_written=on_written if live else None)
            if live:
                board.finish(where, listings=stream.written)
    except InvalidInput as exc:
        fail(f"{where}, line {exc.line}: {exc.reason}; stopped there "
             f"({_listings(stream.written)} written before it)", exit_codes.USAGE)
    except ExtractionFailed as exc:
        fail(f"{where}, {exc}; stopped there ({_listings(stream.written)} written before it)",
             exit_codes.FAILED)
    except BrokenPipeError:  # the reader went away (`vigil extract | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)  # no second error when Python flushes stdout
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(exit_codes.FAILED) from None
    except OSError as exc:  # disk full and the like, while writing
        fail(f"cannot write the output: {exc.strerror or exc} "
             f"({_listings(stream.written)} written)", exit_codes.FAILED)
    finally:
        if stream.surrogate_lines:
            first = ", ".join(str(n) for n in stream.surrogate_lines[:5])
            typer.echo(f"note: {len(stream.surrogate_lines)} line(s) had lone surrogates, "
                       f"replaced by U+FFFD (line {first}"
                       f"{', …' if len(stream.surrogate_lines) > 5 else ''})", err=True)
    if stream.written >= PROGRESS_EVERY:
        typer.echo(f"extract: {stream.written} listings done", err=True)


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
            "--evaluate", help="Score the extractor on a gold set (a JSONL file or a folder of "
            "them) and print precision, recall and F1 per field.")] = None,
        report_format: Annotated[ReportFormat, typer.Option(
            "--format", help="Format of the --evaluate report.")] = ReportFormat.text,
        realdata: Annotated[Path | None, typer.Option(
            "--realdata", help="Folder of the real listings a gold set refers to "
            "(env VIGIL_REALDATA; default ../shared/real-data).")] = None,
        max_errors: Annotated[int, typer.Option(
            "--errors", min=0, help="Error lines to list in the --evaluate report.")] = 40,
        processes: Annotated[int, typer.Option(
            "--processes", min=1, max=64, help="Worker processes, each running the spaCy "
            f"pipeline on batches of {PARALLEL_BATCH} lines (nlp.parallel); above 1, lines are read a "
            "few batches ahead instead of one by one.")] = 1,
        config_dir: ConfigDirOption = None,
    ) -> None:
        """Extract substances, quantities, prices, identifiers and countries from listings."""
        if evaluate is not None:
            if input_path or output_path or on:
                fail("--evaluate takes no --in, --out or --on", exit_codes.USAGE)
            _evaluate(evaluate, _rates(config_dir), realdata=realdata, fmt=report_format,
                      max_errors=max_errors)
            return
        day = None
        if on:
            try:
                day = date.fromisoformat(on)
            except ValueError:
                fail(f"--on must be YYYY-MM-DD, not {on!r}", exit_codes.USAGE)
        rates = _rates(config_dir)
        source, sink = _open_streams(input_path, output_path)
        try:
            _stream(source, sink, str(input_path) if input_path else "standard input",
                    on=day, rates=rates, processes=processes, total=_records_in(input_path))
        finally:
            if input_path:
                source.close()
            if output_path:
                _close(sink)


def _close(sink: IO[bytes]) -> None:
    """Close an output file whose write error was already reported (its buffer cannot drain)."""
    with contextlib.suppress(OSError):
        sink.close()
