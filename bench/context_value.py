"""What the context model adds to the rules, on data each model was not trained on (prints
figures; asserts nothing).

    python bench/context_value.py [--real-data ../shared/real-data] [--gold tests/gold]

- the gold set, rules alone against rules + a model trained without any gold row or title;
- Agora in two folds by vendor: each half is scored with a model trained without it
  (coverage, agreement with the market's category, as bench/extract.py scores them);
- the held-out split, with the shipped model;
- the development set `<gold>/dev` when it exists (the shipped model leaves its rows out):
  figures only, never for tuning.
Training is seeded, so the figures repeat.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _trained(records: list[dict[str, Any]]) -> Any:
    from nlp.training.model import blank_pipeline, listing_doc_maker
    from nlp.training.train import split, train

    train_records, held = split(records)
    nlp = blank_pipeline()
    train(nlp, train_records, held, make_doc=listing_doc_maker(nlp), seed=0)
    return nlp


def _gold_line(name: str, report: Any) -> str:
    return (f"{name:16} substance F1 {report.substances.f1:.4f} (P {report.substances.precision:.4f}"
            f" R {report.substances.recall:.4f}), class accuracy {report.class_accuracy.value:.4f},"
            f" non-drug FP {report.nondrug_fp_rate.value:.4f} ({report.nondrug_fp_rate.hits}/"
            f"{report.nondrug_fp_rate.total})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=ROOT.parent / "shared" / "real-data")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")
    args = parser.parse_args(argv)

    from nlp.pipeline import assemble, extractor, rules_only
    from nlp.training.compare import figures, rules_vs_model
    from nlp.training.train import split
    from nlp.training.weak_labels import build_records, title_key
    from vigil.evaluation import evaluate, load_gold
    from vigil.evaluation.realdata import RealData

    real, gold_dir = args.real_data, args.gold
    records = build_records(real, gold_dir)

    # 1. the gold set, with a model that never saw a gold text
    gold = load_gold(gold_dir)
    rows = RealData(real)
    refs = {(g["source"], g["ref"]) for g in gold if g["source"] != "inhouse"}
    titles = {title_key(rows.text(g["source"], g["ref"])["title"] if g["source"] != "inhouse"
                        else g["title"]) for g in gold}
    no_gold = _trained([r for r in records if r["source"] != "inhouse"
                        and (r["source"], r["ref"]) not in refs and title_key(r["title"]) not in titles])
    print(f"gold set ({len(gold)} listings; model trained without any gold row or title):")
    rules_alone = extractor(rules_only())
    print(_gold_line("rules alone", evaluate(gold_dir, rules_alone, realdata_dir=real)))
    print(_gold_line("rules + model", evaluate(gold_dir, extractor(assemble(no_gold)),
                                                realdata_dir=real)))

    # 2. Agora in two folds by vendor
    def fold(r: dict[str, Any]) -> int:
        return hashlib.sha256(r["group"].encode("utf-8")).digest()[0] & 1

    agora = [r for r in records if r["source"] == "agora2014"]
    listings: list[dict[str, Any]] = []
    both: list[dict[str, Any]] = []
    for k in (0, 1):
        test = [r for r in agora if fold(r) == k]
        test_titles = {title_key(r["title"]) for r in test}
        model = _trained([r for r in records if not (r["source"] == "agora2014" and fold(r) == k)
                          and title_key(r["title"]) not in test_titles])
        with_fold_model = extractor(assemble(model))
        listings += test
        both += [with_fold_model({"title": r["title"]}) for r in test]
    rules = [rules_alone({"title": r["title"]}) for r in listings]
    print(f"Agora, two folds by vendor ({len(listings)} unique listings):")
    print(f"{'rules alone':16} {figures(listings, rules).line()}")
    print(f"{'rules + model':16} {figures(listings, both).line()}")

    # 3. the held-out split, shipped model
    _, held = split(records)
    shipped = extractor(assemble())
    r, b, changed = rules_vs_model(held, rules_alone, shipped)
    print(f"held-out split ({len(held)} records), shipped model:")
    print(f"{'rules alone':16} {r.line()}")
    print(f"{'rules + model':16} {b.line()} ({changed} listings changed)")

    # 4. the development set, figures only
    dev = gold_dir / "dev"
    if dev.is_dir() and any(dev.glob("*.jsonl")):
        print(f"development set ({dev}), shipped model (trained without its rows):")
        print(_gold_line("rules alone", evaluate(dev, rules_alone, realdata_dir=real)))
        print(_gold_line("rules + model", evaluate(dev, shipped, realdata_dir=real)))
    else:
        print(f"development set: {dev} does not exist here")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
