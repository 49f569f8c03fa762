"""Check that a change to the extractor leaves its output identical (prints; exits 1 on a diff).

    python bench/extract_equivalence.py --record /tmp/digests.json   # before the change
    python bench/extract_equivalence.py --check /tmp/digests.json    # after it

Runs the pipeline over every unique real listing (`bench/extract.py`'s `load_listings`, read
in place), the real vendor profiles and NER texts, and the in-house gold texts
(tests/gold/*.jsonl records that carry their own text), and keeps one digest per listing: a
hash of its input and a hash of its extraction and its Doc's span groups (sorted JSON). It
checks that `nlp.extract` (and with `--pipe`, `nlp.pipe` in one process and in
`--processes N`) gives the same extractions. No listing text is written, only hashes.
`--check` compares with a recorded file and prints the first differences (the input's
position and the keys that differ).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extract import DEFAULT_REAL_DATA, load_listings  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
RECORD_KEYS = ("title", "description", "price", "ships_from", "ships_to")


def inputs(real: Path) -> list[dict[str, Any]]:
    """The records to extract: real listings, vendor profiles and the NER sets' texts (more
    varied text: contacts, PGP keys, drug talk), then in-house gold records."""
    out = [{k: r[k] for k in RECORD_KEYS if k in r} for r in load_listings(real)]
    with open(real / "anita2020_vendors.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out.append({"title": d.get("name") or "vendor", "description": d.get("info") or ""})
    for path in sorted(real.glob("ner_*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            out.extend({"title": json.loads(line)["text"]} for line in fh if line.strip())
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            g = json.loads(line)
            if g.get("title"):
                out.append({k: g[k] for k in RECORD_KEYS if k in g and g[k] is not None})
    return out


def _hash(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False,
                                   default=str).encode()).hexdigest()


def digests(records: list[dict[str, Any]], results: Iterator[dict[str, Any]]) -> list[list[Any]]:
    """[input hash, extraction hash, {key: hash}] per record."""
    out = []
    for record, result in zip(records, results, strict=True):
        out.append([_hash(record), _hash(result), {k: _hash(v) for k, v in result.items()}])
    return out


def with_spans(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """What `nlp.extract` returns (the same calls), plus `doc.spans` under the key "spans":
    the span groups are the Doc's side of the output."""
    from nlp.doc import listing_doc, to_contract
    from nlp.pipeline import shared

    pipeline = shared()
    pipeline.get_pipe("prices").rates = None
    for record in records:
        doc = pipeline(listing_doc(pipeline, record))
        spans = {g: [(s.start_char, s.end_char, s.label_) for s in doc.spans[g]]
                 for g in sorted(doc.spans)}
        yield {**to_contract(doc), "spans": spans}


def compare(old: list[list[Any]], new: list[list[Any]], label: str, show: int = 10) -> int:
    if len(old) != len(new):
        print(f"{label}: {len(new)} listings, recorded {len(old)}")
        return 1
    bad = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a[:2] != b[:2]]
    for i in bad[:show]:
        if old[i][0] != new[i][0] or len(old[i]) < 3:
            print(f"  #{i}: {'a different input' if old[i][0] != new[i][0] else 'differs'}")
            continue
        keys = sorted(k for k in set(old[i][2]) | set(new[i][2])
                      if old[i][2].get(k) != new[i][2].get(k))
        print(f"  #{i}: differs in {', '.join(keys)}")
    print(f"{label}: {len(new) - len(bad)} of {len(new)} identical")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--record", type=Path, help="write the digests to this file")
    group.add_argument("--check", type=Path, help="compare with the digests in this file")
    parser.add_argument("--pipe", action="store_true",
                        help="also check nlp.pipe (one process and --processes)")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)

    import nlp
    from nlp.pipeline import pipe

    records = inputs(args.real_data)
    results = list(with_spans(records))
    new = digests(records, iter(results))
    if args.record:
        args.record.write_text(json.dumps(new), encoding="utf-8")
        print(f"recorded {len(new)} digests in {args.record}")
        status = 0
    else:
        status = compare(json.loads(args.check.read_text(encoding="utf-8")), new,
                         "pipeline (extraction and doc.spans) against the recorded digests")
    # the other ways in give the same extraction
    plain = [d[:2] for d in digests(records, ({k: v for k, v in x.items() if k != "spans"}
                                              for x in results))]
    runs: dict[str, Iterator[dict[str, Any]]] = {"nlp.extract": map(nlp.extract, records)}
    if args.pipe:
        runs["nlp.pipe"] = pipe(records, batch_size=256)
        if args.processes > 1:
            runs[f"nlp.pipe n_process={args.processes}"] = pipe(
                records, n_process=args.processes, batch_size=256)
    for label, run in runs.items():
        status |= compare(plain, [d[:2] for d in digests(records, run)], label)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
