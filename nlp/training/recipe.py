"""The whole training run behind `vigil nlp train`: records → split → train → save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from spacy.language import Language

from nlp.training.model import MakeDoc, blank_pipeline, listing_doc_maker
from nlp.training.save import save
from nlp.training.train import TrainResult, split, train, weights_digest
from nlp.training.weak_labels import RealRows, build_records, dev_exclusions, label_counts

DEFAULT_EPOCHS = 12


@dataclass
class Run:
    result: TrainResult
    n_train: int
    n_held_out: int
    digest: str
    out: Path | None
    dev_fingerprint: str


def run(real: Path, gold: Path, out: Path | None, *, seed: int = 0, epochs: int = DEFAULT_EPOCHS,
        make_pipeline: Callable[[], Language] = blank_pipeline,
        make_doc_for: Callable[[Language], MakeDoc] = listing_doc_maker,
        progress: IO[str] | None = None) -> Run:
    """Train on every labelled record outside the held-out split and the development set;
    save (when `out` is given) through a fresh pipeline from `make_pipeline`."""
    excluded = dev_exclusions(gold, RealRows(real))
    records = build_records(real, gold, excluded=excluded)
    train_records, held_out = split(records)
    if progress is not None:
        progress.write(f"context: development set: {len(excluded.refs)} rows left out\n")
        counts = label_counts(train_records)
        progress.write(f"context: {len(train_records)} training records, {len(held_out)} held out\n")
        progress.write("context: positives/negatives: " + ", ".join(
            f"{label} {pos}/{neg}" for label, (pos, neg) in counts.items()) + "\n")
    nlp = make_pipeline()
    result = train(nlp, train_records, held_out, make_doc=make_doc_for(nlp), seed=seed,
                   epochs=epochs, progress=progress)
    digest = weights_digest(nlp)
    if out is not None:
        save(nlp, out, fresh=make_pipeline, meta={
            "vigil_training": {"seed": seed, "epochs": epochs, "best_epoch": result.best_epoch,
                               "train_records": len(train_records), "held_out": len(held_out),
                               "held_out_score": round(result.scores.score, 4),
                               "weights_sha256": digest,
                               "dev_rows_excluded": len(excluded.refs),
                               "dev_sha256": excluded.fingerprint()}})
    return Run(result, len(train_records), len(held_out), digest, out, excluded.fingerprint())
