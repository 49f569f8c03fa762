"""On real listings (read in place): no crash, exact offsets, drug listings mostly covered."""

import csv
import json

import pytest

from nlp import extract

pytestmark = pytest.mark.realdata


def _records(realdata):
    with open(realdata / "anita2020_products.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield {"title": d.get("name") or "", "description": d.get("info") or "",
                   "price": d.get("price") or "", "ships_from": d.get("ships_from") or ""}
    with open(realdata / "hansa2017_category_listings.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield {"title": d["title"], "price": "$" + d["price_usd"], "ships_from": d["ships_from"],
                   "category": d["category"]}


def test_offsets_hold_on_real_listings(realdata):
    for record in _records(realdata):
        result = extract(record)
        for item in result["substances"] + result["novel_candidates"]:
            assert record[item["field"]][item["start"] : item["end"]] == item["text"]


def test_most_agora_drug_titles_name_a_substance(realdata):
    titles = set()
    with open(realdata / "agora2014_listings.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["subcat"] in ("Cannabis", "Stimulants", "Ecstasy", "Opioids", "Psychedelics",
                                 "Benzos", "Dissociatives"):
                titles.add(row["product"])
    found = sum(1 for t in titles if extract({"title": t})["substances"])
    assert found / len(titles) > 0.75
