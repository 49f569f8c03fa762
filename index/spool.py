"""A durable local spool (a write-ahead outbox) for index writes, replayed in append order.

The directory holds:

- `000000000001.seg`, …: segments of framed records (`index.spool_records`), appended in
  order and rolled at `segment_bytes` (a segment holds at least one record, so one big
  record may exceed it);
- `cursor`: `{"segment": n, "offset": k}`; everything before it is acknowledged. It is
  replaced atomically (temp file, fsync, rename, fsync of the directory);
- `append.lock`, held (flock) for the length of each append, and `replay.lock`, held by a
  replay, so that two replays never run at once.

An appender checks the bytes others appended since it last looked before writing after
them, so a record that a killed appender left half-written is cut off (with a warning)
before anything can follow it; a half record anywhere else is `SpoolCorrupt`.

Delivery is at least once: a replay killed after `apply` took a batch but before the cursor
moved applies that batch again (at most one batch).
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from index.spool_records import (
    HEADER,
    MAGIC,
    MAX_RECORD_BYTES,
    SpoolCorrupt,
    SpoolError,
    frame,
    fsync_dir,
    io_errors,
    payload,
    plan,
    read,
    scan,
    walk,
)

__all__ = ["MAX_RECORD_BYTES", "Spool", "SpoolCorrupt", "SpoolError"]

logger = logging.getLogger(__name__)

_SUFFIX = ".seg"
_CURSOR = "cursor"
_T = TypeVar("_T")
Op = dict[str, Any]
Position = tuple[int, int]  # (segment number, byte offset)


class Spool:
    """Operations kept on local disk until `replay` hands them on, in append order.

    Safe across processes and threads: appends serialise on `append.lock`, in the order
    they take it. A replay does not hold that lock while `apply` runs, so appends go on
    meanwhile; they are replayed after what was pending before them."""

    def __init__(self, directory: Path, *, segment_bytes: int = 16 * 1024 * 1024) -> None:
        if segment_bytes < 1:
            raise ValueError("segment_bytes must be positive")
        self.directory = Path(directory)
        self.segment_bytes = segment_bytes
        self._mutex = threading.Lock()  # flock does not exclude threads sharing a descriptor
        self._fd: int | None = None  # the last segment, for appending
        self._seg = 0  # its number
        self._good = 0  # how many of its bytes are known to be whole, valid records
        self._lock_fd: int | None = None
        with io_errors("cannot open the spool", self.directory):
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.directory / "append.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC)
        try:
            with self._appending():
                pass  # a torn tail is cut off on open, not at the first append
        except BaseException:
            self.close()
            raise

    # --- appending ------------------------------------------------------------------------
    def append(self, op: Op) -> None:
        """Keep one JSON-serialisable operation; it is fsync'd when this returns."""
        self.append_many([op])

    def append_many(self, ops: Sequence[Op]) -> None:
        """Keep operations, in order, with one fsync. Raises `ValueError` for a record over
        `MAX_RECORD_BYTES` (`TypeError` for one JSON cannot hold) and `SpoolError` when the
        disk refuses; in each case nothing of the batch is kept."""
        micros = time.time_ns() // 1000
        frames = [frame(op, micros) for op in ops]
        if frames:
            with self._appending():
                self._write(frames)

    @contextmanager
    def _appending(self) -> Iterator[None]:
        """Hold the append lock, with the last segment open and ending on a whole record."""
        with self._mutex:
            if self._lock_fd is None:
                raise ValueError("the spool is closed")
            with io_errors("cannot write the spool", self.directory):
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
                try:
                    self._sync_tail()
                    yield
                finally:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _sync_tail(self) -> None:
        """Check what others appended since this spool last looked (a record a killed
        appender left half-written is cut off here, before anything can follow it)."""
        numbers = self._segments()
        last = numbers[-1] if numbers else 0
        if self._fd is None or last != self._seg:
            self._close_fd()
            if not last:
                return  # no segment yet: the first append makes one
            self._fd = os.open(self._path(last), os.O_RDWR | os.O_CLOEXEC)
            self._seg = last
        size = os.fstat(self._fd).st_size
        if size == self._good:
            return
        if size < self._good:  # only if the file was edited by hand: look at all of it
            self._good = 0
        path = self._path(self._seg)
        _, end = scan(path, os.pread(self._fd, size - self._good, self._good), self._good, last=True)
        if end < size:
            logger.warning("%s: dropping %d bytes of a record cut short at offset %d", path, size - end, end)
            os.ftruncate(self._fd, end)
            os.fsync(self._fd)
        self._good = end

    def _write(self, frames: list[bytes]) -> None:
        """Write whole records after the last one, rolling segments as they fill; on an
        error what this call wrote is removed again before raising."""
        start = (self._seg, self._good)
        try:
            i = 0
            while i < len(frames):
                if self._fd is None or (self._good and self._good + len(frames[i]) > self.segment_bytes):
                    self._roll()
                j, size = i + 1, self._good + len(frames[i])
                while j < len(frames) and size + len(frames[j]) <= self.segment_bytes:
                    size += len(frames[j])
                    j += 1
                self._pwrite(b"".join(frames[i:j]))
                i = j
            os.fsync(self._fd)  # type: ignore[arg-type]
        except OSError:
            self._undo(start)
            raise

    def _pwrite(self, data: bytes) -> None:
        view, offset = memoryview(data), self._good
        while view:
            written = os.pwrite(self._fd, view, offset)  # type: ignore[arg-type]
            view, offset = view[written:], offset + written
            self._good = offset

    def _roll(self) -> None:
        """Start the next segment. What the current one holds is made durable first, so that
        no record can outlive a crash that one before it does not."""
        if self._fd is not None:
            os.fsync(self._fd)
            number = self._seg + 1
        else:  # numbered after any acknowledged segment, even one already deleted
            number = max([self._cursor()[0], *self._segments()]) + 1
        fd = os.open(self._path(number), os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        self._close_fd()
        self._fd, self._seg, self._good = fd, number, 0
        fsync_dir(self.directory)

    def _undo(self, start: Position) -> None:
        """Remove a failed append (under the lock, so every later segment is this call's)."""
        seg, good = start
        try:
            self._close_fd()
            for n in self._segments():
                if n > seg:
                    self._path(n).unlink()
            if seg:
                self._fd = os.open(self._path(seg), os.O_RDWR | os.O_CLOEXEC)
                self._seg = seg
                os.ftruncate(self._fd, good)
                os.fsync(self._fd)
                self._good = good
        except OSError as exc:  # a half record is cut off by the next append; whole ones replay
            logger.warning("%s: could not remove a failed append: %s", self.directory, exc)
            self._close_fd()

    # --- what is pending (read without locks: a record being appended is not counted yet) ---
    def backlog(self) -> int:
        """How many operations wait (a scan of the pending records' headers)."""
        def count(pending: list[Position]) -> int:
            total = 0
            for i, (n, start) in enumerate(pending):
                path = self._path(n)
                total += scan(path, read(path, start), start, last=i == len(pending) - 1, verify=False)[0]
            return total

        return self._look(count)

    def backlog_bytes(self) -> int:
        """Bytes on disk waiting for replay, framing included (from the files' sizes)."""
        return self._look(lambda pending: sum(self._path(n).stat().st_size - start for n, start in pending))

    def oldest(self) -> datetime | None:
        """When the oldest pending operation was appended (None when nothing waits)."""
        def first(pending: list[Position]) -> datetime | None:
            for n, start in pending:
                head = read(self._path(n), start, start + HEADER.size)
                if len(head) == HEADER.size and head[:4] == MAGIC:
                    return datetime.fromtimestamp(HEADER.unpack(head)[3] / 1e6, UTC)
                if head:
                    return None  # being written right now
            return None

        return self._look(first)

    def _look(self, see: Callable[[list[Position]], _T]) -> _T:
        with io_errors("cannot read the spool", self.directory):
            for _ in range(10):
                try:
                    return see(plan(self._cursor(), self._segments()))
                except FileNotFoundError:
                    continue  # a replay deleted a segment under us: look again
            raise SpoolError(errno.EAGAIN, f"the spool in {self.directory} kept changing")

    # --- replay ---------------------------------------------------------------------------
    def replay(self, apply: Callable[[list[Op]], None], *, batch: int = 500, wait: float = 0.0) -> int:
        """Hand pending operations to `apply` in append order, `batch` at a time, recording
        durably after each batch that it is done; goes on until it has caught up with the
        appends made meanwhile. If `apply` raises, its batch stays pending and the error
        propagates. Fully consumed segments are deleted.

        Returns how many operations were applied; 0 when another replay holds the spool
        (after waiting up to `wait` seconds for it to finish)."""
        if batch < 1:
            raise ValueError("batch must be positive")
        applied = 0
        with self._replay_lock(wait) as held:
            if not held:
                return 0
            while True:
                cursor = self._cursor()
                last, end = self._snapshot(cursor)
                moved = False
                for ops, position in self._batches(cursor, last, end, batch):
                    if ops:
                        apply(ops)
                    with io_errors("cannot record replay progress in the spool", self.directory):
                        self._write_cursor(position)
                        self._drop_before(position[0])
                    applied += len(ops)
                    moved = moved or bool(ops)
                if not moved:
                    return applied

    @contextmanager
    def _replay_lock(self, wait: float) -> Iterator[bool]:
        if self._lock_fd is None:
            raise ValueError("the spool is closed")
        with io_errors("cannot lock the spool for replay", self.directory):
            fd = os.open(self.directory / "replay.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held = True
                    break
                except BlockingIOError:
                    held = False
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.05)
            yield held
        finally:
            os.close(fd)  # releases the lock

    def _snapshot(self, cursor: Position) -> Position:
        """Where what is appended now ends, made durable so that the cursor can never get
        ahead of the segments after a crash. When all is acknowledged the last segment is
        deleted too (the next append starts a new one, numbered after it)."""
        with self._appending():
            self._drop_before(cursor[0])
            if self._fd is None:
                return 0, 0
            if (self._seg, self._good) == cursor:
                self._path(self._seg).unlink()
                self._close_fd()
                return 0, 0
            os.fsync(self._fd)
            return self._seg, self._good

    def _batches(
        self, cursor: Position, last: int, end: int, size: int
    ) -> Iterator[tuple[list[Op], Position]]:
        """Batches of operations up to (last, end), each with the position just after it; a
        last, empty batch moves the cursor past segments that hold no records."""
        pending = [(n, start) for n, start in plan(cursor, self._segments()) if n <= last]
        ops: list[Op] = []
        acked = final = cursor
        for i, (n, start) in enumerate(pending):
            after = pending[i + 1][0] if i + 1 < len(pending) else None  # the next segment
            path = self._path(n)
            with io_errors("cannot read the spool", path):
                data = read(path, start, end if n == last else None)
            pos = 0
            for rec_start, pos, _ in walk(data):
                try:
                    ops.append(payload(data, rec_start, pos))
                except ValueError as exc:
                    raise SpoolCorrupt(f"{path}: unreadable record at offset {start + rec_start}") from exc
                if len(ops) == size:
                    acked = (after, 0) if after is not None and pos == len(data) else (n, start + pos)
                    yield ops, acked
                    ops = []
            if pos != len(data):
                raise SpoolCorrupt(f"{path}: damaged record at offset {start + pos}")
            final = (after, 0) if after is not None else (n, start + pos)
        if ops or final != acked:
            yield ops, final

    # --- files ----------------------------------------------------------------------------
    def _path(self, number: int) -> Path:
        return self.directory / f"{number:012d}{_SUFFIX}"

    def _segments(self) -> list[int]:
        stems = (name[: -len(_SUFFIX)] for name in os.listdir(self.directory) if name.endswith(_SUFFIX))
        return sorted(int(stem) for stem in stems if stem.isdigit())

    def _drop_before(self, segment: int) -> None:
        """Delete the segments before the cursor's: all acknowledged."""
        for n in self._segments():
            if n < segment:
                self._path(n).unlink(missing_ok=True)

    def _cursor(self) -> Position:
        path = self.directory / _CURSOR
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return 0, 0
        try:
            found = json.loads(raw)
            return int(found["segment"]), int(found["offset"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SpoolCorrupt(f"{path}: unreadable cursor") from exc

    def _write_cursor(self, position: Position) -> None:
        temp = self.directory / (_CURSOR + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, json.dumps({"segment": position[0], "offset": position[1]}).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, self.directory / _CURSOR)
        fsync_dir(self.directory)

    def _close_fd(self) -> None:
        fd, self._fd, self._seg, self._good = self._fd, None, 0, 0
        if fd is not None:
            os.close(fd)

    def close(self) -> None:
        with self._mutex:
            self._close_fd()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
