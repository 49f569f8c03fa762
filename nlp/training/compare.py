"""What the model adds to the rules, measured on labelled records (e.g. the held-out split).

Listing-level figures, scored like bench/extract.py scores the markets' categories:
- coverage: share of offers (OFFER=1) with at least one substance;
- non-drug hits: share of listings that offer no drug (OFFER=0) with a substance;
- class agreement: among covered offers whose class is known (a CLASS_ label at 1), the share
  whose substances include that class.
Reddit and news records are talk, not listings: they are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nlp.training.weak_labels import Record

TALK_SOURCES = frozenset({"reddit", "news"})


@dataclass
class Figures:
    offers: int
    covered: int
    not_offers: int
    hits: int
    classed: int
    agreeing: int

    @property
    def coverage(self) -> float:
        return self.covered / self.offers if self.offers else 0.0

    @property
    def non_drug_hits(self) -> float:
        return self.hits / self.not_offers if self.not_offers else 0.0

    @property
    def agreement(self) -> float:
        return self.agreeing / self.classed if self.classed else 0.0

    def line(self) -> str:
        return (f"coverage {self.coverage:.3f} ({self.covered}/{self.offers}), class agreement "
                f"{self.agreement:.3f} ({self.agreeing}/{self.classed}), non-drug hits "
                f"{self.non_drug_hits:.3f} ({self.hits}/{self.not_offers})")


def figures(records: Sequence[Record], results: Sequence[Mapping[str, Any]]) -> Figures:
    f = Figures(0, 0, 0, 0, 0, 0)
    for record, result in zip(records, results, strict=True):
        if record["source"] in TALK_SOURCES or "OFFER" not in record["cats"]:
            continue
        found = result["substances"]
        if record["cats"]["OFFER"] >= 0.5:
            f.offers += 1
            f.covered += bool(found)
            classes = {k[6:] for k, v in record["cats"].items() if k.startswith("CLASS_") and v >= 0.5}
            if found and classes:
                f.classed += 1
                f.agreeing += bool(classes & {s["class"] for s in found})
        else:
            f.not_offers += 1
            f.hits += bool(found)
    return f


def rules_vs_model(records: Sequence[Record], rules_alone: Callable[..., dict[str, Any]],
                   with_model: Callable[..., dict[str, Any]]) -> tuple[Figures, Figures, int]:
    """Figures of the rules alone, of rules + model, and how many listings the model changed
    (the two extract functions: `nlp.pipeline.extractor` over `rules_only()` and over a
    pipeline carrying the model, `assemble(model)`)."""
    listings = [{"title": r["title"], "description": r["description"]} for r in records]
    rules = [rules_alone(x) for x in listings]
    both = [with_model(x) for x in listings]
    changed = sum(1 for r, a, b in zip(records, rules, both, strict=True)
                  if r["source"] not in TALK_SOURCES and a["substances"] != b["substances"])
    return figures(records, rules), figures(records, both), changed
