"""The labels of the `context` component and the `cats` dicts that train it.

`OFFER`: the listing offers a drug. `GUIDE`: it sells information (a guide, an e-book, a
tutorial: the contract's `guide` flag). `NON_DRUG`: it sells another good or service. One
`CLASS_<class>` per contract class: the class of what the text is about (offered, for a
listing). A label missing from a record's `cats` is unknown and masked in training.
"""

from __future__ import annotations

from collections.abc import Iterable

from nlp.lexicon import CLASSES

KIND_LABELS = ("OFFER", "GUIDE", "NON_DRUG")
CLASS_LABELS = tuple(f"CLASS_{c}" for c in sorted(CLASSES))
LABELS = KIND_LABELS + CLASS_LABELS


def class_label(cls: str) -> str:
    if cls not in CLASSES:
        raise ValueError(f"unknown class {cls!r}")
    return f"CLASS_{cls}"


def exact_cats(*, offer: bool, guide: bool, non_drug: bool, classes: Iterable[str]) -> dict[str, float]:
    """Every label known: the kind flags and exactly these classes."""
    present = {class_label(c) for c in classes}
    cats = {"OFFER": float(offer), "GUIDE": float(guide), "NON_DRUG": float(non_drug)}
    cats.update({label: float(label in present) for label in CLASS_LABELS})
    return cats


def no_classes() -> dict[str, float]:
    """Every class label set to 0 (a listing that offers no drug)."""
    return {label: 0.0 for label in CLASS_LABELS}
