"""Where the pipeline's time goes, per component (prints figures; asserts nothing).

    python bench/extract_profile.py [--real-data ../shared/real-data] [--min-texts 20000]

Makes the Docs of the real listings (`listing_doc`), runs each component of the packaged
pipeline over all of them in turn, and prints milliseconds per listing for the Doc and for each
component, beside a `spacy.blank("xx")` tokenizer pass over the same texts, and the ratio of the
pipeline's total to the tokenizer's (what `bench/extract.py` measures through `nlp.pipe`,
where the garbage collector runs: expect its figures a little higher).
Times are CPU time of this process (`time.process_time`), steadier than wall time on a shared
machine. `--cprofile N` prints the N costliest functions of the components' pass (cProfile
inflates small functions and calls into spaCy's Cython: confirm a hot spot with py-spy).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extract import DEFAULT_REAL_DATA, load_listings, repeat  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA)
    parser.add_argument("--min-texts", type=int, default=20_000)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    parser.add_argument("--gc", action="store_true",
                        help="keep the cyclic garbage collector on (by default it is off during the "
                             "passes: with every Doc alive, a collection charges whichever "
                             "component happens to run)")
    args = parser.parse_args(argv)
    if not args.gc:
        gc.disable()

    import spacy

    import nlp
    from nlp.doc import listing_doc
    from nlp.pipeline import shared

    run = repeat(load_listings(args.real_data), args.min_texts)
    texts = [f"{r['title']}\n{r['description']}" if r["description"] else r["title"] for r in run]
    pipeline = shared()
    nlp.extract({"title": "warm-up 1g cocaine", "price": "$10", "ships_from": "USA"})
    per = 1e3 / len(run)

    blank = spacy.blank("xx")
    started = time.process_time()
    for text in texts:
        blank.tokenizer(text)
    t_tok = time.process_time() - started
    started = time.process_time()
    docs = [listing_doc(pipeline, r) for r in run]
    t_doc = time.process_time() - started
    print(f"{'tokenizer':12} {t_tok * per:.3f} ms  (spacy.blank('xx'))")
    print(f"{'listing_doc':12} {t_doc * per:.3f} ms")

    profiler = cProfile.Profile() if args.cprofile else None
    total = 0.0
    for name, component in pipeline.pipeline:
        if profiler:
            profiler.enable()
        started = time.process_time()
        docs = [component(d) for d in docs]
        elapsed = time.process_time() - started
        if profiler:
            profiler.disable()
        total += elapsed
        print(f"{name:12} {elapsed * per:.3f} ms")
    print(f"{'components':12} {total * per:.3f} ms; with listing_doc {(total + t_doc) * per:.3f} ms"
          f" ({len(run) / (total + t_doc):,.0f} listings/s); ratio to the tokenizer "
          f"{(total + t_doc) / t_tok:.2f}x")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
