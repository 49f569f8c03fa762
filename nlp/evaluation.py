"""Score an extractor against the hand-labelled gold set (``tests/gold/*.jsonl``).

The gold set is labelled by reading each listing, never derived from the extractor. In-house
listings carry their own ``title``/``description``; real listings carry only a row reference
(``ref``) and their text is read from the real-data folder at evaluation time, so that no real
text is ever copied into the repository.

This module imports nothing else from ``nlp`` at import time: the extractor is passed in as
``extract_fn`` (default: ``nlp.extract``, imported lazily), so the scorer can be tested with a
fake extractor and can score any function with the ``extract(record) -> dict`` contract.

Metrics (all micro-averaged; see ``tests/gold/README.md`` for the label conventions):

* substances: precision/recall/F1 over (listing, canonical name) pairs, names compared after
  NFKC, Greek letters spelt out (``α`` → ``alpha``), casefolding and dropping non-alphanumerics;
  every listing counts, so a substance predicted on a non-drug listing is a false positive;
* class accuracy over the matched (listing, name) pairs;
* quantity and dose exact match over drug listings where the gold or the prediction has one:
  the predicted set of (value in a base unit rounded to 3 significant digits, unit) must equal
  the gold set (mass in g for quantities and mg for doses, volume in ml, concentrations in
  mg/ml, counts in ``unit``);
* purity exact match over drug listings where the gold or the prediction has a purity;
* crypto addresses and contacts: precision/recall over normalised (listing, kind, value) pairs;
* non-drug false-positive rate: share of ``drug: false`` listings with any predicted substance;
* per-flag precision/recall (``guide``, ``precursor``, ``counterfeit_medicine``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ExtractFn = Callable[[dict[str, Any]], Mapping[str, Any]]
PathLike = str | os.PathLike[str]

CLASSES = frozenset({
    "opioid", "synthetic_opioid", "stimulant", "cathinone", "entactogen", "psychedelic",
    "dissociative", "cannabis", "synthetic_cannabinoid", "benzodiazepine", "sedative", "steroid",
    "precursor", "medicine_other", "other",
})
SOURCES = frozenset({"inhouse", "anita2020", "hansa2017", "agora2014"})
QUANTITY_UNITS = frozenset({"g", "mg", "ug", "ml", "unit"})
DOSE_UNITS = QUANTITY_UNITS - {"unit"} | {"mg/ml", "ug/ml"}
SCORED_FLAGS = ("guide", "precursor", "counterfeit_medicine")

_REPO = Path(__file__).resolve().parents[1]

#: Where each real source lives and how a row reference finds its text.
REALDATA_FILES = {
    "anita2020": "anita2020_products.jsonl",
    "hansa2017": "hansa2017_category_listings.jsonl",
    "agora2014": "agora2014_listings.csv",
}


class GoldSetError(ValueError):
    """The gold set is malformed, or a real-data row it references cannot be found."""


# --------------------------------------------------------------------------- normalisation

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "µ": "u", "μ": "u"}
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalize_name(name: str) -> str:
    """Comparison key of a substance name: ``α-PVP``, ``alpha-PVP``, ``Alpha PVP`` → ``alphapvp``."""
    text = unicodedata.normalize("NFKC", str(name))
    for letter, spelt in _GREEK.items():
        text = text.replace(letter, spelt).replace(letter.upper(), spelt)
    return _NON_ALNUM.sub("", text.casefold())


_CHAIN_ALIASES = {
    "btc": "bitcoin", "xbt": "bitcoin", "xmr": "monero", "eth": "ethereum", "erc20": "ethereum",
    "ltc": "litecoin", "trx": "tron", "trc20": "tron", "doge": "dogecoin", "bch": "bitcoin-cash",
    "bitcoincash": "bitcoin-cash", "sol": "solana",
}


def normalize_crypto(chain: str, address: str) -> tuple[str, str]:
    key = str(chain).strip().casefold().replace("_", "-").replace(" ", "-")
    key = _CHAIN_ALIASES.get(key.replace("-", ""), _CHAIN_ALIASES.get(key, key))
    addr = str(address).strip()
    # EIP-55 case and bech32 case carry no identity: compare those case-insensitively.
    if addr.lower().startswith(("0x", "bc1", "tb1", "ltc1")):
        addr = addr.lower()
    return key, addr


_KIND_ALIASES = {
    "tg": "telegram", "e-mail": "email", "mail": "email", "jabber": "xmpp", "tel": "phone",
    "telephone": "phone", "phone-number": "phone", "phonenumber": "phone", "mobile": "phone",
    "sessionid": "session", "session-id": "session", "wickrme": "wickr", "wickr-me": "wickr",
}
_PHONE = re.compile(r"^\+?\d{7,15}$")


def normalize_contact(kind: str, value: str) -> tuple[str, str]:
    """(kind, value) comparison key. A value that is a phone number compares as ``phone``
    whatever channel it was given for (WhatsApp, Signal, Telegram, call/text)."""
    raw = str(value).strip()
    compact = re.sub(r"[\s().\-/]", "", raw)
    if _PHONE.match(compact):
        return "phone", compact.lstrip("+")
    key = str(kind).strip().casefold().replace("_", "-").replace(" ", "-")
    key = _KIND_ALIASES.get(key, key)
    text = raw.casefold()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/", "mailto:", "xmpp:"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return key, text.lstrip("@")


_QTY_BASE = {"g": ("g", 1.0), "mg": ("g", 1e-3), "ug": ("g", 1e-6), "kg": ("g", 1e3),
             "ml": ("ml", 1.0), "l": ("ml", 1e3), "unit": ("unit", 1.0)}
_DOSE_BASE = {"g": ("mg", 1e3), "mg": ("mg", 1.0), "ug": ("mg", 1e-3), "ml": ("ml", 1.0),
              "mg/ml": ("mg/ml", 1.0), "ug/ml": ("mg/ml", 1e-3), "unit": ("unit", 1.0)}
_UNIT_ALIASES = {"mcg": "ug", "µg": "ug", "μg": "ug", "units": "unit", "mcg/ml": "ug/ml",
                 "µg/ml": "ug/ml", "μg/ml": "ug/ml"}


def round_sig(value: float, digits: int = 3) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _amount_key(item: Mapping[str, Any], table: Mapping[str, tuple[str, float]]) -> tuple[float, str]:
    unit = str(item.get("unit", "")).strip().casefold()
    unit = _UNIT_ALIASES.get(unit, unit)
    base, factor = table.get(unit, (unit, 1.0))
    return round_sig(float(item["value"]) * factor), base


def amount_set(items: Iterable[Mapping[str, Any]] | None, *, dose: bool = False) -> frozenset:
    table = _DOSE_BASE if dose else _QTY_BASE
    out = set()
    for item in items or ():
        try:
            out.add(_amount_key(item, table))
        except (KeyError, TypeError, ValueError):
            out.add(("invalid", repr(dict(item))))  # never equal to a gold amount
    return frozenset(out)


# --------------------------------------------------------------------------- loading


def _as_paths(gold_path: PathLike | Sequence[PathLike]) -> list[Path]:
    single = isinstance(gold_path, (str, os.PathLike))
    paths = [Path(gold_path)] if single else [Path(p) for p in gold_path]
    expanded: list[Path] = []
    for path in paths:
        expanded.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    if not expanded:
        raise GoldSetError(f"no gold files in {gold_path!r}")
    return expanded


def load_gold(gold_path: PathLike | Sequence[PathLike]) -> list[dict[str, Any]]:
    """Read gold records from JSONL files (or directories of them); check their shape."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in _as_paths(gold_path):
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path.name}:{lineno}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise GoldSetError(f"{where}: not JSON ({exc})") from None
                _check_record(record, where)
                if record["id"] in seen:
                    raise GoldSetError(f"{where}: duplicate id {record['id']!r}")
                seen.add(record["id"])
                records.append(record)
    return records


