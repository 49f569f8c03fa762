"""The spool's record format and how its segment files are read (see `index.spool`).

A record is a 20-byte big-endian header (magic `VSp1`, CRC32, payload length, append time
in microseconds) then the operation as ASCII JSON; the CRC covers length, time and payload.

Telling a torn tail from damage: a payload is at most 64 MiB, so the first byte of a length
is below 0x05, which ASCII JSON never holds raw: no valid record can hide inside a payload.
So after a bad record, a valid one further on means damage in the middle (`SpoolCorrupt`);
none means a write that was cut short, at the tail of the last segment.
"""

from __future__ import annotations

import errno
import json
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.errors import StoreError

MAGIC = b"VSp1"
HEADER = struct.Struct(">4sIIq")  # magic, crc32(length, time, payload), length, time (µs)
MAX_RECORD_BYTES = 64 * 1024 * 1024
_LENGTH_TIME = struct.Struct(">Iq")
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode  # ASCII (ensure_ascii): see above


class SpoolError(StoreError, OSError):
    """The spool could not be read or written; an append that raises it kept nothing."""


class SpoolCorrupt(SpoolError):
    """A damaged record that is not a torn tail: never skipped, someone must look."""


@contextmanager
def io_errors(what: str, path: Path) -> Iterator[None]:
    """OS errors as `SpoolError` naming the spool (errno kept)."""
    try:
        yield
    except SpoolError:
        raise
    except OSError as exc:
        raise SpoolError(exc.errno or errno.EIO, f"{what} ({path}): {exc.strerror or exc}") from exc


def frame(op: dict[str, Any], micros: int) -> bytes:
    payload = _ENCODE(op).encode("ascii")
    if len(payload) > MAX_RECORD_BYTES:
        raise ValueError(
            f"a spool record of {len(payload)} bytes is over the limit of {MAX_RECORD_BYTES} bytes"
        )
    crc = zlib.crc32(payload, zlib.crc32(_LENGTH_TIME.pack(len(payload), micros)))
    return HEADER.pack(MAGIC, crc, len(payload), micros) + payload


def walk(data: bytes, *, verify: bool = True) -> Iterator[tuple[int, int, int]]:
    """(start, end, micros) of each whole, valid record from the start of `data`; stops at
    the first that is not. `verify=False` skips the CRC (counting for a status line)."""
    view = memoryview(data)
    pos, limit, size = 0, len(data), HEADER.size
    while pos + size <= limit:
        magic, crc, length, micros = HEADER.unpack_from(data, pos)
        end = pos + size + length
        if magic != MAGIC or length > MAX_RECORD_BYTES or end > limit:
            return
        if verify and zlib.crc32(view[pos + 8 : end]) != crc:
            return
        yield pos, end, micros
        pos = end


def payload(data: bytes, start: int, end: int) -> Any:
    return json.loads(data[start + HEADER.size : end])


def scan(path: Path, data: bytes, base: int, *, last: bool, verify: bool = True) -> tuple[int, int]:
    """(how many, file offset where they end) of the whole records in `data`, read from
    `path` at `base`. Only a torn tail of the last segment may follow them: anything else
    raises `SpoolCorrupt` naming the file and offset."""
    count = end = 0
    for _, end, _ in walk(data, verify=verify):  # noqa: B007 (the last end is wanted)
        count += 1
    if end < len(data) and (not last or _valid_after(data, end)):
        raise SpoolCorrupt(f"{path}: damaged record at offset {base + end}")
    return count, base + end


def _valid_after(data: bytes, pos: int) -> bool:
    found = data.find(MAGIC, pos + 1)
    while found != -1:
        if next(walk(data[found:]), None) is not None:
            return True
        found = data.find(MAGIC, found + 1)
    return False


def read(path: Path, start: int, stop: int | None = None) -> bytes:
    """The bytes of a segment from `start` (to `stop`, or its end)."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if start > size:
            raise SpoolCorrupt(f"{path}: the cursor ({start}) is past the end of the segment ({size})")
        handle.seek(start)
        return handle.read() if stop is None else handle.read(stop - start)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def plan(cursor: tuple[int, int], numbers: list[int]) -> list[tuple[int, int]]:
    """(segment, offset to start at) of each segment with pending records. A cursor on a
    segment that is gone means it was all acknowledged (segments are deleted only then)."""
    segment, offset = cursor
    return [(n, offset if n == segment else 0) for n in numbers if n >= segment]
