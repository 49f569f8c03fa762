"""Extraction across processes that send back contracts, not Docs.

spaCy's `nlp.pipe(..., n_process=N)` ships every processed Doc back to the parent as bytes,
and the parent rebuilds it before reading the contract out of it. Once extraction became fast
(about 0.45 ms a listing), that round trip cost as much as the extraction itself, and two
processes were no faster than one (bench/extract.py measured 1.01-1.05x). Here each worker
runs the same `Language.pipe` on a batch and returns the batch's contracts: plain dicts, a
tenth of a Doc's bytes, with nothing to rebuild.

Workers are forked from the parent, so they share its loaded pipeline (lexicon indexes,
language model, rate table) copy-on-write, and they start in milliseconds. Batches are
submitted a few at a time and read back in order: input is read a bounded distance ahead, the
output order is the input order, and an error in a worker is raised in the parent.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from spacy.language import Language

from nlp.doc import to_contract

Tag = TypeVar("Tag")

#: Batches in flight per worker: enough to keep each busy while the parent reads results.
BATCHES_AHEAD = 2

# The pipeline a forked worker runs (set in the parent just before the pool forks).
_pipeline: Language | None = None


def pipe_contracts(pipeline: Language, inputs: Iterable[tuple[str, dict[str, Any], Tag]], *,
                   n_process: int = 1, batch_size: int = 64) -> Iterator[tuple[dict[str, Any], Tag]]:
    """The contract of each `(text, context, tag)` input, with its tag, in input order.

    `text` and `context` are what `nlp.doc.listing_input` returns; `tag` stays in this
    process (a line number, the whole record: anything, never sent to a worker)."""
    if n_process <= 1:
        tags: deque[Tag] = deque()

        def untagged() -> Iterator[tuple[str, dict[str, Any]]]:
            for text, context, tag in inputs:
                tags.append(tag)
                yield text, context

        for doc, _context in pipeline.pipe(untagged(), as_tuples=True, batch_size=batch_size):
            yield to_contract(doc), tags.popleft()
        return
    yield from _pooled(pipeline, iter(inputs), n_process, batch_size)


def _pooled(pipeline: Language, inputs: Iterator[tuple[str, dict[str, Any], Tag]], n_process: int,
            batch_size: int) -> Iterator[tuple[dict[str, Any], Tag]]:
    global _pipeline
    _pipeline = pipeline
    pool = multiprocessing.get_context("fork").Pool(n_process)
    try:
        pending: deque[tuple[Any, list[Tag]]] = deque()

        def submit() -> bool:
            batch = list(islice(inputs, batch_size))
            if not batch:
                return False
            work = [(text, context) for text, context, _tag in batch]
            pending.append((pool.apply_async(_extract_batch, (work,)), [tag for *_, tag in batch]))
            return True

        while len(pending) < n_process * BATCHES_AHEAD and submit():
            pass
        while pending:
            result, tags = pending.popleft()
            contracts = result.get()
            submit()
            yield from zip(contracts, tags, strict=True)
        pool.close()
        pool.join()
    finally:
        pool.terminate()
        _pipeline = None


def _extract_batch(work: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """In a worker: the contracts of one batch."""
    from nlp.pipeline import rare_young_collections

    assert _pipeline is not None, "a worker of nlp.parallel runs only in a forked pool"
    with rare_young_collections():
        return [to_contract(doc) for doc, _context in
                _pipeline.pipe(work, as_tuples=True, batch_size=len(work))]
