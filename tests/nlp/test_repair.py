"""Mojibake repair (nlp/repair.py): fixed before matching, reported in raw offsets."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import extract
from nlp.repair import looks_broken, repair


def broken(text: str, codec: str = "latin-1") -> str:
    """UTF-8 bytes read with the wrong codec, the way a misconfigured scraper stores them."""
    return text.encode("utf-8").decode(codec, errors="ignore")


def test_clean_text_is_left_alone_and_costs_nothing() -> None:
    for text in ["Ketamine 5g", "Größe M, café crème", "Кетамин 5g", ""]:
        r = repair(text)
        assert r.text == text and not r.changed
        assert r.to_raw(0, len(text)) == (0, len(text))
    assert not looks_broken("plain ascii text")


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_broken_utf8_is_repaired(codec: str) -> None:
    raw = broken("Größe M – T-Shirt, café", codec)
    assert looks_broken(raw)
    assert repair(raw).text == "Größe M – T-Shirt, café"


def test_mojibake_of_gr_oe_sse_is_not_ecstasy() -> None:
    raw = "T-Shirt " + broken("Größe") + ": M, 100g Baumwolle"
    assert extract({"title": raw})["substances"] == []


def test_offsets_stay_on_the_raw_field() -> None:
    record = {"title": broken("Ketamín 5g – très pure"), "description": broken("Kokain 1g, Größe egal")}
    result = extract(record)
    subs = result["substances"]
    assert {s["name"] for s in subs} == {"ketamine", "cocaine"}
    for s in subs:
        assert record[s["field"]][s["start"] : s["end"]] == s["text"]
    ketamine = next(s for s in subs if s["name"] == "ketamine")
    assert ketamine["text"] == broken("Ketamín")


def test_prices_and_market_spans_are_mapped_too() -> None:
    record = {"title": broken("Größe – Kokain 1g"), "description": broken("Preis: €50, très bon")}
    result = extract(record)
    for key in ("substances", "prices", "markets", "mentions", "novel_candidates"):
        for item in result[key]:
            if "start" in item and item.get("field") in record:
                assert 0 <= item["start"] <= item["end"] <= len(record[item["field"]])
                if "text" in item:
                    assert record[item["field"]][item["start"] : item["end"]] == item["text"]


# Words, each broken or not (a scraper breaks whole texts, but listings paste text together).
_PIECES = st.lists(
    st.tuples(st.sampled_from(["Ketamin 5g ", "Größe ", "café ", "naïve ", "– ", "“MDMA” ", "x ",
                               "Kokain ", "é ", "ß.", "über ", "€ ", "ok ", "Кетамин ", "50€ "]),
              st.sampled_from(["keep", "latin-1", "cp1252"])),
    max_size=12,
)


@settings(max_examples=300, deadline=2000)
@given(_PIECES, st.data())
def test_offset_map_property(pieces: list[tuple[str, str]], data: st.DataObject) -> None:
    raw = "".join(p if how == "keep" else broken(p, how) for p, how in pieces)
    r = repair(raw)
    if all(how != "cp1252" for _, how in pieces):  # latin-1 loses nothing: the text comes back
        assert r.text == "".join(p for p, _ in pieces)
    n = len(r.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    rs, re_ = r.to_raw(start, end)
    assert 0 <= rs <= re_ <= len(raw)
    # monotone: a later span never maps before an earlier one
    assert r.to_raw(start, start)[0] <= r.to_raw(end, end)[0]
    # the whole text maps to the whole raw text
    assert r.to_raw(0, n) == (0, len(raw))
    # an ASCII word of the repaired text is the very same word in the raw text
    piece = r.text[start:end]
    if piece and piece.isascii() and piece.isalnum():
        assert raw[rs:re_] == piece
