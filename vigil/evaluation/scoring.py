"""`evaluate()`: run an extractor on every gold listing and count what it got right."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from vigil.evaluation.gold import PathLike, listing_record, load_gold
from vigil.evaluation.metrics import Counts, EvalError, EvaluationReport, Rate
from vigil.evaluation.normalize import (
    amount_set,
    digest,
    normalize_contact,
    normalize_crypto,
    normalize_name,
)
from vigil.evaluation.realdata import RealData, default_realdata_dir

ExtractFn = Callable[[dict[str, Any]], Mapping[str, Any]]

SCORED_FLAGS = ("guide", "precursor", "counterfeit_medicine")


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


def _hashed(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(kind, digest(value)) for kind, value in pairs}


def _flag_set(flags: Any) -> set[str]:
    return {str(f) for f in flags} if isinstance(flags, list | tuple | set) else set()


def _purity(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def evaluate(
    gold_path: PathLike | Sequence[PathLike],
    extract_fn: ExtractFn | None = None,
    *,
    realdata_dir: PathLike | None = None,
) -> EvaluationReport:
    """Run ``extract_fn`` on every gold listing and score it (see ``vigil.evaluation``)."""
    if extract_fn is None:
        from nlp import extract as extract_fn  # lazy: the scorer does not need the extractor
    gold_records = load_gold(gold_path)
    needs_real = any(g["source"] != "inhouse" for g in gold_records)
    realdata = RealData(realdata_dir or default_realdata_dir()) if needs_real else None
    # Resolve every reference before extracting anything: a missing row is a clear error.
    records = [listing_record(g, realdata) for g in gold_records]

    subs, crypto, contacts = Counts(), Counts(), Counts()
    by_source: defaultdict[str, Counts] = defaultdict(Counts)
    by_lang: defaultdict[str, Counts] = defaultdict(Counts)
    by_class: defaultdict[str, Counts] = defaultdict(Counts)
    flags = {name: Counts() for name in SCORED_FLAGS}
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
