"""Labelled records for the `context` component: `{title, description, cats, source, ref, group}`.

Weak labels come from what the real data says about itself (read in place, never copied):
- Agora: every row is in "Drugs" → OFFER; the class from the category (Cannabis/Edibles, Seeds,
  Shake/trim → cannabis; Cannabis/Synthetics → synthetic_cannabinoid; Stimulants/Prescription
  → stimulant). Other classes are 0 in the cannabis categories (the market's claim), unknown in
  Stimulants/Prescription (a mixed pharmacy shelf) and for cannabis under Synthetics.
- Hansa: Painkillers → OFFER (class unknown); Guides & Tutorials, E-Books → GUIDE; Digital
  Goods, Jewellery → NON_DRUG (GUIDE unknown for digital goods: e-books are sold there too).
- ANITA products carry no category: only CannaHome (a cannabis-only market) rows get labels
  (no other class); every other product is used only through its hand label in the gold set.
- Reddit DRUG comments and seizure-news sentences with a DRUG span: talk, not an offer or a
  guide (OFFER=0, GUIDE=0, NON_DRUG unknown); a class only where the lexicon names the span
  unambiguously.
The project's own labels are exact: tests/gold/inhouse.jsonl and nondrug.jsonl (full texts) and
tests/gold/realdata.jsonl (rows referenced by source + ref; they replace the weak label).

Rows of the held-out development set (`<gold>/dev/*.jsonl`) and every record whose title equals
a dev-set title are excluded (`dev_exclusions`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp import substances
from nlp.training.labels import CLASS_LABELS, class_label, exact_cats, no_classes

Record = dict[str, Any]

AGORA = "agora2014_listings.csv"
HANSA = "hansa2017_category_listings.jsonl"
ANITA = "anita2020_products.jsonl"
REDDIT = ("ner_reddit_drugs_train.jsonl", "ner_reddit_drugs_eval.jsonl")
NEWS = ("ner_drugseizure_news_train.jsonl", "ner_drugseizure_news_dev.jsonl")
GOLD_FILES = ("inhouse.jsonl", "nondrug.jsonl")
GOLD_REAL = "realdata.jsonl"

_AGORA_CLASS = {"Edibles": "cannabis", "Seeds": "cannabis", "Shake/trim": "cannabis",
                "Synthetics": "synthetic_cannabinoid", "Prescription": "stimulant"}
_HANSA_KIND = {"Painkillers": "offer", "Guides & Tutorials": "guide", "E-Books": "guide",
               "Digital Goods": "non_drug", "Jewellery": "non_drug"}
_SPACES = re.compile(r"\s+")


class TrainingDataError(ValueError):
    """A training or gold file is missing or malformed: the message names it."""


def title_key(title: str) -> str:
    """Titles compared for exclusion and for the split: casefolded, spaces collapsed."""
    return _SPACES.sub(" ", title).strip().casefold()


@dataclass
class Exclusions:
    """Rows of the development set (`(source, ref)`) and their titles (`title_key`)."""

    refs: set[tuple[str, str]] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)

    def fingerprint(self) -> str:
        """SHA-256 of the excluded refs and titles (recorded with a trained model)."""
        items = sorted(f"{s}\t{r}" for s, r in self.refs) + sorted(self.titles)
        return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()

    def excludes(self, record: Record) -> bool:
        return ((record["source"], record["ref"]) in self.refs
                or title_key(record["title"]) in self.titles)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise TrainingDataError(f"{path}, line {number}: not JSON ({exc.msg})") from None
                    if not isinstance(row, dict):
                        raise TrainingDataError(f"{path}, line {number}: not a JSON object")
                    yield row
    except OSError as exc:
        raise TrainingDataError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TrainingDataError(f"{path}: not UTF-8") from None


def _require(path: Path) -> Path:
    if not path.is_file():
        raise TrainingDataError(f"{path} is missing")
    return path


# ------------------------------------------------------------------------------ real rows


def _agora_rows(real: Path) -> dict[str, dict[str, str]]:
    """First row of each Agora listing id (ids repeat across dates)."""
    path = _require(real / AGORA)
    out: dict[str, dict[str, str]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out.setdefault(row["list"], row)
    except (OSError, KeyError, csv.Error, UnicodeDecodeError) as exc:
        raise TrainingDataError(f"cannot read {path} ({exc!r})") from None
    return out


def _hansa_rows(real: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in _jsonl(_require(real / HANSA)):
        out.setdefault(str(row.get("url")), row)
    return out


def _anita_rows(real: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in _jsonl(_require(real / ANITA)):
        out.setdefault(str(row.get("id")), row)
    return out


class RealRows:
    """The three listing corpora, each read once, as `{title, description, group}` by ref."""

    def __init__(self, real: Path) -> None:
        self.real = Path(real)
        self._cache: dict[str, dict[str, Record]] = {}

    def table(self, source: str) -> dict[str, Record]:
        if source not in self._cache:
            if source == "agora2014":
                rows = {ref: {"title": r["product"], "description": "", "group": r["vendor"],
                              "category": r["subsubcat"]}
                        for ref, r in _agora_rows(self.real).items()}
            elif source == "hansa2017":
                rows = {ref: {"title": r.get("title") or "", "description": "",
                              "group": r.get("vendor") or ref, "category": r.get("category")}
                        for ref, r in _hansa_rows(self.real).items()}
            elif source == "anita2020":
                rows = {ref: {"title": r.get("name") or "", "description": r.get("info") or "",
                              "group": (r.get("vendor") or ref).strip(), "category": r.get("market")}
                        for ref, r in _anita_rows(self.real).items()}
            else:
                raise TrainingDataError(f"unknown real-data source {source!r}")
            self._cache[source] = rows
        return self._cache[source]

    def row(self, source: str, ref: str, where: str) -> Record:
        row = self.table(source).get(ref)
        if row is None:
            raise TrainingDataError(f"{where}: {source} row {ref!r} not found in {self.real}")
        return row


# ------------------------------------------------------------------------------ exclusions


def dev_exclusions(gold: Path, rows: RealRows) -> Exclusions:
    """The development set's rows and titles; empty when `<gold>/dev` does not exist."""
    out = Exclusions()
    dev = Path(gold) / "dev"
    if not dev.is_dir():
        return out
    for path in sorted(dev.glob("*.jsonl")):
        for row in _jsonl(path):
            source, ref = row.get("source"), row.get("ref")
            if isinstance(source, str) and ref is not None and source in ("agora2014", "hansa2017",
                                                                         "anita2020"):
                out.refs.add((source, str(ref)))
                out.titles.add(title_key(rows.row(source, str(ref), str(path))["title"]))
            if isinstance(row.get("title"), str):
                out.titles.add(title_key(row["title"]))
    return out


