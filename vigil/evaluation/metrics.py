"""The figures of an evaluation: counts, precision/recall/F1, rates and the report they make."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PRF:
    """Micro-averaged counts; precision (recall) is 1.0 when nothing was predicted (expected)."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Rate:
    hits: int
    total: int
    empty: float = 1.0  # value when nothing was counted

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else self.empty


@dataclass(frozen=True)
class EvalError:
    listing_id: str
    source: str
    lang: str
    field: str  # substance | class | quantity | dose | purity | crypto | contact | nondrug
    kind: str  # missed | spurious | wrong
    gold: Any
    predicted: Any
    note: str | None = None

    def __str__(self) -> str:
        text = f"{self.listing_id} [{self.field} {self.kind}] gold={self.gold!r} pred={self.predicted!r}"
        return text + (f"  ({self.note})" if self.note else "")


@dataclass
class EvaluationReport:
    n_listings: int
    n_drug: int
    n_nondrug: int
    substances: PRF
    class_accuracy: Rate
    quantity_exact: Rate
    dose_exact: Rate
    purity_exact: Rate
    crypto: PRF
    contacts: PRF
    nondrug_fp_rate: Rate
    flags: dict[str, PRF]
    substances_by_source: dict[str, PRF]
    substances_by_lang: dict[str, PRF]
    substances_by_class: dict[str, PRF]
    errors: list[EvalError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, float]:
        """The headline figures, as plain numbers (what the tests assert)."""
        return {
            "substance_precision": self.substances.precision,
            "substance_recall": self.substances.recall,
            "substance_f1": self.substances.f1,
            "class_accuracy": self.class_accuracy.value,
            "quantity_exact": self.quantity_exact.value,
            "dose_exact": self.dose_exact.value,
            "purity_exact": self.purity_exact.value,
            "crypto_precision": self.crypto.precision,
            "crypto_recall": self.crypto.recall,
            "contact_precision": self.contacts.precision,
            "contact_recall": self.contacts.recall,
            "nondrug_fp_rate": self.nondrug_fp_rate.value,
        }


class Counts:
    """A mutable tally of true/false positives and negatives, frozen into a `PRF`."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def freeze(self) -> PRF:
        return PRF(self.tp, self.fp, self.fn)
