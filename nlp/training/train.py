"""Train the `context` component: seeded, in a fixed data order, early-stopped on a held-out split.

Only the component named `context` is initialised and updated (the rest of the pipeline is left
as it is), so the same code trains it inside the blank development pipeline or the packaged one:
the caller passes the pipeline and the `make_doc(record)` that turns a record into a `Doc`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from nlp.training.labels import KIND_LABELS, LABELS
from nlp.training.model import LEARN_RATE, NAME, THRESHOLD, MakeDoc
from nlp.training.weak_labels import Record, title_key

HELD_OUT_SHARE = 0.15
MIN_SUPPORT = 5  # a label needs this many positives in the held-out split to count in the score


def split(records: Sequence[Record], share: float = HELD_OUT_SHARE) -> tuple[list[Record], list[Record]]:
    """(train, held_out) by vendor or listing group (a stable hash, not the seed), and no title
    in both: a training record whose title is in the held-out split is dropped."""
    held: list[Record] = []
    train: list[Record] = []
    for record in records:
        digest = hashlib.sha256(record["group"].encode("utf-8")).digest()
        (held if int.from_bytes(digest[:4], "big") < share * 2**32 else train).append(record)
    held_titles = {title_key(r["title"]) for r in held if r["title"].strip()}
    train = [r for r in train if title_key(r["title"]) not in held_titles]
    return train, held


@dataclass
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    support: int = 0  # positives among the records that know the label

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    labels: dict[str, LabelScore] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """Mean F1 over the labels with at least MIN_SUPPORT positives (kind labels always)."""
        used = [s.f1 for s in self.labels.values()
                if s.label in KIND_LABELS or s.support >= MIN_SUPPORT]
        return sum(used) / len(used) if used else 0.0

    def table(self) -> str:
        lines = [f"{'label':32} {'P':>6} {'R':>6} {'F1':>6} {'pos':>6}"]
        for s in self.labels.values():
            if s.support or s.fp:
                lines.append(f"{s.label:32} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                             f"{s.support:6d}")
        lines.append(f"{'score (mean F1)':32} {self.score:6.3f}")
        return "\n".join(lines)


def predict(nlp: Language, records: Sequence[Record], make_doc: MakeDoc,
            batch_size: int = 256) -> list[dict[str, float]]:
    """`cats` of the `context` component for each record."""
    pipe = nlp.get_pipe(NAME)
    labels = list(pipe.labels)
    out: list[dict[str, float]] = []
    for batch in minibatch(list(records), size=batch_size):
        scores = pipe.model.ops.to_numpy(pipe.predict([make_doc(r) for r in batch]))
        out.extend({label: float(row[i]) for i, label in enumerate(labels)} for row in scores)
    return out


def evaluate(nlp: Language, records: Sequence[Record], make_doc: MakeDoc,
             threshold: float = THRESHOLD) -> Scores:
    """Per-label P/R/F1 at `threshold`, over the records that know each label."""
    scores = Scores({label: LabelScore(label) for label in LABELS})
    for record, cats in zip(records, predict(nlp, records, make_doc), strict=True):
        for label, gold in record["cats"].items():
            s = scores.labels[label]
            truth, guess = gold >= 0.5, cats[label] >= threshold
            s.support += truth
            s.tp += truth and guess
            s.fp += guess and not truth
            s.fn += truth and not guess
    return scores


@dataclass
class TrainResult:
    best_epoch: int
    scores: Scores
    history: list[tuple[int, float, float]]  # (epoch, loss, held-out score)


def _examples(records: Sequence[Record], make_doc: MakeDoc) -> list[Example]:
    return [Example.from_dict(make_doc(r), {"cats": dict(r["cats"])}) for r in records]


def train(nlp: Language, train_records: Sequence[Record], dev_records: Sequence[Record], *,
          make_doc: MakeDoc, seed: int = 0, epochs: int = 10, batch_size: int = 32,
          patience: int = 3, learn_rate: float = LEARN_RATE,
          progress: IO[str] | None = None) -> TrainResult:
    """Train `nlp`'s `context` component in place; keeps the weights of the best epoch on
    `dev_records` (stops after `patience` epochs without improvement)."""
    if not train_records:
        raise ValueError("no training records")
    fix_random_seed(seed)
    rng = random.Random(seed)
    pipe = nlp.get_pipe(NAME)
    examples = _examples(train_records, make_doc)
    pipe.initialize(lambda: examples, nlp=nlp, labels=list(LABELS))
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = learn_rate
    order = list(range(len(examples)))
    best: tuple[float, int, bytes] | None = None
    history: list[tuple[int, float, float]] = []
    log: Callable[[str], Any] = (lambda m: (progress.write(m + "\n"), progress.flush())) if progress \
        else (lambda m: None)
    for epoch in range(1, epochs + 1):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch([examples[i] for i in order], size=batch_size):
            pipe.update(batch, sgd=optimizer, losses=losses)
        held = evaluate(nlp, dev_records, make_doc).score if dev_records else 0.0
        history.append((epoch, losses.get(NAME, 0.0), held))
        log(f"context: epoch {epoch}: loss {losses.get(NAME, 0.0):.4f}, held-out score {held:.4f}")
        if best is None or held > best[0]:
            best = (held, epoch, pipe.model.to_bytes())
        elif epoch - best[1] >= patience:
            log(f"context: no gain for {patience} epochs, keeping epoch {best[1]}")
            break
    assert best is not None
    pipe.model.from_bytes(best[2])
    scores = evaluate(nlp, dev_records, make_doc) if dev_records else Scores()
    return TrainResult(best[1], scores, history)


def weights_digest(nlp: Language) -> str:
    """SHA-256 of the `context` component's weights (reproducibility checks)."""
    model = nlp.get_pipe(NAME).model
    h = hashlib.sha256()
    for node in model.walk():
        for name in sorted(node.param_names):
            if node.has_param(name):
                h.update(numpy.ascontiguousarray(model.ops.to_numpy(node.get_param(name))).tobytes())
    return h.hexdigest()
