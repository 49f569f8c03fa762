"""The durable spool: order, torn tails, corruption, and real processes killed (SIGKILL)
while appending or replaying, appending side by side, or refused by the disk."""

from __future__ import annotations

import errno
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT

from index.errors import StoreError
from index.spool import MAX_RECORD_BYTES, Spool, SpoolCorrupt, SpoolError

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def drain(spool: Spool, batch: int = 500) -> list[dict]:
    got: list[dict] = []
    spool.replay(got.extend, batch=batch)
    return got


def segments(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.seg"))


def child(script: str, *args: object, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=ENV, **kwargs)


# --- order, batches, acknowledgement ---------------------------------------------------------
def test_order_and_content_survive_close_and_reopen(tmp_path: Path) -> None:
    ops = [{"n": i, "text": "é\x00\n\"ü", "nested": {"x": [1.5, None, True]}} for i in range(40)]
    with Spool(tmp_path, segment_bytes=600) as spool:
        for op in ops[:10]:
            spool.append(op)
        spool.append_many(ops[10:])
        assert spool.backlog() == 40
        assert len(segments(tmp_path)) > 3  # rolled
    with Spool(tmp_path) as spool:
        assert spool.backlog() == 40
        assert spool.backlog_bytes() == sum(p.stat().st_size for p in segments(tmp_path))
        batches: list[list[dict]] = []
        assert spool.replay(batches.append, batch=7) == 40
        assert [len(b) for b in batches] == [7, 7, 7, 7, 7, 5]
        assert [op for b in batches for op in b] == ops
        assert spool.backlog() == 0 and spool.backlog_bytes() == 0 and spool.oldest() is None
        assert segments(tmp_path) == []  # consumed segments are deleted
        assert spool.replay(batches.append) == 0


def test_oldest_is_the_append_time_of_the_first_pending(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:
        assert spool.oldest() is None
        before = time.time()
        spool.append({"n": 0})
        time.sleep(0.02)
        spool.append_many([{"n": 1}, {"n": 2}])
        first = spool.oldest()
        assert first is not None and before - 0.01 <= first.timestamp() <= time.time()

        def once(ops: list[dict]) -> None:
            if ops[0]["n"] > 0:
                raise ConnectionError("down")

        with pytest.raises(ConnectionError):
            spool.replay(once, batch=1)
    with Spool(tmp_path) as spool:  # reopened: the cursor is on disk
        assert spool.backlog() == 2
        assert (spool.oldest() - first).total_seconds() >= 0.015  # type: ignore[operator]


def test_a_failed_batch_stays_pending_and_is_applied_once_later(tmp_path: Path) -> None:
    with Spool(tmp_path, segment_bytes=200) as spool:
        spool.append_many([{"n": i} for i in range(25)])
        seen: list[int] = []

        def apply(ops: list[dict]) -> None:
            if len(seen) == 20:
                raise ConnectionError("cluster down")
            seen.extend(op["n"] for op in ops)

        with pytest.raises(ConnectionError):
            spool.replay(apply, batch=10)
        assert seen == list(range(20))
        assert spool.backlog() == 5
    with Spool(tmp_path) as spool:
        assert [op["n"] for op in drain(spool, batch=10)] == list(range(20, 25))
        assert drain(spool) == []


def test_appends_made_during_a_replay_follow_what_was_pending(tmp_path: Path) -> None:
    with Spool(tmp_path, segment_bytes=300) as spool, Spool(tmp_path) as other:
        spool.append_many([{"n": i} for i in range(10)])
        got: list[int] = []

        def apply(ops: list[dict]) -> None:
            got.extend(op["n"] for op in ops)
            if ops[0]["n"] < 10:
                other.append({"n": ops[0]["n"] + 100})

        assert spool.replay(apply, batch=4) == 13
        assert got == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 104, 108]


def test_a_second_replay_returns_at_once_while_one_runs(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool, Spool(tmp_path) as other:
        spool.append_many([{"n": i} for i in range(3)])
        inside, release = threading.Event(), threading.Event()
        thread = threading.Thread(target=spool.replay, args=(lambda ops: (inside.set(), release.wait(10)),))
        thread.start()
        assert inside.wait(10)
        began = time.monotonic()
        assert other.replay(lambda ops: pytest.fail("ran twice")) == 0
        assert time.monotonic() - began < 0.5
        release.set()
        thread.join(10)
        assert other.backlog() == 0


def test_threads_appending_to_one_spool_keep_their_order(tmp_path: Path) -> None:
    with Spool(tmp_path, segment_bytes=2000) as spool:
        def run(name: str) -> None:
            for i in range(100):
                spool.append({"t": name, "n": i})

        threads = [threading.Thread(target=run, args=(name,)) for name in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        got = drain(spool)
    for name in "ab":
        assert [op["n"] for op in got if op["t"] == name] == list(range(100))


# --- bounds and errors ---------------------------------------------------------------------
def test_an_oversized_or_unserialisable_record_writes_nothing(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:
        spool.append({"n": 0})
        size = segments(tmp_path)[0].stat().st_size
        with pytest.raises(ValueError, match="over the limit"):
            spool.append_many([{"n": 1}, {"big": "x" * MAX_RECORD_BYTES}])
        with pytest.raises(TypeError):
            spool.append_many([{"n": 1}, {"bad": object()}])
        assert segments(tmp_path)[0].stat().st_size == size
        assert drain(spool) == [{"n": 0}]


def test_a_spool_that_cannot_be_created_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SpoolError) as caught:
        Spool(blocker / "spool")
    assert caught.value.errno == errno.ENOTDIR and str(blocker) in str(caught.value)
    assert isinstance(caught.value, OSError) and isinstance(caught.value, StoreError)


DISK_FULL = """
import resource, signal, sys
from pathlib import Path
from index.spool import Spool, SpoolError
spool = Spool(Path(sys.argv[1]), segment_bytes=10**9)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20000, resource.RLIM_INFINITY))
n = 0
try:
    while True:
        spool.append_many([{"n": n, "pad": "x" * 700}, {"n": n + 1, "pad": "y" * 700}])
        n += 2
except SpoolError as exc:
    print(n, exc.errno, exc)
"""


def test_a_write_the_disk_refuses_raises_and_leaves_no_half_record(tmp_path: Path, caplog) -> None:
    """The file-size limit makes the disk refuse mid-record, as a full disk does."""
    proc = child(DISK_FULL, tmp_path, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=60)
    kept, code, message = out.split(" ", 2)
    assert int(code) == errno.EFBIG and str(tmp_path) in message
    assert segments(tmp_path)[0].stat().st_size < 20000
    with caplog.at_level(logging.WARNING), Spool(tmp_path) as spool:
        assert [op["n"] for op in drain(spool)] == list(range(int(kept)))
    assert "cut short" not in caplog.text  # the failed append removed itself


# --- torn tails and corruption -----------------------------------------------------------------
def fill(folder: Path, count: int = 5) -> list[int]:
    """Append `count` records; returns the file offset where each ends."""
    ends = []
    with Spool(folder) as spool:
        for i in range(count):
            spool.append({"n": i, "pad": "p" * 50})
            ends.append(segments(folder)[-1].stat().st_size)
    return ends


@pytest.mark.parametrize("cut", [1, 7, 25, 60])
def test_a_record_cut_short_is_dropped_on_open(tmp_path: Path, cut: int, caplog) -> None:
    ends = fill(tmp_path)
    with segments(tmp_path)[0].open("r+b") as handle:
        handle.truncate(ends[3] + cut)  # a prefix of record 4 (header is 20 bytes)
    with caplog.at_level(logging.WARNING), Spool(tmp_path) as spool:
        assert "cut short" in caplog.text
        assert segments(tmp_path)[0].stat().st_size == ends[3]
        spool.append({"n": 99})
        assert [op["n"] for op in drain(spool)] == [0, 1, 2, 3, 99]


def test_garbage_after_the_last_record_is_dropped_on_open(tmp_path: Path) -> None:
    ends = fill(tmp_path)
    with segments(tmp_path)[0].open("ab") as handle:
        handle.write(os.urandom(3000) + b"VSp1" + os.urandom(40))
    with Spool(tmp_path) as spool:
        assert segments(tmp_path)[0].stat().st_size == ends[-1]
        assert [op["n"] for op in drain(spool)] == [0, 1, 2, 3, 4]


def test_a_torn_tail_left_by_another_process_is_cut_before_the_next_append(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:  # stays open while "another process" dies mid-write
        spool.append({"n": 0})
        with segments(tmp_path)[0].open("ab") as handle:
            handle.write(b"VSp1\x00\x00")
        assert spool.backlog() == 1  # a half record is not counted
        spool.append({"n": 1})
        assert drain(spool) == [{"n": 0}, {"n": 1}]


@pytest.mark.parametrize("where", ["payload", "header"])
def test_damage_in_the_middle_of_a_segment_raises(tmp_path: Path, where: str) -> None:
    ends = fill(tmp_path)
    path = segments(tmp_path)[0]
    data = bytearray(path.read_bytes())
    data[ends[1] + (30 if where == "payload" else 1)] ^= 0xFF  # record 2 of 5
    path.write_bytes(bytes(data))
    with pytest.raises(SpoolCorrupt) as caught:
        Spool(tmp_path)
    assert str(path) in str(caught.value) and f"offset {ends[1]}" in str(caught.value)


def test_damage_in_an_earlier_segment_stops_the_replay_there(tmp_path: Path) -> None:
    with Spool(tmp_path, segment_bytes=250) as spool:
        spool.append_many([{"n": i, "pad": "p" * 40} for i in range(12)])
    first = segments(tmp_path)[0]
    data = bytearray(first.read_bytes())
    data[-5] ^= 0xFF  # the last record of the first segment
    first.write_bytes(bytes(data))
    with Spool(tmp_path) as spool:  # the last segment is sound: opens
        got: list[dict] = []
        with pytest.raises(SpoolCorrupt, match=first.name):
            spool.replay(got.extend, batch=1)
        assert [op["n"] for op in got] == list(range(len(got)))
        assert len(got) < 3


# --- real processes, killed ---------------------------------------------------------------------
APPENDER = """
import sys
from pathlib import Path
from index.spool import Spool
folder, n, size = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
spool = Spool(folder, segment_bytes=size * 5 // 2)
while True:
    spool.append({"n": n, "pad": "x" * (size - len(str(n)))})  # every record the same size
    print(n, flush=True)
    n += 1
"""
PAD = 4_000_000  # big records: a write takes long enough to be caught half done
RECORD = 20 + len('{"n":,"pad":""}') + PAD


def kill_mid_write(folder: Path, proc: subprocess.Popen) -> None:
    """SIGKILL the appender while its newest segment ends inside a record."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = segments(folder)
        try:
            if found and found[-1].stat().st_size % RECORD:
                break
        except FileNotFoundError:
            continue
    os.kill(proc.pid, signal.SIGKILL)


def test_sigkill_while_appending_loses_nothing_that_was_acknowledged(tmp_path: Path, caplog) -> None:
    rng = random.Random(7)
    confirmed = -1
    with caplog.at_level(logging.WARNING, logger="index.spool"):
        for round_ in range(6):
            with Spool(tmp_path) as spool:  # cuts off a torn tail the last kill left
                start = spool.backlog()
            assert start > confirmed  # every append that returned is there
            proc = child(APPENDER, tmp_path, start, PAD, stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert first.strip() == str(start)
            if round_ % 2:
                kill_mid_write(tmp_path, proc)
            else:
                time.sleep(rng.uniform(0.0, 0.1))
                os.kill(proc.pid, signal.SIGKILL)
            rest = proc.stdout.read()
            proc.wait(10)
            confirmed = int((first + rest).split()[-1])
        with Spool(tmp_path) as spool:
            got = [op["n"] for op in drain(spool, batch=3)]
    assert got == list(range(len(got)))  # whole records, no gap, a prefix of what was tried
    assert len(got) > confirmed
    assert "cut short" in caplog.text  # a kill did tear a record (and it was dropped)


REPLAYER = """
import os, sys, time
from pathlib import Path
from index.spool import Spool
out = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
def apply(ops):
    time.sleep(0.003)  # the cluster at work: a kill here must not lose the batch
    os.write(out, "".join(f"{op['n']}\\n" for op in ops).encode())
    os.fsync(out)
Spool(Path(sys.argv[1])).replay(apply, batch=int(sys.argv[3]))
"""


def lines(path: Path) -> list[int]:
    text = path.read_text() if path.exists() else ""
    return [int(line) for line in text.split("\n")[:-1]]  # a line cut by the kill is dropped


def test_sigkill_while_replaying_reapplies_at_most_one_batch(tmp_path: Path) -> None:
    total, batch, rng = 3000, 40, random.Random(11)
    spool_dir = tmp_path / "spool"
    with Spool(spool_dir, segment_bytes=20_000) as spool:
        for i in range(0, total, 100):
            spool.append_many([{"n": n} for n in range(i, i + 100)])
    outputs = []
    for round_ in range(4):
        out = tmp_path / f"out{round_}"
        proc = child(REPLAYER, spool_dir, out, batch)
        while proc.poll() is None and len(lines(out)) < 2:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        outputs.append(lines(out))
    with Spool(spool_dir) as spool:
        outputs.append([op["n"] for op in drain(spool, batch=batch)])
    done = 0  # everything before it was applied
    for out in filter(None, outputs):
        assert out == list(range(out[0], out[0] + len(out)))  # in order, within one run
        assert out[0] <= done and done - out[0] <= batch  # no gap; at most one batch again
        done = out[-1] + 1
    assert done == total


CONCURRENT = """
import sys
from pathlib import Path
from index.spool import Spool
spool = Spool(Path(sys.argv[1]), segment_bytes=4000)
name = sys.argv[2]
for n in range(0, 400, 4):
    spool.append({"p": name, "n": n})
    spool.append_many([{"p": name, "n": n + k} for k in (1, 2, 3)])
"""


def test_processes_append_side_by_side_while_another_replays(tmp_path: Path) -> None:
    procs = [child(CONCURRENT, tmp_path, name) for name in "ab"]
    got: list[dict] = []
    with Spool(tmp_path) as spool:
        while any(p.poll() is None for p in procs):
            spool.replay(got.extend, batch=25)
        assert all(p.wait(60) == 0 for p in procs)
        spool.replay(got.extend, batch=25)
        assert spool.backlog() == 0
    assert len(got) == 800
    for name in "ab":
        assert [op["n"] for op in got if op["p"] == name] == list(range(400))


def test_backlog_of_100k_records_is_quick(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:
        for i in range(0, 100_000, 5000):
            spool.append_many([{"op": "bulk", "n": n} for n in range(i, i + 5000)])
        began = time.perf_counter()
        assert spool.backlog() == 100_000
        assert time.perf_counter() - began < 1.0