# ------------------------------------------------------------------------------ records


def _record(title: str, description: str, cats: dict[str, float], source: str, ref: str,
            group: str) -> Record:
    return {"title": title, "description": description, "cats": cats, "source": source,
            "ref": ref, "group": f"{source}:{group}"}


def _gold_cats(row: dict[str, Any], where: str) -> dict[str, float]:
    try:
        classes = [s["class"] for s in row["substances"]]
        drug = bool(row["drug"])
        guide = "guide" in row.get("flags", [])
        return exact_cats(offer=drug, guide=guide, non_drug=not drug and not guide, classes=classes)
    except (KeyError, TypeError, ValueError) as exc:
        raise TrainingDataError(f"{where}: bad gold row {row.get('id')!r} ({exc})") from None


def gold_records(gold: Path, rows: RealRows) -> list[Record]:
    """The project's own labels (in-house texts and referenced real rows)."""
    out: list[Record] = []
    for name in GOLD_FILES:
        path = _require(Path(gold) / name)
        for row in _jsonl(path):
            out.append(_record(row.get("title") or "", row.get("description") or "",
                               _gold_cats(row, str(path)), "inhouse", str(row.get("id")),
                               str(row.get("id"))))
    path = Path(gold) / GOLD_REAL
    if path.is_file():
        for row in _jsonl(path):
            source, ref = str(row.get("source")), str(row.get("ref"))
            real = rows.row(source, ref, str(path))
            out.append(_record(real["title"], real["description"], _gold_cats(row, str(path)),
                               source, ref, real["group"]))
    return out


