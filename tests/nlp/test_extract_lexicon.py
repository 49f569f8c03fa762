"""The lexicon is validated data: coverage, unique keys, CAS check digits, clear errors."""

from pathlib import Path

import pytest

from nlp import lexicon
from nlp.lexicon import Entry, LexiconError, build, cas_valid


def test_lexicon_loads_and_covers_the_families() -> None:
    lex = lexicon.load()
    counts = lex.counts()
    assert len(lex.entries) >= 300
    assert set(counts) <= lexicon.CLASSES
    names = {e.canonical for e in lex.entries}
    fentanyls = [n for n in names if "fentanyl" in n.lower() or "fentanil" in n.lower()]
    nitazenes = [n for n in names if "nitaze" in n.lower()]
    assert len(fentanyls) >= 26
    assert len(nitazenes) >= 15
    assert counts["cathinone"] >= 30
    assert counts["synthetic_cannabinoid"] >= 40
    for required in ["carfentanil", "acetylfentanyl", "furanylfentanyl", "ocfentanil",
                     "isotonitazene", "metonitazene", "protonitazene", "etonitazene",
                     "N-pyrrolidino etonitazene", "N-desethyl isotonitazene", "butonitazene",
                     "brorphine", "U-47700", "mephedrone", "3-MMC", "3-CMC", "4-CMC",
                     "alpha-PVP", "alpha-PHP", "N-ethylpentedrone", "eutylone",
                     "MDMB-4en-PINACA", "ADB-BUTINACA", "5F-MDMB-PICA", "JWH-018", "HHC",
                     "HHC-O", "HHC-P", "THCP", "bromazolam", "flualprazolam", "etizolam",
                     "ketamine", "2-FDCK", "MDMA", "cocaine", "amphetamine", "methamphetamine",
                     "heroin", "cannabis", "hashish", "LSD", "psilocybin", "oxycodone",
                     "alprazolam", "BMK", "PMK", "BMK glycidate", "PMK glycidate", "APAAN",
                     "APAA", "MAPA", "ephedrine", "safrole", "4-AP", "1-boc-4-AP", "NPP",
                     "ANPP", "GHB", "GBL", "DMT", "PCP", "CBD", "2C-B", "25I-NBOMe"]:
        assert required in names, required


def test_precursors_carry_cas_numbers() -> None:
    by_name = lexicon.load().by_canonical()
    for name in ["BMK", "PMK", "APAAN", "ephedrine", "safrole", "4-AP", "NPP", "ANPP"]:
        assert by_name[name].cas, name
        assert all(cas_valid(c) for c in by_name[name].cas)


@pytest.mark.parametrize(("cas", "ok"), [("103-79-7", True), ("103-79-8", False),
                                         ("7732-18-5", True), ("abc", False)])
def test_cas_check_digit(cas: str, ok: bool) -> None:
    assert cas_valid(cas) is ok


def _entry(canonical: str, aliases: tuple[str, ...] = (), context: tuple[str, ...] = ()) -> Entry:
    return Entry(canonical, "stimulant", aliases, context, (), (), "test.yaml")


def test_clashing_aliases_are_reported_together() -> None:
    with pytest.raises(LexiconError) as err:
        build([_entry("a-drug", ("snowball",)), _entry("b-drug", ("Snow-Ball",)),
               _entry("c-drug", ("Q",))])
    message = str(err.value)
    assert "Snow-Ball" in message and "a-drug" in message
    assert "too short" in message


def test_context_alias_makes_a_short_alias_legal() -> None:
    lex = build([_entry("a-drug", (), ("Q",))])
    assert lex.terms["q"].ambiguous


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "family.yaml").write_text("version: 1\nclass: cathinone\nentries:\n" + body,
                                          encoding="utf-8")
    return tmp_path


def test_sources_and_press_names_are_read(tmp_path: Path) -> None:
    lex = lexicon.load(_write(tmp_path, (
        "  - canonical: 9-XMC\n"
        "    aliases: [9xmc]\n"
        "    press_names: [Blue Falcon]\n"
        "    sources: ['EUDA drug profile: synthetic cathinones', 'TripSit drug database']\n")))
    entry = lex.by_canonical()["9-XMC"]
    assert entry.sources == ("EUDA drug profile: synthetic cathinones", "TripSit drug database")
    term = lex.terms["bluefalcon"]
    assert term.press and term.ambiguous
    assert not lex.terms["9xmc"].press


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - {canonical: 9-XMC, sources: [{url: x}]}\n", "'sources' must be a list of strings"),
        ("  - {canonical: 9-XMC, sources: ['  ']}\n", "a source is an empty string"),
        ("  - {canonical: 9-XMC, source: [EUDA]}\n", "unknown keys ['source']"),
        ("  - {canonical: 9-XMC, press_names: [mephedrone]}\n  - {canonical: mephedrone}\n",
         "already means"),
    ],
)
def test_malformed_sources_and_press_names_name_the_entry(tmp_path: Path, body: str,
                                                          message: str) -> None:
    with pytest.raises(LexiconError) as err:
        lexicon.load(_write(tmp_path, body))
    assert message in str(err.value)
    assert "family.yaml" in str(err.value)
