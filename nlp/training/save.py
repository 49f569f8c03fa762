"""Save the trained `context` component without its training text.

Training tokenises every record, which fills the trained pipeline's `vocab.strings` with every
token it saw; saving that pipeline would ship a strings table built from the training data. So
the component's weights (and its labels) are copied, without the vocab, into a FRESH pipeline
that has never seen a training text, and that one is written to disk.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.language import Language

from nlp.training.model import NAME


class SaveError(ValueError):
    """The output directory cannot take the model (named in the message)."""


def save(trained: Language, out: Path, *, fresh: Callable[[], Language],
         meta: dict[str, Any] | None = None) -> Path:
    """Write `fresh()` with the trained `context` weights to `out`, replacing a model saved
    there before (a non-empty directory that is not a spaCy pipeline is refused)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / "config.cfg").is_file())):
        raise SaveError(f"{out} exists and is not a saved model: not replacing it")
    target = fresh()
    component = trained.get_pipe(NAME).to_bytes(exclude=["vocab"])
    target.get_pipe(NAME).from_bytes(component, exclude=["vocab"])
    target.meta.update({"name": "vigil_context", "version": "1.0.0",
                        "description": "Vigil's listing context classifier (textcat_multilabel "
                                       "over hashed n-grams); weights only, no training text.",
                        "license": "project", **(meta or {})})
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        try:
            target.to_disk(staging / "model")
            if out.exists():
                shutil.rmtree(out)
            (staging / "model").rename(out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise SaveError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out
