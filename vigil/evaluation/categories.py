"""Score an extractor against Agora's own categories (all 12,751 rows of the 2014 dump).

Every Agora row is in the market's "Drugs" category, in one of five sub-categories, each of
which implies a substance class (`CATEGORY_CLASS`). These are the market's labels, not hand
labels, so they are a coarse but large check beside the gold set:

* **coverage**: share of rows with at least one predicted substance (every row is a drug row);
* **agreement**: share of covered rows whose predicted classes include the class the category
  implies, or one of the classes the category is known to hold as well (`EXCEPTIONS`);
  ``strict_agreement`` counts only the implied class;
* **contradiction**: share of all rows that have substances but none of an accepted class.

The same figures are given per row of the dump (listings repeat across crawl dates, so popular
listings weigh more) and per unique listing (first row of each ``list`` id, as in the gold
set), and per sub-category. The text handed to the extractor is the row's ``product`` title.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.evaluation.gold import GoldSetError, PathLike
from vigil.evaluation.realdata import REALDATA_FILES, default_realdata_dir
from vigil.evaluation.scoring import ExtractFn

#: `cat/subcat/subsubcat` → the class its listings sell.
CATEGORY_CLASS = {
    "Drugs/Cannabis/Edibles": "cannabis",
    "Drugs/Cannabis/Seeds": "cannabis",
    "Drugs/Cannabis/Shake/trim": "cannabis",
    "Drugs/Cannabis/Synthetics": "synthetic_cannabinoid",
    "Drugs/Stimulants/Prescription": "stimulant",
}
#: Other classes a category really holds, found by reading its listings (see
#: tests/gold/dev/README.md, "Agora categories"): "Prescription" also lists opioids
#: (buprenorphine, methadone, codeine, oxycodone, fentanyl patches), benzodiazepines,
#: Z-drugs, sildenafil/tadalafil and antidepressants (`medicine_other`) and ephedrine;
#: "Synthetics" also lists THC shatter and herbal cannabis.
EXCEPTIONS: dict[str, frozenset[str]] = {
    "Drugs/Stimulants/Prescription": frozenset({
        "opioid", "synthetic_opioid", "benzodiazepine", "sedative", "medicine_other", "precursor"}),
    "Drugs/Cannabis/Synthetics": frozenset({"cannabis"}),
}


@dataclass(frozen=True)
class CategoryFigures:
    """Counts for one population (all rows, unique listings, or one category)."""

    rows: int
    covered: int
    agreeing: int
    strict_agreeing: int
    contradicting: int

    @property
    def coverage(self) -> float:
        return self.covered / self.rows if self.rows else 0.0

    @property
    def agreement(self) -> float:
        return self.agreeing / self.covered if self.covered else 0.0

    @property
    def strict_agreement(self) -> float:
        return self.strict_agreeing / self.covered if self.covered else 0.0

    @property
    def contradiction(self) -> float:
        return self.contradicting / self.rows if self.rows else 0.0

    def summary(self) -> dict[str, float | int]:
        return {"rows": self.rows, "coverage": self.coverage, "agreement": self.agreement,
                "strict_agreement": self.strict_agreement, "contradiction": self.contradiction}


@dataclass
class CategoryReport:
    all_rows: CategoryFigures
    unique: CategoryFigures
    by_category: dict[str, CategoryFigures]
    #: Up to a few titles per kind of miss, for a reader (never written to the repository).
    examples: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Tally:
    rows: int = 0
    covered: int = 0
    agreeing: int = 0
    strict: int = 0
    contradicting: int = 0

    def add(self, category: str, classes: set[str]) -> str:
        """Count one row; return its outcome (``uncovered``, ``agrees``, ``contradicts``)."""
        self.rows += 1
        if not classes:
            return "uncovered"
        self.covered += 1
        implied = CATEGORY_CLASS[category]
        self.strict += implied in classes
        if classes & ({implied} | EXCEPTIONS.get(category, frozenset())):
            self.agreeing += 1
            return "agrees"
        self.contradicting += 1
        return "contradicts"

    def freeze(self) -> CategoryFigures:
        return CategoryFigures(self.rows, self.covered, self.agreeing, self.strict, self.contradicting)


def read_agora(realdata_dir: PathLike | None = None) -> list[dict[str, str]]:
    """Every row of the Agora dump: ``{list, title, category}`` (read in place)."""
    path = Path(realdata_dir or default_realdata_dir()) / REALDATA_FILES["agora2014"]
    if not path.is_file():
        raise GoldSetError(f"real-data file {path} is missing (set VIGIL_REALDATA or realdata_dir)")
    with path.open(encoding="utf-8", newline="") as fh:
        return [{"list": row["list"], "title": row["product"] or "",
                 "category": "/".join((row["cat"], row["subcat"], row["subsubcat"]))}
                for row in csv.DictReader(fh)]


def _classes(prediction: Mapping[str, Any]) -> set[str]:
    return {str(s.get("class")) for s in prediction.get("substances") or () if isinstance(s, Mapping)}


def score_rows(rows: Iterable[Mapping[str, str]], extract_fn: ExtractFn | None = None,
               *, max_examples: int = 5) -> CategoryReport:
    """Score ``extract_fn`` on Agora rows (as read by `read_agora`); each title is extracted once."""
    if extract_fn is None:
        from nlp import extract as extract_fn  # lazy: importing the scorer needs no extractor
    rows = list(rows)
    unknown = sorted({r["category"] for r in rows} - set(CATEGORY_CLASS))
    if unknown:
        raise ValueError(f"no class is known for the Agora categories {unknown}")
    classes_of: dict[str, set[str]] = {}
    total, unique = _Tally(), _Tally()
    by_category: dict[str, _Tally] = {c: _Tally() for c in sorted({r["category"] for r in rows})}
    seen: set[str] = set()
    examples: dict[str, list[str]] = {"uncovered": [], "contradicts": []}
    for row in rows:
        title = row["title"]
        if title not in classes_of:
            classes_of[title] = _classes(extract_fn({"title": title}) or {})
        classes = classes_of[title]
        total.add(row["category"], classes)
        if row["list"] in seen:
            continue
        seen.add(row["list"])
        by_category[row["category"]].add(row["category"], classes)
        outcome = unique.add(row["category"], classes)
        if outcome in examples and len(examples[outcome]) < max_examples:
            examples[outcome].append(f"{row['category']}: {title}")
    return CategoryReport(total.freeze(), unique.freeze(),
                          {c: t.freeze() for c, t in by_category.items()}, examples)


def score_categories(realdata_dir: PathLike | None = None,
                     extract_fn: ExtractFn | None = None) -> CategoryReport:
    """Score ``extract_fn`` (default ``nlp.extract``) on every row of Agora against its categories."""
    return score_rows(read_agora(realdata_dir), extract_fn)


def format_categories(report: CategoryReport) -> str:
    """The figures as a short text table."""
    lines = [f"{'Agora categories':34} {'rows':>6} {'coverage':>9} {'agreement':>10} {'strict':>7} "
             f"{'contradicts':>12}"]

    def row(label: str, fig: CategoryFigures) -> str:
        return (f"{label:34} {fig.rows:6d} {fig.coverage:9.3f} {fig.agreement:10.3f} "
                f"{fig.strict_agreement:7.3f} {fig.contradiction:12.3f}")

    lines.append(row("all rows", report.all_rows))
    lines.append(row("unique listings", report.unique))
    for category, fig in report.by_category.items():
        lines.append(row(f"  {category.removeprefix('Drugs/')} (unique)", fig))
    return "\n".join(lines)
