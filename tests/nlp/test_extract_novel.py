"""Novel-substance candidates: NPS-shaped names the lexicon does not know."""

import pytest

from nlp import extract


@pytest.mark.parametrize(
    ("title", "surface", "pattern"),
    [
        ("Fluetonitazene 1g", "Fluetonitazene", "nitazene"),
        ("N-butyl-protonitazepyne powder", "protonitazepyne", None),
        ("Oxyfentanyl citrate 10mg", "Oxyfentanyl", "fentanyl"),
        ("MDMB-7F-PINACA 1kg", "MDMB-7F-PINACA", "synthetic_cannabinoid"),
        ("Chlorbromazolam pellets", "Chlorbromazolam", "benzodiazepine"),
        ("3-XMC crystals", "3-XMC", "cathinone_3xmc"),
        ("α-PXP 5g", "α-PXP", "cathinone_apxp"),
        ("2C-Q 10 tabs", "2C-Q", "phenethylamine_2c"),
        ("25Z-NBOMe blotters", "25Z-NBOMe", "nbome"),
    ],
)
def test_reports_novel_candidates(title: str, surface: str, pattern: str | None) -> None:
    record = {"title": title}
    result = extract(record)
    texts = [c["text"] for c in result["novel_candidates"]]
    if pattern is None:  # a known substance inside: no novel candidate needed
        return
    assert surface in texts, result["novel_candidates"]
    cand = next(c for c in result["novel_candidates"] if c["text"] == surface)
    assert cand["pattern"] == pattern
    assert record[cand["field"]][cand["start"] : cand["end"]] == surface
    assert "novel_candidate" in result["flags"]


@pytest.mark.parametrize(
    "title", ["Isotonitazene 1g", "Fentanyl 10mg", "ADB-BUTINACA 10g", "Bromazolam 1mg", "3-MMC"]
)
def test_known_substances_are_not_novel(title: str) -> None:
    result = extract({"title": title})
    assert result["novel_candidates"] == []
    assert "novel_candidate" not in result["flags"]
