"""Spool throughput: `append` (an fsync each) and `append_many` (batches of 500) beside plain
`write` + `fsync` of the same bytes to one file, in the same run and folder; then the time
`backlog()` takes to count what waits and how fast `replay` hands it on.

    .venv/bin/python bench/spool.py [--appends 2000] [--batched 100000] [--dir /var/tmp]

Disks here are noisy: compare the ratios, not the rates. Nothing asserts on them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.spool import Spool  # noqa: E402
from index.spool_records import frame  # noqa: E402

BATCH = 500


def op(n: int) -> dict:
    """About the size of one listing's bulk action."""
    return {"op": "bulk", "actions": [{"_op_type": "index", "_index": "vigil-listings", "_id": f"m1:{n}",
                                       "_source": {"market": "m1", "listing_id": str(n), "title": "x" * 200,
                                                   "price": {"amount": "12.50", "currency": "EUR"}}}]}


def rate(count: int, run: Callable[[], None]) -> float:
    began = time.perf_counter()
    run()
    return count / (time.perf_counter() - began)


def raw(path: Path, chunks: list[bytes]) -> None:
    """The floor: the same bytes, one write and one fsync per chunk, no framing checks."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for chunk in chunks:
            os.write(fd, chunk)
            os.fsync(fd)
    finally:
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000, help="single appends (an fsync each)")
    parser.add_argument("--batched", type=int, default=100_000, help="ops appended in batches of 500")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        ops = [op(n) for n in range(max(args.appends, args.batched))]
        frames = [frame(o, 0) for o in ops]

        one = ops[: args.appends]
        with Spool(folder / "single") as spool:
            spool_one = rate(len(one), lambda: [spool.append(o) for o in one])
        raw_one = rate(len(one), lambda: raw(folder / "raw-single", frames[: len(one)]))

        many = ops[: args.batched]
        batches = [many[i : i + BATCH] for i in range(0, len(many), BATCH)]
        chunks = [b"".join(frames[i : i + BATCH]) for i in range(0, len(many), BATCH)]
        with Spool(folder / "batched") as spool:
            spool_many = rate(len(many), lambda: [spool.append_many(b) for b in batches])
            raw_many = rate(len(many), lambda: raw(folder / "raw-batched", chunks))

            began = time.perf_counter()
            waiting = spool.backlog()
            counted = time.perf_counter() - began
            size = spool.backlog_bytes()
            replayed = rate(waiting, lambda: spool.replay(lambda batch: None, batch=BATCH))

    print(f"op size:                    {len(frames[0])} bytes framed")
    print(f"append (fsync each):        {spool_one:10.0f} ops/s")
    print(f"raw write+fsync each:       {raw_one:10.0f} ops/s")
    print(f"append_many ({BATCH}/batch):   {spool_many:10.0f} ops/s")
    print(f"raw write+fsync per {BATCH}:   {raw_many:10.0f} ops/s")
    print(f"backlog() of {waiting} ops ({size / 2**20:.1f} MiB): {counted * 1000:.0f} ms")
    print(f"replay (no-op apply):       {replayed:10.0f} ops/s")
    print(f"ratio spool/raw ({BATCH}/batch): {spool_many / raw_many:.2f}")
    print(f"ratio spool/raw: {spool_one / raw_one:.2f}")


if __name__ == "__main__":
    main()