def agora_records(rows: RealRows) -> list[Record]:
    out: list[Record] = []
    for ref, row in rows.table("agora2014").items():
        cls = _AGORA_CLASS.get(row["category"])
        if cls is None:
            continue
        cats: dict[str, float] = {"OFFER": 1.0, "GUIDE": 0.0, "NON_DRUG": 0.0}
        if cls == "cannabis":
            cats.update(no_classes())
        elif cls == "synthetic_cannabinoid":
            cats.update(no_classes())
            del cats["CLASS_cannabis"]
        cats[class_label(cls)] = 1.0
        out.append(_record(row["title"], "", cats, "agora2014", ref, row["group"]))
    return out


def hansa_records(rows: RealRows) -> list[Record]:
    out: list[Record] = []
    for ref, row in rows.table("hansa2017").items():
        kind = _HANSA_KIND.get(row["category"])
        if kind == "offer":
            cats = {"OFFER": 1.0, "GUIDE": 0.0, "NON_DRUG": 0.0}
        elif kind == "guide":
            cats = {"OFFER": 0.0, "GUIDE": 1.0, "NON_DRUG": 0.0, **no_classes()}
        elif kind == "non_drug":
            cats = {"OFFER": 0.0, "NON_DRUG": 1.0, **no_classes()}
        else:
            continue
        out.append(_record(row["title"], "", cats, "hansa2017", ref, row["group"]))
    return out


def anita_records(rows: RealRows) -> list[Record]:
    out: list[Record] = []
    for ref, row in rows.table("anita2020").items():
        if row["category"] == "cannahome":
            cats = {k: v for k, v in no_classes().items() if k != "CLASS_cannabis"}
            out.append(_record(row["title"], row["description"], cats, "anita2020", ref,
                               row["group"]))
    return out


def _span_classes(spans: list[dict[str, Any]], text: str) -> dict[str, float]:
    cats: dict[str, float] = {}
    for span in spans:
        if span.get("label") != "DRUG":
            continue
        piece = text[span["start"] : span["end"]]
        for hit in substances.find(piece):
            if not hit.term.ambiguous:
                cats[class_label(hit.term.entry.cls)] = 1.0
    return cats


def talk_records(real: Path) -> list[Record]:
    """Reddit comments and news sentences with a DRUG span: drug talk, not an offer."""
    out: list[Record] = []
    for source, names in (("reddit", REDDIT), ("news", NEWS)):
        for name in names:
            path = real / name
            if not path.is_file():
                continue
            for number, row in enumerate(_jsonl(path), start=1):
                text, spans = row.get("text") or "", row.get("spans") or []
                if not text or not any(s.get("label") == "DRUG" for s in spans):
                    continue
                cats = {"OFFER": 0.0, "GUIDE": 0.0, **_span_classes(spans, text)}
                ref = f"{name}:{number}"
                out.append(_record("", text, cats, source, ref, ref))
    return out


def build_records(real: Path, gold: Path, *, excluded: Exclusions | None = None) -> list[Record]:
    """Every labelled record, in a fixed order, without the development set's rows or titles.

    A real row labelled in the gold set keeps only its hand label; listings with the same title
    are kept once (the first: gold before weak labels)."""
    real, gold = Path(real), Path(gold)
    if not real.is_dir():
        raise TrainingDataError(f"real-data folder {real} is missing")
    if not gold.is_dir():
        raise TrainingDataError(f"gold folder {gold} is missing")
    rows = RealRows(real)
    if excluded is None:
        excluded = dev_exclusions(gold, rows)
    candidates = (gold_records(gold, rows) + agora_records(rows) + hansa_records(rows)
                  + anita_records(rows) + talk_records(real))
    out: list[Record] = []
    seen_refs: set[tuple[str, str]] = set()
    seen_titles: set[str] = set()
    for record in candidates:
        if excluded.excludes(record):
            continue
        key = (record["source"], record["ref"])
        title = title_key(record["title"])
        if key in seen_refs or (title and record["source"] != "inhouse" and title in seen_titles):
            continue
        seen_refs.add(key)
        if title:
            seen_titles.add(title)
        out.append(record)
    return out


def label_counts(records: list[Record]) -> dict[str, tuple[int, int]]:
    """Per label: (positives, negatives) among the records that know it."""
    counts: dict[str, tuple[int, int]] = {}
    for label in ("OFFER", "GUIDE", "NON_DRUG", *CLASS_LABELS):
        values = [r["cats"][label] for r in records if label in r["cats"]]
        counts[label] = (sum(1 for v in values if v >= 0.5), sum(1 for v in values if v < 0.5))
    return counts
