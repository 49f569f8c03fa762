"""Benchmark the extractor on real listings (prints figures; asserts nothing).

    python bench/extract.py [--real-data ../shared/real-data] [--min-texts 50000] [--repeat 3]

Reads the real listings in place (never copies them), repeats them to at least
`--min-texts` texts, and prints:
- the spaCy pipeline (`nlp.load()` through `nlp.pipe`, Docs made from title + description):
  listings per second in one process;
- a spaCy tokenizer-only pass (`spacy.blank("xx")`) over the same texts, and the time ratio
  (`--repeat N`: both timed N times, alternating, and the best of each printed: on a shared
  machine a single pass of either can be slowed by other work);
- `nlp.extract` one listing at a time (what the crawl pipeline calls);
- `nlp.pipe` with `n_process=2` (`--processes`: worker processes of `nlp.parallel`), and its
  speed-up over one process;
- the `drug-named-entity-recognition` package on the same listings: speed, coverage of drug
  listings (share with at least one drug found) and false hits on non-drug listings, beside
  the same two figures for `nlp.extract`;
- agreement with Agora's own categories on all 12,751 rows of its dump and on its unique
  listings (`vigil.evaluation.categories`: coverage, agreement, contradictions).

Drug / non-drug labels come from the markets' own categories: every Agora listing is in
"Drugs", Hansa's "Painkillers" are drugs, Hansa's guides, e-books, digital goods and
jewellery are not. (Those are category labels, not hand labels: a "Drugs" listing may sell
seeds or a scale. The hand-labelled gold set is scored by `vigil extract --evaluate`.)
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_REAL_DATA = ROOT.parent / "shared" / "real-data"


def load_listings(real: Path) -> list[dict[str, Any]]:
    """Unique listings with a `label` of "drug", "non_drug" or None (unknown)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(title: str, description: str, label: str | None, **extra: Any) -> None:
        key = (title, description)
        if title and key not in seen:
            seen.add(key)
            out.append({"title": title, "description": description, "label": label, **extra})

    with open(real / "anita2020_products.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            add(d.get("name") or "", d.get("info") or "", None, price=d.get("price") or "",
                ships_from=d.get("ships_from") or "")
    with open(real / "hansa2017_category_listings.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            label = "drug" if d["category"] == "Painkillers" else "non_drug"
            add(d["title"], "", label, price=f"${d['price_usd']}", ships_from=d["ships_from"])
    with open(real / "agora2014_listings.csv", encoding="utf-8", newline="") as fh:
        for d in csv.DictReader(fh):
            add(d["product"], "", "drug" if d["cat"] == "Drugs" else "non_drug",
                ships_from=d["from"], ships_to=d["to"])
    return out


def repeat(items: list[Any], minimum: int) -> list[Any]:
    times = -(-minimum // len(items))
    return (items * times)[: max(minimum, len(items))]


def timed(fn: Callable[[], Any], clock: Callable[[], float] = time.perf_counter) -> tuple[float, Any]:
    started = clock()
    result = fn()
    return clock() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA)
    parser.add_argument("--min-texts", type=int, default=50_000)
    parser.add_argument("--processes", type=int, default=2,
                        help="n_process for the multi-process figure (1: skip it)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the pipeline and the tokenizer N times, alternating; print the best")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not run the drug-named-entity-recognition comparison")
    parser.add_argument("--cpu", action="store_true",
                        help="time the one-process pipeline and tokenizer passes in CPU time of this "
                             "process instead of wall time (steadier on a machine other work shares; "
                             "the n_process figure stays wall time)")
    args = parser.parse_args(argv)

    import spacy

    import nlp

    listings = load_listings(args.real_data)
    run = repeat(listings, args.min_texts)
    texts = [f"{r['title']}\n{r['description']}" if r["description"] else r["title"] for r in run]
    chars = sum(len(t) for t in texts)
    print(f"listings: {len(listings)} unique, repeated to {len(run)} "
          f"({chars / len(run):.0f} characters each on average)")

    from nlp.pipeline import pipe

    nlp.extract({"title": "warm-up 1g cocaine", "price": "$10", "ships_from": "USA"})
    blank = spacy.blank("xx")
    tokenizer = blank.tokenizer
    t_pipe = t_tok = float("inf")
    clock = time.process_time if args.cpu else time.perf_counter
    for _ in range(args.repeat):  # alternating, best of each: a shared machine is noisy
        elapsed, results = timed(lambda: list(pipe(run, batch_size=256)), clock)
        t_pipe = min(t_pipe, elapsed)
        t_tok = min(t_tok, timed(lambda: [tokenizer(text) for text in texts], clock)[0])
    best = f", best of {args.repeat}" if args.repeat > 1 else ""
    best += ", CPU time" if args.cpu else ""
    print(f"spaCy pipeline (nlp.pipe):  {len(run) / t_pipe:10,.0f} listings/s  ({t_pipe:.2f} s{best})")
    print(f"spaCy tokenizer only:       {len(run) / t_tok:10,.0f} texts/s     ({t_tok:.2f} s{best})")
    print(f"pipeline / tokenizer time:  {t_pipe / t_tok:10.2f}x")

    t_one, _ = timed(lambda: [nlp.extract(r) for r in run], clock)
    print(f"nlp.extract one at a time:  {len(run) / t_one:10,.0f} listings/s  "
          f"({t_one / t_pipe:.2f}x the pipeline's time)")

    if args.processes > 1:
        t_multi, multi = timed(lambda: list(pipe(run, n_process=args.processes, batch_size=256)))
        same = multi == results
        print(f"nlp.pipe n_process={args.processes}:      {len(run) / t_multi:10,.0f} listings/s  "
              f"({t_multi:.2f} s; {t_pipe / t_multi:.2f}x one process; "
              f"{'same results' if same else 'RESULTS DIFFER'})")

    unique_results = results[: len(listings)]
    drug = [(r, x) for r, x in zip(listings, unique_results, strict=True) if r["label"] == "drug"]
    non = [(r, x) for r, x in zip(listings, unique_results, strict=True)
           if r["label"] == "non_drug"]
    ours_cov = sum(1 for _, x in drug if x["substances"]) / max(len(drug), 1)
    ours_fp = sum(1 for _, x in non if x["substances"]) / max(len(non), 1)
    novel = sum(1 for x in unique_results if x["novel_candidates"])
    print(f"pipeline coverage of drug listings: {ours_cov:6.1%} of {len(drug)}; "
          f"false hits on non-drug listings: {ours_fp:6.1%} of {len(non)}; "
          f"listings with novel candidates: {novel}")

    from vigil.evaluation import format_categories, score_categories

    print(format_categories(score_categories(args.real_data, nlp.extract)))

    if args.skip_baseline:
        return 0
    try:
        from drug_named_entity_recognition import find_drugs
    except ImportError:
        print("drug-named-entity-recognition is not installed: pip install -e '.[dev]'")
        return 0

    def baseline(text: str) -> list[Any]:
        return find_drugs(text.split(" "), is_ignore_case=True)

    baseline("warm up cocaine")
    t_base, base_results = timed(lambda: [baseline(t) for t in texts])
    base_unique = base_results[: len(listings)]
    b_drug = [b for r, b in zip(listings, base_unique, strict=True) if r["label"] == "drug"]
    b_non = [b for r, b in zip(listings, base_unique, strict=True) if r["label"] == "non_drug"]
    b_cov = sum(1 for b in b_drug if b) / max(len(b_drug), 1)
    b_fp = sum(1 for b in b_non if b) / max(len(b_non), 1)
    print(f"drug-named-entity-recognition: {len(run) / t_base:10,.0f} listings/s  "
          f"({t_base:.2f} s); coverage of drug listings: {b_cov:6.1%}; "
          f"false hits on non-drug listings: {b_fp:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
