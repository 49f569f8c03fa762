"""Benchmark the context model on real listings (prints figures; asserts nothing).

    python bench/context.py [--real-data ../shared/real-data] [--min-texts 50000] [--model DIR]

Reads the real listings in place (as bench/extract.py does), repeats them to at least
`--min-texts` texts, and prints for one process:
- a spaCy tokenizer-only pass (`spacy.blank("xx")`) over the texts;
- the `context` component alone over the same, already tokenised docs (`pipe.pipe`, batched);
- the saved model end to end (`nlp.pipe`: tokenizer + context), and
- the extraction pipeline (`nlp.pipeline.load()`) without and with the component
  (the packaged pipeline with and without `context` + `arbitration`), and
- the ratios to tokenizer-only time. The whole extraction pipeline must stay within 3x the
  tokenizer time, so the model's own share should be well under 1x.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from extract import DEFAULT_REAL_DATA, load_listings, repeat, timed  # noqa: E402  (bench/extract.py)


def best(fn: Callable[[], Any], repeats: int) -> float:
    return min(timed(fn)[0] for _ in range(max(repeats, 1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA)
    parser.add_argument("--min-texts", type=int, default=50_000)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3,
                        help="time each pass this many times, interleaved, and keep the best")
    parser.add_argument("--pipeline-texts", type=int, default=10_000,
                        help="texts for the extraction-pipeline passes (slower)")
    args = parser.parse_args(argv)

    import spacy

    from nlp.context_model import MODEL_DIR
    from nlp.doc import listing_doc
    from nlp.training.model import NAME

    listings = load_listings(args.real_data)
    run = repeat(listings, args.min_texts)
    texts = [f"{r['title']}\n\n{r['description']}" if r["description"] else r["title"] for r in run]
    print(f"listings: {len(listings)} unique, repeated to {len(run)} "
          f"({sum(len(t) for t in texts) / len(run):.0f} characters each on average)")

    tokenizer = spacy.blank("xx").tokenizer
    tokenizer("warm up")
    t_tok = best(lambda: [tokenizer(t) for t in texts], args.repeats)
    print(f"spaCy tokenizer only:      {len(run) / t_tok:10,.0f} texts/s  ({t_tok:.2f} s)")

    model = spacy.load(args.model or MODEL_DIR)
    pipe = model.get_pipe(NAME)
    docs = [listing_doc(model, r) for r in run]
    list(pipe.pipe(docs[:500], batch_size=args.batch_size))
    t_ctx = best(lambda: list(pipe.pipe(docs, batch_size=args.batch_size)), args.repeats)
    print(f"context component alone:   {len(run) / t_ctx:10,.0f} docs/s   ({t_ctx:.2f} s)"
          f"  = {t_ctx / t_tok:.2f}x tokenizer time")

    t_all = best(lambda: list(model.pipe((listing_doc(model, r) for r in run),
                                         batch_size=args.batch_size)), args.repeats)
    print(f"listing doc + context:     {len(run) / t_all:10,.0f} texts/s  ({t_all:.2f} s)"
          f"  = {t_all / t_tok:.2f}x tokenizer time (the listing tokenizer included)")

    from nlp.pipeline import load, rules_only

    pipelines = {"pipeline, rules only:": rules_only(), "pipeline + context:": load()}
    times: dict[str, float] = dict.fromkeys(pipelines, float("inf"))
    for _ in range(max(args.repeats, 1)):  # interleaved: a busy machine slows both alike
        for label, p in pipelines.items():
            times[label] = min(times[label], timed(
                lambda p=p: list(p.pipe(listing_doc(p, r) for r in run[: args.pipeline_texts])))[0])
    n = len(run[: args.pipeline_texts])
    t_tok_n = t_tok * n / len(run)
    for label, t_run in times.items():
        print(f"{label:26} {n / t_run:10,.0f} texts/s  ({t_run:.2f} s for {n})"
              f"  = {t_run / t_tok_n:.2f}x tokenizer time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
