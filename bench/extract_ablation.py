"""What the rules and the context model each add (prints figures; asserts nothing).

    python bench/extract_ablation.py [--real-data ../shared/real-data]

Scores the packaged pipeline twice, on the development set (tests/gold/dev, never tuned on),
on the older gold set (tests/gold) and on Agora's own categories (all 12,751 rows):
- rules alone: the pipeline without its `context` and `arbitration` components;
- rules + model: the pipeline as shipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_REAL_DATA = ROOT.parent / "shared" / "real-data"
FIGURES = ("coverage", "class_agreement", "substance_precision", "substance_recall",
           "substance_f1", "nondrug_fp_rate", "quantity_exact")


def extractor(with_model: bool) -> Callable[..., dict[str, Any]]:
    from nlp.doc import listing_doc, to_contract
    from nlp.pipeline import load

    pipeline = load()
    if not with_model:
        pipeline.remove_pipe("arbitration")
        pipeline.remove_pipe("context")

    def run(record: Mapping[str, Any], **kw: Any) -> dict[str, Any]:
        pipeline.get_pipe("prices").rates = kw.get("rates")
        return to_contract(pipeline(listing_doc(pipeline, record, on=kw.get("on"))))

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA)
    args = parser.parse_args(argv)

    from vigil.evaluation import issue_figures, score_categories

    gold = ROOT / "tests" / "gold"
    print(f"{'set':10} {'extractor':14} " + " ".join(f"{f[:14]:>14}" for f in FIGURES))
    for label, with_model in (("rules alone", False), ("rules + model", True)):
        fn = extractor(with_model)
        for name, path in (("dev", gold / "dev"), ("gold", gold)):
            _, figures = issue_figures(path, fn, realdata_dir=args.real_data)
            print(f"{name:10} {label:14} " + " ".join(f"{figures[f]:14.4f}" for f in FIGURES))
        cats = score_categories(args.real_data, fn)
        print(f"{'agora':10} {label:14} coverage {cats.all_rows.coverage:.4f} (unique "
              f"{cats.unique.coverage:.4f}), agreement {cats.all_rows.agreement:.4f} (unique "
              f"{cats.unique.agreement:.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
