"""Prices: every notation listings use, and conversion to EUR."""

from datetime import date
from decimal import Decimal

import pytest
from helpers import ROOT

from nlp.money import load_rates, parse_price, to_eur


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$1,202.70", "1202.70", "USD"),
        ("12,50 €", "12.50", "EUR"),
        ("1.234,50 EUR", "1234.50", "EUR"),
        ("0.2961 BTC", "0.2961", "BTC"),
        ("USD 99", "99", "USD"),
        ("zł 40", "40", "PLN"),
        ("40 zł", "40", "PLN"),
        ("Kč 500", "500", "CZK"),
        ("£20", "20", "GBP"),
        ("1.5 XMR", "1.5", "XMR"),
        ("€1.500", "1500", "EUR"),
        ("price: 30€ per gram", "30", "EUR"),
    ],
)
def test_parse_price_notations(text: str, amount: str, currency: str) -> None:
    assert parse_price(text) == (Decimal(amount), currency)


@pytest.mark.parametrize("text", ["", "free shipping", "method 12", "europe 12", "Undeclared"])
def test_parse_price_without_a_price(text: str) -> None:
    assert parse_price(text) is None


def test_fiat_converts_with_ecb_rates_and_beyond_their_last_date() -> None:
    in_2020 = to_eur(Decimal(100), "USD", date(2020, 6, 1))
    assert in_2020 is not None and Decimal(80) < in_2020 < Decimal(100)
    # a date after the shipped ECB history still converts, at the last known rate
    assert to_eur(Decimal(100), "USD", date(2099, 1, 1)) is not None
    assert to_eur(Decimal(7), "EUR", date(2020, 1, 1)) == Decimal("7.00")


def test_crypto_uses_latest_table_date_on_or_before(tmp_path) -> None:
    (tmp_path / "rates.yaml").write_text(
        "crypto_eur:\n  2020-01-01: {BTC: 100}\n  2020-07-01: {BTC: 200}\n", encoding="utf-8"
    )
    rates = load_rates(tmp_path / "rates.yaml")
    assert to_eur(Decimal(1), "BTC", date(2020, 6, 30), rates) == Decimal("100.00")
    assert to_eur(Decimal(1), "BTC", date(2020, 7, 1), rates) == Decimal("200.00")
    assert to_eur(Decimal(1), "BTC", date(2019, 12, 31), rates) is None


def test_crypto_without_a_rate_table_has_no_eur_value() -> None:
    assert to_eur(Decimal(1), "BTC", date(2020, 7, 1)) is None


def test_an_amount_too_large_for_a_price_converts_to_nothing() -> None:
    assert to_eur(Decimal("1" * 27), "USD", date(2020, 7, 1)) is None
    assert to_eur(Decimal("9" * 40), "EUR", date(2020, 7, 1)) is None


def test_shipped_rate_table_is_valid_and_covers_the_real_data_years() -> None:
    table = load_rates(ROOT / "config" / "rates.yaml")
    assert table.dates == tuple(sorted(table.dates))
    for day in (date(2014, 3, 1), date(2017, 7, 15), date(2020, 2, 1)):
        assert table.rate("BTC", day) is not None


def test_rate_table_rejects_unknown_currency(tmp_path) -> None:
    path = tmp_path / "rates.yaml"
    path.write_text("crypto_eur:\n  2020-01-01: {DOGE: 1}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="DOGE"):
        load_rates(path)
