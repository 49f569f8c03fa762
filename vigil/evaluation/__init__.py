"""Score an extractor against the hand-labelled gold set (``tests/gold/*.jsonl``).

The gold set is labelled by reading each listing, never derived from the extractor. In-house
listings carry their own ``title``/``description``; real listings carry only a row reference
(``ref``) and their text is read from the real-data folder at evaluation time, so that no real
text is ever copied into the repository.

The extractor is passed in as ``extract_fn`` (default: ``nlp.extract``, imported lazily), so
the scorer can be tested with a fake extractor and can score any function with the
``extract(record) -> dict`` contract. ``vigil extract --evaluate GOLD`` is the command.

One job per module:

* ``gold``: reading and checking gold records, and the record each one hands the extractor;
* ``realdata``: the readers of the real-data corpora a real gold record refers to;
* ``normalize``: the comparison keys (names, crypto addresses, contacts, amounts);
* ``metrics``: the figures (``PRF``, ``Rate``) and the ``EvaluationReport``;
* ``scoring``: ``evaluate()``, which runs the extractor and counts;
* ``report``: the report as a text table or as JSON;
* ``targets``: the per-listing figures of issue 13 (coverage, class agreement) beside the report;
* ``categories``: agreement with Agora's own categories on all 12,751 rows of its dump.

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

from vigil.evaluation.categories import (
    CATEGORY_CLASS,
    CategoryFigures,
    CategoryReport,
    format_categories,
    score_categories,
)
from vigil.evaluation.gold import (
    DOSE_UNITS,
    QUANTITY_UNITS,
    SOURCES,
    GoldSetError,
    listing_record,
    load_gold,
)
from vigil.evaluation.metrics import PRF, EvalError, EvaluationReport, Rate
from vigil.evaluation.normalize import (
    amount_set,
    digest,
    normalize_contact,
    normalize_crypto,
    normalize_name,
    round_sig,
)
from vigil.evaluation.realdata import REALDATA_FILES, RealData, default_realdata_dir
from vigil.evaluation.report import format_report, report_dict
from vigil.evaluation.scoring import SCORED_FLAGS, ExtractFn, evaluate
from vigil.evaluation.targets import issue_figures, listing_figures

__all__ = [
    "CATEGORY_CLASS",
    "DOSE_UNITS",
    "PRF",
    "QUANTITY_UNITS",
    "REALDATA_FILES",
    "SCORED_FLAGS",
    "SOURCES",
    "CategoryFigures",
    "CategoryReport",
    "EvalError",
    "EvaluationReport",
    "ExtractFn",
    "GoldSetError",
    "Rate",
    "RealData",
    "amount_set",
    "default_realdata_dir",
    "digest",
    "evaluate",
    "format_categories",
    "format_report",
    "issue_figures",
    "listing_figures",
    "listing_record",
    "load_gold",
    "normalize_contact",
    "normalize_crypto",
    "normalize_name",
    "report_dict",
    "round_sig",
    "score_categories",
]
