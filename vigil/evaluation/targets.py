"""The headline figures of issue 13 on a gold set, beside the scorer's report.

`evaluate()` counts (listing, name) pairs; the issue also asks for two per-listing figures,
computed here from the same run:

* **coverage**: share of drug listings (``drug: true``) with at least one predicted substance;
* **class agreement**: share of covered drug listings whose predicted classes include at least
  one of the listing's gold classes (the rule `vigil.evaluation.categories` applies to a
  market's category).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vigil.evaluation.gold import PathLike, load_gold
from vigil.evaluation.metrics import EvaluationReport
from vigil.evaluation.scoring import ExtractFn, evaluate


def _classes(items: Any) -> set[str]:
    return {str(s.get("class")) for s in items or () if isinstance(s, Mapping)}


def listing_figures(gold: Sequence[Mapping[str, Any]],
                    predictions: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Coverage and class agreement of ``predictions`` (by gold ``id``) on the drug listings."""
    drug = [g for g in gold if g["drug"]]
    covered = [g for g in drug if _classes(predictions.get(g["id"], {}).get("substances"))]
    agreeing = [g for g in covered if _classes(g["substances"])
                & _classes(predictions[g["id"]].get("substances"))]
    return {"coverage": len(covered) / len(drug) if drug else 0.0,
            "class_agreement": len(agreeing) / len(covered) if covered else 0.0}


def issue_figures(gold_path: PathLike | Sequence[PathLike], extract_fn: ExtractFn | None = None,
                  *, realdata_dir: PathLike | None = None) -> tuple[EvaluationReport, dict[str, float]]:
    """Score ``extract_fn`` (default ``nlp.extract``) once; return the report and the figures
    the issue sets targets for."""
    if extract_fn is None:
        from nlp import extract as extract_fn  # lazy, as in `evaluate`
    inner = extract_fn
    predictions: dict[str, Mapping[str, Any]] = {}

    def recording(record: dict[str, Any]) -> Mapping[str, Any]:
        result = inner(record) or {}
        predictions[str(record["id"])] = result
        return result

    report = evaluate(gold_path, recording, realdata_dir=realdata_dir)
    summary = report.summary()
    figures = {
        **listing_figures(load_gold(gold_path), predictions),
        "substance_precision": summary["substance_precision"],
        "substance_recall": summary["substance_recall"],
        "substance_f1": summary["substance_f1"],
        "class_accuracy": summary["class_accuracy"],
        "nondrug_fp_rate": summary["nondrug_fp_rate"],
        "quantity_exact": summary["quantity_exact"],
    }
    return report, figures