def _check_record(record: Mapping[str, Any], where: str) -> None:
    def fail(msg: str) -> None:
        raise GoldSetError(f"{where} ({record.get('id')!r}): {msg}")

    for key in ("id", "source", "lang", "substances", "drug"):
        if key not in record:
            fail(f"missing {key!r}")
    source = record["source"]
    if source not in SOURCES:
        fail(f"unknown source {source!r}")
    if source == "inhouse":
        if not record.get("title"):
            fail("in-house listing without a title")
    else:
        if not record.get("ref"):
            fail("real listing without a ref")
        if "title" in record or "description" in record:
            fail("real listing must not carry its text (it is read from real-data)")
    for sub in record["substances"]:
        if not sub.get("name") or sub.get("class") not in CLASSES:
            fail(f"bad substance {sub!r}")
    for key, units in (("quantities", QUANTITY_UNITS), ("doses", DOSE_UNITS)):
        for item in record.get(key, []):
            if item.get("unit") not in units or not isinstance(item.get("value"), int | float):
                fail(f"bad {key[:-1] if key == 'doses' else 'quantity'} {item!r}")
    if record["drug"] is False and record["substances"]:
        fail("a non-drug listing offers no substance")
    if record["drug"] is True and not record["substances"]:
        fail("a drug listing names at least one substance")


