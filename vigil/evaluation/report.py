"""An `EvaluationReport` for people (a text table) and for programs (JSON-ready data)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from vigil.evaluation.metrics import PRF, EvaluationReport, Rate

_LABEL = 26
_PRF_HEAD = f"{'':<{_LABEL}} {'precision':>9} {'recall':>7} {'F1':>7} {'tp':>7} {'fp':>6} {'fn':>6}"
_RATE_HEAD = f"{'':<{_LABEL}} {'value':>9} {'hits':>7} {'of':>7}"


def _figure(value: float, counted: int, width: int) -> str:
    """A figure to 3 decimals, or ``n/a`` when nothing was counted for it."""
    return f"{value:{width}.3f}" if counted else f"{'n/a':>{width}}"


def _prf_row(label: str, prf: PRF) -> str:
    return (f"{label:<{_LABEL}} {_figure(prf.precision, prf.tp + prf.fp, 9)} "
            f"{_figure(prf.recall, prf.tp + prf.fn, 7)} "
            f"{_figure(prf.f1, prf.tp + prf.fp + prf.fn, 7)} "
            f"{prf.tp:7d} {prf.fp:6d} {prf.fn:6d}")


def _rate_row(label: str, rate: Rate) -> str:
    return f"{label:<{_LABEL}} {_figure(rate.value, rate.total, 9)} {rate.hits:7d} {rate.total:7d}"


def _field_prfs(report: EvaluationReport) -> dict[str, PRF]:
    return {
        "substances": report.substances,
        "crypto addresses": report.crypto,
        "contacts": report.contacts,
        **{f"flag {name}": prf for name, prf in report.flags.items()},
    }


def _rates(report: EvaluationReport) -> dict[str, Rate]:
    return {
        "class accuracy": report.class_accuracy,
        "quantity exact match": report.quantity_exact,
        "dose exact match": report.dose_exact,
        "purity exact match": report.purity_exact,
        "non-drug FP rate": report.nondrug_fp_rate,
    }


def _section(title: str, rows: dict[str, PRF]) -> list[str]:
    return ["", f"{title:<{_LABEL}}" + _PRF_HEAD[_LABEL:],
            *(_prf_row(name, prf) for name, prf in rows.items())]


def format_report(report: EvaluationReport, *, max_errors: int = 40) -> str:
    """A readable table of the figures, the breakdowns and the first errors (``n/a``: nothing
    was counted for that figure, e.g. precision when nothing was predicted)."""
    lines = [
        f"Gold set: {report.n_listings} listings ({report.n_drug} drug, {report.n_nondrug} "
        f"non-drug); by source: " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())),
        *_section("field", _field_prfs(report)),
        "",
        f"{'rate':<{_LABEL}}" + _RATE_HEAD[_LABEL:],
        *(_rate_row(name, rate) for name, rate in _rates(report).items()),
        *_section("substances by source", report.substances_by_source),
        *_section("substances by language", report.substances_by_lang),
        *_section("substances by gold class", report.substances_by_class),
        "",
    ]
    by_field = Counter(f"{e.field} {e.kind}" for e in report.errors)
    lines.append("Errors: " + (", ".join(f"{k} {v}" for k, v in sorted(by_field.items())) or "none"))
    lines.extend(f"  {e}" for e in report.errors[:max_errors])
    if len(report.errors) > max_errors:
        lines.append(f"  … {len(report.errors) - max_errors} more")
    return "\n".join(lines)


def _prf_data(prf: PRF) -> dict[str, float | int]:
    return {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1,
            "tp": prf.tp, "fp": prf.fp, "fn": prf.fn}


def _rate_data(rate: Rate) -> dict[str, float | int]:
    return {"value": rate.value, "hits": rate.hits, "total": rate.total}


def report_dict(report: EvaluationReport, *, max_errors: int = 40) -> dict[str, Any]:
    """The same figures as plain data (for ``--format json``); errors are the first `max_errors`."""
    by_field = Counter(f"{e.field} {e.kind}" for e in report.errors)
    return {
        "listings": {"total": report.n_listings, "drug": report.n_drug,
                     "nondrug": report.n_nondrug, "by_source": dict(sorted(report.counts.items()))},
        "fields": {
            "substances": _prf_data(report.substances),
            "crypto_addresses": _prf_data(report.crypto),
            "contacts": _prf_data(report.contacts),
        },
        "flags": {name: _prf_data(prf) for name, prf in report.flags.items()},
        "rates": {
            "class_accuracy": _rate_data(report.class_accuracy),
            "quantity_exact": _rate_data(report.quantity_exact),
            "dose_exact": _rate_data(report.dose_exact),
            "purity_exact": _rate_data(report.purity_exact),
            "nondrug_fp_rate": _rate_data(report.nondrug_fp_rate),
        },
        "substances_by_source": {k: _prf_data(v) for k, v in report.substances_by_source.items()},
        "substances_by_lang": {k: _prf_data(v) for k, v in report.substances_by_lang.items()},
        "substances_by_class": {k: _prf_data(v) for k, v in report.substances_by_class.items()},
        "errors": {
            "total": len(report.errors),
            "by_kind": dict(sorted(by_field.items())),
            "first": [asdict(e) for e in report.errors[:max_errors]],
        },
    }
