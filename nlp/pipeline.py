"""The extraction pipeline as a spaCy `Language`: load it, run listings through it.

`load()` returns the packaged pipeline (`nlp/package/`, a directory `spacy.load` reads, built
from `nlp/config.cfg`), or builds it from the config when no package is there. Its components
are registered in `nlp.components` (and as `spacy_factories` entry points, so a process that
never imported Vigil can `spacy.load` it too). `pipe()` is the batch path: `nlp.pipe`, and for many
cores worker processes that each run it and send back contracts (`nlp.parallel`); `nlp.extract`
is one listing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

import nlp.components  # registers the factories
import nlp.tokenizer  # noqa: F401  (registers the tokenizer)
from nlp import serialization
from nlp.doc import listing_doc, listing_input, to_contract
from nlp.money import RateTable
from nlp.parallel import pipe_contracts

serialization.install()

CONFIG_PATH = Path(__file__).resolve().with_name("config.cfg")
PACKAGE_DIR = Path(__file__).resolve().with_name("package")


def build() -> Language:
    """A fresh pipeline from `nlp/config.cfg` (an untrained context component, if any)."""
    config = spacy.util.load_config(CONFIG_PATH)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


META = {
    "name": "vigil_listings",
    "version": "1.0.0",
    "description": "Vigil's extraction pipeline for drug-market listings: substances, amounts, "
                   "prices, vendor identifiers, countries (rules over a curated lexicon, and a "
                   "small context model). Needs the `vigil` package (its components).",
    "author": "Vigil",
    "license": "see the Vigil repository",
}


def package(out_dir: Path, pipeline: Language | None = None) -> Path:
    """Write the extraction pipeline as a directory `spacy.load` reads: a fresh `build()` with
    the trained components' weights of `pipeline` (default: the shipped context model,
    nlp/model/context).

    Only a fresh vocabulary is written: a pipeline that has processed text holds every token
    of it in its string store, and the package must not carry listing text."""
    fresh = assemble(pipeline)
    fresh.meta.update(META)
    fresh.to_disk(out_dir)
    return out_dir


def assemble(trained: Language | None = None) -> Language:
    """A fresh `build()` carrying the weights of `trained`'s components of the same names
    (default: the shipped context model, nlp/model/context): how a model trained elsewhere,
    e.g. on one fold, is scored inside the extraction pipeline."""
    fresh = build()
    if trained is None:
        from nlp.context_model import load as load_context_model

        trained = load_context_model()
    for name, component in trained.pipeline:
        if hasattr(component, "to_bytes") and name in fresh.pipe_names:
            fresh.get_pipe(name).from_bytes(component.to_bytes(exclude=["vocab"]),
                                            exclude=["vocab"])
    return fresh


#: The components that are the trained model's part of the pipeline.
MODEL_COMPONENTS = ("context", "arbitration")


def rules_only(pipeline: Language | None = None) -> Language:
    """`pipeline` (default: a fresh `load()`) without the context model: the rules alone."""
    pipeline = pipeline or load()
    for name in MODEL_COMPONENTS:
        if name in pipeline.pipe_names:
            pipeline.remove_pipe(name)
    return pipeline


def extractor(pipeline: Language) -> Callable[..., dict[str, Any]]:
    """`extract(record, on=, rates=)` over `pipeline` (what `nlp.extract` is over `shared()`)."""

    def extract(record: Mapping[str, Any], *, on: date | None = None,
                rates: RateTable | None = None) -> dict[str, Any]:
        pipeline.get_pipe("prices").rates = rates
        return to_contract(pipeline(listing_doc(pipeline, record, on=on)))

    return extract


def load(rates: RateTable | None = None) -> Language:
    """The extraction pipeline; `rates` is the crypto rate table its prices convert with."""
    pipeline = spacy.load(PACKAGE_DIR) if (PACKAGE_DIR / "config.cfg").exists() else build()
    pipeline.get_pipe("prices").rates = rates
    return pipeline


# Touches what loads on first use: the lexicon's indexes, the language model, the rate tables.
_WARM_UP = {"title": "Warm-up: 1g cocaine, 10 x 2mg pills", "price": "$10", "ships_from": "USA",
            "description": "Top quality, shipped from Germany with DHL, stealth packaging."}


@cache
def shared() -> Language:
    """One pipeline per process for `nlp.extract` (loading costs about a second).

    It is warmed up (one listing), then everything loaded so far is frozen out of the garbage
    collector's sight (`gc.freeze()`): these objects live as long as the process, and each
    full collection would walk them again (about 6 % of the pipeline's time on real listings)."""
    pipeline = load()
    pipeline(listing_doc(pipeline, _WARM_UP))
    gc.collect()
    gc.freeze()
    return pipeline


def pipe(records: Iterable[Mapping[str, Any]], *, on: date | None = None,
         rates: RateTable | None = None, n_process: int = 1, batch_size: int = 64,
         pipeline: Language | None = None) -> Iterator[dict[str, Any]]:
    """The extraction of each record, in order (`on`: the observation date for all)."""
    pipeline = pipeline or shared()
    pipeline.get_pipe("prices").rates = rates
    inputs = ((*listing_input(record, on=on), None) for record in records)
    with rare_young_collections():
        for contract, _tag in pipe_contracts(pipeline, inputs, n_process=n_process,
                                             batch_size=batch_size):
            yield contract


#: Allocations between two young-generation collections while a batch runs (Python's default: 700).
BATCH_GC_THRESHOLD = 100_000


@contextmanager
def rare_young_collections() -> Iterator[None]:
    """Collect the young generation rarely while a batch runs, as before after.

    A batch allocates millions of short-lived objects (tokens, spans, dicts) that reference
    counting frees, and hardly any cycle: a collection every 700 allocations finds next to
    nothing, yet cost about 10 % of `pipe`'s time on real listings (measured: 1,816 -> 2,016
    listings/s). Cycles are still collected, every 100,000 allocations."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], BATCH_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