class RealData:
    """Row lookup in the real-data folder (read in place, cached per file)."""

    def __init__(self, directory: PathLike) -> None:
        self.directory = Path(directory)
        self._tables: dict[str, dict[str, dict[str, str]]] = {}

    def _table(self, source: str) -> dict[str, dict[str, str]]:
        if source not in self._tables:
            path = self.directory / REALDATA_FILES[source]
            if not path.is_file():
                raise GoldSetError(
                    f"real-data file {path} is missing (set VIGIL_REALDATA or realdata_dir)")
            self._tables[source] = _READERS[source](path)
        return self._tables[source]

    def text(self, source: str, ref: str) -> dict[str, str]:
        """``{"title": ..., "description"?: ...}`` of a referenced real row."""
        row = self._table(source).get(ref)
        if row is None:
            raise GoldSetError(
                f"{source} row {ref!r} not found in {self.directory / REALDATA_FILES[source]}")
        return row


def _read_anita(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                text = {"title": row.get("name") or ""}
                if row.get("info"):
                    text["description"] = row["info"]
                out.setdefault(str(row["id"]), text)
    return out


def _read_hansa(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out.setdefault(str(row["url"]), {"title": row.get("title") or ""})
    return out


def _read_agora(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            # `list` repeats across crawl dates: the first row of an id is the one labelled.
            out.setdefault(row["list"], {"title": row.get("product") or ""})
    return out


_READERS: dict[str, Callable[[Path], dict[str, dict[str, str]]]] = {
    "anita2020": _read_anita, "hansa2017": _read_hansa, "agora2014": _read_agora,
}


def default_realdata_dir() -> Path:
    return Path(os.environ.get("VIGIL_REALDATA") or _REPO.parent / "shared" / "real-data")


def listing_record(gold: Mapping[str, Any], realdata: RealData | None) -> dict[str, Any]:
    """The record handed to the extractor: ``{id, title, description?}``."""
    if gold["source"] == "inhouse":
        record = {"id": gold["id"], "title": gold["title"]}
        if gold.get("description"):
            record["description"] = gold["description"]
        return record
    if realdata is None:
        raise GoldSetError(f"{gold['id']}: real listing but no real-data folder given")
    return {"id": gold["id"], **realdata.text(gold["source"], gold["ref"])}


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class PRF:
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


# --------------------------------------------------------------------------- evaluation


def _names(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for item in items or ():
        if isinstance(item, Mapping) and item.get("name"):
            out.setdefault(normalize_name(item["name"]), item)
    return out


def _pairs(items: Iterable[Mapping[str, Any]] | None, key: str, value: str,
           norm: Callable[[str, str], tuple[str, str]]) -> set[tuple[str, str]]:
    out = set()
    for item in items or ():
        if isinstance(item, Mapping) and item.get("sha256"):
            out.add((str(item.get(key, "")), str(item["sha256"])))
        elif isinstance(item, Mapping) and item.get(value):
            out.add(norm(item.get(key, ""), item[value]))
    return out


def digest(value: str) -> str:
    """How identifiers read from real listings are kept in the gold set: the SHA-256 of their
    normalised value, never the value (no personal data or real text in the repository)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _hashed(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(kind, digest(value)) for kind, value in pairs}


def _flag_set(flags: Any) -> set[str]:
    return {str(f) for f in flags} if isinstance(flags, list | tuple | set) else set()


def _purity(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


class _Counts:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def freeze(self) -> PRF:
        return PRF(self.tp, self.fp, self.fn)


def evaluate(
    gold_path: PathLike | Sequence[PathLike],
    extract_fn: ExtractFn | None = None,
    *,
    realdata_dir: PathLike | None = None,
) -> EvaluationReport:
    """Run ``extract_fn`` on every gold listing and score it (see the module docstring)."""
    if extract_fn is None:
        from nlp import extract as extract_fn  # lazy: the scorer does not need the extractor
    gold_records = load_gold(gold_path)
    needs_real = any(g["source"] != "inhouse" for g in gold_records)
    realdata = RealData(realdata_dir or default_realdata_dir()) if needs_real else None
    # Resolve every reference before extracting anything: a missing row is a clear error.
    records = [listing_record(g, realdata) for g in gold_records]

    subs, crypto, contacts = _Counts(), _Counts(), _Counts()
    by_source: defaultdict[str, _Counts] = defaultdict(_Counts)
    by_lang: defaultdict[str, _Counts] = defaultdict(_Counts)
    by_class: defaultdict[str, _Counts] = defaultdict(_Counts)
    flags = {name: _Counts() for name in SCORED_FLAGS}
    class_ok = class_n = qty_ok = qty_n = dose_ok = dose_n = pur_ok = pur_n = 0
    nondrug_fp = nondrug_n = 0
    errors: list[EvalError] = []

    for gold, record in zip(gold_records, records, strict=True):
        pred = extract_fn(dict(record)) or {}
        note = gold.get("note")

        def err(fld: str, kind: str, g: Any, p: Any, *, _gold: Mapping[str, Any] = gold,
                _note: str | None = note) -> None:
            errors.append(EvalError(_gold["id"], _gold["source"], _gold["lang"], fld, kind, g, p,
                                    _note))

        gold_names, pred_names = _names(gold["substances"]), _names(pred.get("substances"))
        g_set, p_set = set(gold_names), set(pred_names)
        subs.add(g_set, p_set)
        by_source[gold["source"]].add(g_set, p_set)
        by_lang[gold["lang"]].add(g_set, p_set)
        for key in sorted(g_set - p_set):
            err("substance", "missed", gold_names[key]["name"], sorted(
                str(p.get("name")) for p in pred_names.values()))
        for key in sorted(p_set - g_set):
            err("substance", "spurious", sorted(str(g["name"]) for g in gold_names.values()),
                pred_names[key].get("name"))
        for key in g_set:
            cls = gold_names[key]["class"]
            by_class[cls].add({key}, {key} & p_set)
        for key in sorted(g_set & p_set):
            class_n += 1
            g_cls, p_cls = gold_names[key]["class"], pred_names[key].get("class")
            if g_cls == p_cls:
                class_ok += 1
            else:
                err("class", "wrong", f"{gold_names[key]['name']}:{g_cls}", p_cls)

        if not gold["drug"]:
            nondrug_n += 1
            if p_set:
                nondrug_fp += 1
                err("nondrug", "spurious", [], sorted(str(p.get("name")) for p in
                                                      pred_names.values()))
        else:
            for fld, dose in (("quantity", False), ("dose", True)):
                g_amt = amount_set(gold.get("quantities" if not dose else "doses"), dose=dose)
                p_amt = amount_set(pred.get("quantities" if not dose else "doses"), dose=dose)
                if not g_amt and not p_amt:
                    continue
                same = g_amt == p_amt
                if dose:
                    dose_n += 1
                    dose_ok += same
                else:
                    qty_n += 1
                    qty_ok += same
                if not same:
                    err(fld, "wrong", sorted(g_amt, key=str), sorted(p_amt, key=str))
            g_pur, p_pur = _purity(gold.get("purity")), _purity(pred.get("purity"))
            if g_pur is not None or p_pur is not None:
                pur_n += 1
                if g_pur is not None and p_pur is not None and abs(g_pur - p_pur) < 0.01:
                    pur_ok += 1
                else:
                    err("purity", "wrong", g_pur, p_pur)

        for fld, counts, items_key, k, v, norm in (
            ("crypto", crypto, "crypto_addresses", "chain", "address", normalize_crypto),
            ("contact", contacts, "contacts", "kind", "value", normalize_contact),
        ):
            g_pairs = _pairs(gold.get(items_key), k, v, norm)
            p_pairs = _pairs(pred.get(items_key), k, v, norm)
            if gold["source"] != "inhouse":  # real identifiers are labelled by their hash
                p_pairs = _hashed(p_pairs)
            counts.add(g_pairs, p_pairs)
            for pair in sorted(g_pairs - p_pairs):
                err(fld, "missed", pair, None)
            for pair in sorted(p_pairs - g_pairs):
                err(fld, "spurious", None, pair)

        g_flags, p_flags = _flag_set(gold.get("flags")), _flag_set(pred.get("flags"))
        for name, counts in flags.items():
            counts.add({name} & g_flags, {name} & p_flags)

    drug = sum(1 for g in gold_records if g["drug"])
    return EvaluationReport(
        n_listings=len(gold_records),
        n_drug=drug,
        n_nondrug=len(gold_records) - drug,
        substances=subs.freeze(),
        class_accuracy=Rate(class_ok, class_n),
        quantity_exact=Rate(qty_ok, qty_n),
        dose_exact=Rate(dose_ok, dose_n),
        purity_exact=Rate(pur_ok, pur_n),
        crypto=crypto.freeze(),
        contacts=contacts.freeze(),
        nondrug_fp_rate=Rate(nondrug_fp, nondrug_n, empty=0.0),
        flags={k: v.freeze() for k, v in flags.items()},
        substances_by_source={k: v.freeze() for k, v in sorted(by_source.items())},
        substances_by_lang={k: v.freeze() for k, v in sorted(by_lang.items())},
        substances_by_class={k: v.freeze() for k, v in sorted(by_class.items())},
        errors=errors,
        counts=dict(Counter(g["source"] for g in gold_records)),
    )


# --------------------------------------------------------------------------- printing


def _prf_row(label: str, prf: PRF) -> str:
    return (f"  {label:<24} P {prf.precision:6.3f}  R {prf.recall:6.3f}  F1 {prf.f1:6.3f}"
            f"   (tp {prf.tp}, fp {prf.fp}, fn {prf.fn})")


def _rate_row(label: str, rate: Rate) -> str:
    return f"  {label:<24} {rate.value:6.3f}   ({rate.hits}/{rate.total})"


def format_report(report: EvaluationReport, *, max_errors: int = 40) -> str:
    """A readable table of the figures, the breakdowns and the first errors."""
    lines = [
        f"Gold set: {report.n_listings} listings ({report.n_drug} drug, {report.n_nondrug} "
        f"non-drug); by source: " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())),
        "",
        "Field figures",
        _prf_row("substances", report.substances),
        _rate_row("class accuracy", report.class_accuracy),
        _rate_row("quantity exact match", report.quantity_exact),
        _rate_row("dose exact match", report.dose_exact),
        _rate_row("purity exact match", report.purity_exact),
        _prf_row("crypto addresses", report.crypto),
        _prf_row("contacts", report.contacts),
        _rate_row("non-drug FP rate", report.nondrug_fp_rate),
        "",
        "Flags",
        *(_prf_row(name, prf) for name, prf in report.flags.items()),
        "",
        "Substances by source",
        *(_prf_row(name, prf) for name, prf in report.substances_by_source.items()),
        "",
        "Substances by language",
        *(_prf_row(name, prf) for name, prf in report.substances_by_lang.items()),
        "",
        "Substance recall by gold class",
        *(_prf_row(name, prf) for name, prf in report.substances_by_class.items()),
        "",
    ]
    by_field = Counter(f"{e.field} {e.kind}" for e in report.errors)
    lines.append("Errors: " + (", ".join(f"{k} {v}" for k, v in sorted(by_field.items())) or "none"))
    lines.extend(f"  {e}" for e in report.errors[:max_errors])
    if len(report.errors) > max_errors:
        lines.append(f"  … {len(report.errors) - max_errors} more")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nlp.evaluation [GOLD…]``: score ``nlp.extract`` and print the report."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("gold", nargs="*", default=[str(_REPO / "tests" / "gold")])
    parser.add_argument("--realdata", default=None)
    parser.add_argument("--errors", type=int, default=40)
    args = parser.parse_args(argv)
    report = evaluate(args.gold, realdata_dir=args.realdata)
    print(format_report(report, max_errors=args.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
