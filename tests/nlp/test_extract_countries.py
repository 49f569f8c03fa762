"""Ships from / to: country names in many languages to ISO codes."""

import pytest

from nlp.countries import countries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("United States", ["US"]),
        ("USA", ["US"]),
        ("Germany", ["DE"]),
        ("Deutschland", ["DE"]),
        ("Niederlande", ["NL"]),
        ("Pays-Bas", ["NL"]),
        ("Nizozemsko", ["NL"]),
        ("Paesi Bassi", ["NL"]),
        ("Holandia", ["NL"]),
        ("Royaume-Uni", ["GB"]),
        ("UK", ["GB"]),
        ("España", ["ES"]),
        ("Österreich", ["AT"]),
        ("Polska", ["PL"]),
        ("Česká republika", ["CZ"]),
        ("Worldwide", ["WORLDWIDE"]),
        ("Weltweit", ["WORLDWIDE"]),
        ("Europe", ["EU"]),
        ("EU", ["EU"]),
        ("Netherlands, Germany", ["NL", "DE"]),
        ("DE / NL", ["DE", "NL"]),
        ("Россия", ["RU"]),
    ],
)
def test_country_names(text: str, expected: list[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize("text", ["Undeclared", "unknown", "N/A", "", "ships to can and per"])
def test_no_country(text: str) -> None:
    assert countries(text) == []
