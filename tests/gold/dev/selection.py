"""How the rows of the development set were chosen (re-runnable; prints row references only).

    python tests/gold/dev/selection.py [--real-data ../shared/real-data]

The pool is every Agora (first row of a `list` id) and ANITA row that is not in
`tests/gold/realdata.jsonl` and whose title is not identical to a title there (no Hansa row is
left over). From it: a seeded random sample per stratum (`RANDOM`), then hard cases found by
keyword search of the raw title and description (`HARD`, at most `CAP[kind]` each, title hits
first, seeded order), then every non-English row found (`NON_ENGLISH`, found by a stop-word
count and by searching for accented letters). Nothing here looks at the extractor's output.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SEED = 13
RANDOM = {("agora2014", "Edibles"): 42, ("agora2014", "Prescription"): 48, ("agora2014", "Seeds"): 18,
          ("agora2014", "Synthetics"): 14, ("agora2014", "Shake/trim"): 8, ("anita2020", None): 100}
HARD = {
    "seeds": r"\b(feminized|feminised|fem\b|autoflower\w*|auto\b|seeds?|seedbank|seed bank|dinafem|barney"
             r"|sensi seeds|dutch passion|greenhouse seeds|pollen)",
    "shake": r"\b(shake|trim\w*|popcorn)\b",
    "press": r"\b(tesla|punisher|superman|rolls ?royce|philipp plein|dominos?|heineken|pokemon|bitcoin pills?"
             r"|ecstasy|xtc|pills?\b.*\d+ ?mg)",
    "misspell": r"(ketamin\b|ketamine?\w*|ketamie|ketamne|fentanil|fentanyl\w+|phentanyl|fenta\b|amfetamin\w*"
                r"|amphetamin\b|amphetemine|amphetimine|amph\b|\w+paste|methamphetamin\b|cocain\b|coccaine"
                r"|heroine|extasy|exstacy|ectasy|mdmma|xanex|zanax|xannax|valum|adderal\b|aderall|oxycontin"
                r"|oxycodon\b|hydrocodon\b|rittalin)",
    "nps": r"(nbome|nb ome|25[icbx]|\bmdpv|pvp\b|a-?pvp|alpha-?pvp|pentedrone|mephedrone|4-?mmc|3-?mmc|3-?cmc"
           r"|4-?cmc|methylone|ethylone|butylone|eutylone|mdpbp|pyrovalerone|phenidate|ethylphenidate"
           r"|methylphenidate|ritalin|2c-?[bie]|2c-?\w|dob\b|doc\b|mescaline|barbit|phenobarb|nembutal"
           r"|pentobarb|seconal|psilocyb|cubensis|mushroom|shroom|spore|truffle|5-?meo|dmt|lsa|ayahuasca"
           r"|1p-?lsd|al-?lad|etizolam|flubromazolam|clonazolam|jwh|am-?2201|ur-?144|xlr|pinaca|spice|k2\b"
           r"|herbal incense|mxe|dck|pcp)",
    "opioid": r"(#\s?[34]\b|china white|\boxy ?\d+|\bm ?30\b|a215|rox[yi]|\bblues\b|percocet|opana|dilaudid"
              r"|black tar|\btar\b|heroin|\bdope\b)",
    "nondrug": r"(dob\b|ssn|fullz|identity|passport|driver.?s? licen|gift ?card|game code|steam|amazon|paypal"
               r"|bank|carding|cvv|dumps|counterfeit|fake notes|replica|rolex|gucci|louis vuitton|pistol|gun"
               r"|rifle|glock|ammo|ebook|e-book|guide|tutorial|account|netflix|spotify|hack|software|vpn|porn"
               r"|credit card|cartes)",
    "mojibake": r"(Ã|Â|â€|\?[A-Z]|\ufffd)",
    "bulk": r"\b\d+ ?(G|GR|GRAMS?|KG|OZ|LB)\b",
    "shipping": r"(ships? from|shipping from|versand|envío|shipped from|we ship|stealth|vacuum|tracking"
                r"|next day|express)",
}
CASE_SENSITIVE = {"mojibake", "bulk"}
CAP = {"seeds": 12, "shake": 6, "press": 12, "misspell": 12, "nps": 20, "opioid": 10, "nondrug": 15,
       "mojibake": 4, "bulk": 5, "shipping": 6}
#: Found by counting stop words of de/fr/es/nl/it/sv/pl/pt and by searching for accented letters.
NON_ENGLISH = ("agartha_product_93", "agartha_product_123", "uoFYPjZJxa", "pdlfWGAseX", "yUKzDYTwW",
               "lruaEbP")

Row = dict[str, str]


def pool(real: Path) -> dict[tuple[str, str], Row]:
    """Unused rows: (source, ref) -> {title, description, subcat}."""
    rows: dict[tuple[str, str], Row] = {}
    with open(real / "anita2020_products.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            rows.setdefault(("anita2020", str(d["id"])),
                            {"title": d.get("name") or "", "description": d.get("info") or "", "subcat": ""})
    with open(real / "hansa2017_category_listings.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            rows.setdefault(("hansa2017", d["url"]), {"title": d.get("title") or "", "description": "",
                                                      "subcat": ""})
    with open(real / "agora2014_listings.csv", encoding="utf-8", newline="") as fh:
        for d in csv.DictReader(fh):
            rows.setdefault(("agora2014", d["list"]),
                            {"title": d["product"] or "", "description": "", "subcat": d["subsubcat"]})
    with open(ROOT / "tests" / "gold" / "realdata.jsonl", encoding="utf-8") as fh:
        used = {(g["source"], g["ref"]) for g in map(json.loads, fh)}
    used_titles = {rows[k]["title"] for k in used if k in rows}
    return {k: v for k, v in rows.items() if k not in used and v["title"] not in used_titles}


def select(rows: dict[tuple[str, str], Row]) -> dict[tuple[str, str], str]:
    """(source, ref) -> why it was chosen (`random` or `hard:<kind>`), in the order chosen."""
    rng = random.Random(SEED)
    chosen: dict[tuple[str, str], str] = {}
    for (source, subcat), n in RANDOM.items():
        stratum = sorted(r for s, r in rows
                         if s == source and (subcat is None or rows[s, r]["subcat"] == subcat))
        for ref in rng.sample(stratum, n):
            chosen[source, ref] = "random"
    for key in rows:
        if key[1] in NON_ENGLISH and key not in chosen:
            chosen[key] = "hard:lang"
    for kind, pattern in HARD.items():
        rx = re.compile(pattern, 0 if kind in CASE_SENSITIVE else re.IGNORECASE)
        free = [k for k in rows if k not in chosen]
        in_title = sorted(k for k in free if rx.search(rows[k]["title"]))
        in_text = sorted(k for k in free if k not in in_title
                         and rx.search(rows[k]["title"] + " " + rows[k]["description"]))
        rng.shuffle(in_title)
        rng.shuffle(in_text)
        for key in (in_title + in_text)[: CAP[kind]]:
            chosen[key] = f"hard:{kind}"
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, default=ROOT.parent / "shared" / "real-data")
    args = parser.parse_args(argv)
    for (source, ref), why in select(pool(args.real_data)).items():
        print(f"{source}:{ref}\t{why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
