"""Rebuild the `generated` list of `lexicon/_fuzzy_guard.yaml` from spaCy's lookup tables.

    python -m nlp.fuzzy_guard [--check]

Reads the word forms of the EU languages' lemma and norm tables in `spacy-lookups-data`
(dictionary words, not listing text), keeps the ones of 6+ letters that the fuzzy matcher
would read as a drug name, and writes them, sorted, under `generated:`. `--check` only reports
how many would change. A rapidfuzz `cdist` pass over length buckets picks the few candidates;
`nlp.fuzzy.nearest` (unguarded) decides, so the list is exactly what the matcher would hit,
less the drug name's own inflections ("amfetaminima"): those are drug words, not ordinary ones.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from nlp import fuzzy, lexicon, substances
from nlp.fold import fold

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "pt", "sv", "cs", "da", "ro", "hu", "hr",
             "lt", "el", "ca", "lb", "ga", "fi", "sk", "sl", "bg", "et", "lv", "mt")
GUARD = lexicon.LEXICON_DIR / "_fuzzy_guard.yaml"
_GENERATED_RE = re.compile(r"^generated: \[.*?\]\n", re.S | re.M)


def _tables() -> Iterator[Path]:
    import spacy_lookups_data

    data = Path(spacy_lookups_data.__file__).parent / "data"
    for lang in LANGUAGES:
        yield from sorted(data.glob(f"{lang}_lemma_lookup*.json.gz"))
        yield from sorted(data.glob(f"{lang}_lexeme_norm.json.gz"))


def words() -> set[str]:
    """Folded one-word forms of 6+ letters from the lookup tables."""
    out: set[str] = set()
    for path in _tables():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            table = json.load(fh)
        for key, value in table.items():
            for w in (key, value) if isinstance(value, str) else (key,):
                f = fold(w)
                if len(f) >= fuzzy.MIN_LEN and f.isalpha():
                    out.add(f)
    return out


def generate() -> list[str]:
    names = sorted(fuzzy._index().names)
    by_len: dict[int, list[str]] = {}
    for w in words():
        by_len.setdefault(len(w), []).append(w)
    found: set[str] = set()
    for length, bucket in sorted(by_len.items()):
        keys = [k for k in names if abs(len(k) - length) <= fuzzy.max_distance(k)]
        if not keys:
            continue
        for i in range(0, len(bucket), 20000):
            chunk = bucket[i : i + 20000]
            dist = cdist(chunk, keys, scorer=OSA.distance, score_cutoff=2, workers=-1)
            for row in np.nonzero((dist <= 2).any(axis=1))[0]:
                word = chunk[int(row)]
                near = fuzzy.nearest(word, guarded=False)
                if near is not None and not _exact(word) and not _inflection(word, near[0]):
                    found.add(word)
    return sorted(found)


def _exact(word: str) -> bool:
    """The exact matcher already reads the word (an alias or an inflection)."""
    return bool(substances._scan(word, substances._index()))


def _inflection(word: str, term: lexicon.Term) -> bool:
    """The word is the drug name with another ending ("amfetaminima", "psilocibinom"): a drug
    word of some language, not an ordinary word to guard."""
    key = lexicon.squeeze(term.alias)
    return len(word) > len(key) and word.startswith(key[:-1])


def write(generated: list[str]) -> None:
    text = GUARD.read_text(encoding="utf-8")
    lines, line = [], " "
    for w in generated:
        if len(line) + len(w) + 2 > 100:
            lines.append(line.rstrip())
            line = " "
        line += f" {w},"
    lines.append(line.rstrip())
    block = "generated: [\n" + "\n".join(lines) + "\n]\n"
    GUARD.write_text(_GENERATED_RE.sub(lambda _: block, text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only, do not write")
    args = parser.parse_args()
    generated = generate()
    old = fuzzy.guard_words()
    print(f"{len(generated)} guard words ({len(set(generated) - old)} new)")
    if not args.check:
        write(generated)


if __name__ == "__main__":
    main()
