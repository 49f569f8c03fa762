"""Hostile input: the extractor never crashes, keeps its offsets exact, stays bounded in time.

"Bounded" is a generous guard against runaway patterns (DECISIONS.md), not a speed test:
hypothesis' deadline is seconds per example.
"""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import extract
from nlp.limits import MAX_EXTRACTED_CHARS

KEYS = {"substances", "mentions", "quantities", "doses", "purity", "prices",
        "price_per_gram_eur", "price_per_unit_eur", "crypto_addresses", "contacts",
        "pgp_fingerprints", "markets", "languages", "ships_from", "ships_to", "flags",
        "novel_candidates", "shipping_methods"}

drugish = st.sampled_from(["3-MMC", "f3ntanyl", "Kокаин", "1g", "5000x 170mg", "€12,50",
                           "MDMB-4en-PINACA", "X", "ice", " ", "-", "½", "ǅ", "İ", "ﬁ", "µg",
                           "bc1q", "0x", "@", "telegram:", "99.9%", "nitazene", "\u200b",
                           "DHL", "U.P.S", "Versand aus ", "ČR", "stealth", " Chemical Co., Ltd",
                           "CAS 5449-12-7", "закладка",
                           # mojibake, misspellings, compounds and press names
                           "KetamÃ\xadn", "GrÃ¶Ã\x9fe", "â€“", "ÐšÐµÑ‚Ð°Ð¼Ð¸Ð½", "Ã©", "Â\xa0",
                           "ketamien", "Amphetaminpaste", "Tesla", "code in"])
messy = st.lists(st.one_of(st.text(max_size=40), drugish), max_size=30).map("".join)


def check(record: dict) -> None:
    result = extract(record)
    assert set(result) >= KEYS
    for item in (result["substances"] + result["novel_candidates"] + result["mentions"]
                 + result["shipping_methods"]):
        assert record[item["field"]][item["start"] : item["end"]] == item["text"]


@settings(deadline=timedelta(seconds=5), max_examples=300,
          suppress_health_check=[HealthCheck.too_slow])
@given(title=messy, description=messy, ships=st.text(max_size=60), price=st.text(max_size=30))
def test_arbitrary_unicode_never_crashes_and_offsets_hold(title, description, ships, price):
    check({"title": title, "description": description, "ships_from": ships, "ships_to": ships,
           "price": price})


@settings(deadline=timedelta(seconds=10), max_examples=25,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(unit=st.sampled_from(["a", "1", "a1", "-", "x ", "1.", "3-mmc ", "@a.", "aaaa1!",
                             "bc1", "0x0", "05", "/", "1/", "𝐟"]),
       times=st.integers(min_value=1_000, max_value=60_000))
def test_pathological_repetitions_stay_bounded(unit, times):
    check({"title": (unit * times)[:5000], "description": unit * times})


def test_huge_fields_are_truncated_at_the_documented_limit():
    description = "cocaine 1g " * (MAX_EXTRACTED_CHARS // 5)
    result = extract({"title": "x", "description": description + " heroin"})
    assert all(s["end"] <= MAX_EXTRACTED_CHARS for s in result["substances"])
    assert "heroin" not in [s["name"] for s in result["substances"]]


def test_non_string_fields_do_not_crash():
    check({"title": "Cocaine 1g", "description": None, "price": 12.5, "ships_from": None})
