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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_REAL_DATA = ROOT.parent / "shared" / "real-data"
FIGURES = ("coverage", "class_agreement", "substance_precision", "substance_recall",
           "substance_f1", "nondrug_fp_rate", "quantity_exact")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA)
    args = parser.parse_args(argv)

    from nlp.pipeline import extractor, load, rules_only
    from vigil.evaluation import issue_figures, score_categories

    gold = ROOT / "tests" / "gold"
    print(f"{'set':10} {'extractor':14} " + " ".join(f"{f[:14]:>14}" for f in FIGURES))
    for label, pipeline in (("rules alone", rules_only()), ("rules + model", load())):
        fn = extractor(pipeline)
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
