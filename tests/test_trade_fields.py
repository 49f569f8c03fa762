"""The config language for what listing pages show beyond title and price: constants, any of
several selectors, value maps, repeated blocks (feedback, shipping options), listing sub-pages,
and the reading of counts, ratings, stock and dates."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from parsel import Selector
from test_market_config import MINIMAL, problems, write, write_config

from crawler.config import FieldSpec, load_market_file, parse_market
from crawler.fields import read_field, read_fields
from crawler.records import merge_fields
from nlp.money import parse_price
from pipelines.normalize import normalize_fields, unparsed_fields
from pipelines.trade import Reading, feedback_keys
from pipelines.values import parse_count, parse_rating, parse_stock, parse_when

LISTING = Selector(
    """<html><body>
    <div class="card-a"><h2>Layout A</h2></div>
    <div class="stock">Only 3 in stock!</div>
    <span class="sold">Sold 1,204 times</span>
    <select name="ship"><option value="0">Please choose</option>
      <option value="1">Letter [+ USD 5.00]</option><option value="2">Express [+ USD 30.00]</option></select>
    <table class="fb">
      <tr><th>Rating</th><th>Text</th><th>Date</th></tr>
      <tr><td><i class="fa fa-thumbs-o-up"></i></td><td>Great stealth</td><td>3 days ago</td></tr>
      <tr><td><i class="fa fa-thumbs-o-down"></i></td><td>Never arrived</td><td>2017-05-10 23:00 UTC</td></tr>
    </table>
    </body></html>"""
)
FEEDBACK = {
    "container": "table.fb tr",
    "fields": {
        "rating": {
            "css": "td i::attr(class)", "map": {"thumbs-o-up": "positive", "thumbs-o-down": "negative"}
        },
        "text": "td:nth-child(2)::text",
        "date": "td:nth-child(3)::text",
    },
}
SHIPPING = {
    "container": "select[name=ship] option:not([value='0'])",
    "fields": {
        "name": {"css": "::text", "regex": r"^(.*?)\s*\["},
        "price": {"css": "::text", "regex": r"\+\s*([^\]]+)"},
    },
}


def config(**fields: object):
    data = {**MINIMAL, "listings": {**MINIMAL["listings"], "fields": fields}}
    return parse_market(data, "<test>")


def test_const_any_and_map_read_values():
    spec = config(
        currency={"const": "BTC"},
        title={"any": ["div.card-b h3::text", {"xpath": "//div[@class='card-a']/h2/text()"}]},
        stock={"css": "div.stock::text", "map": {"(?i)only \\d+": "few left"}},
    ).listings.fields
    assert read_fields(spec, LISTING, "http://x/item/1") == {
        "currency": "BTC", "title": "Layout A", "stock": "few left",
    }  # fmt: skip


def test_any_falls_back_to_default_when_no_alternative_matches():
    spec = FieldSpec.model_validate({"any": [{"css": "nothing::text"}], "default": "n/a"})
    assert read_field(spec, LISTING, "") == "n/a"


def test_repeated_blocks_become_records_skipping_rows_without_fields():
    fields = read_fields(config(feedback=FEEDBACK, shipping_options=SHIPPING).listings.fields, LISTING, "")
    assert fields["feedback"] == [
        {"rating": "positive", "text": "Great stealth", "date": "3 days ago"},
        {"rating": "negative", "text": "Never arrived", "date": "2017-05-10 23:00 UTC"},
    ]
    assert fields["shipping_options"] == [
        {"name": "Letter", "price": "USD 5.00"}, {"name": "Express", "price": "USD 30.00"},
    ]  # fmt: skip


def test_sub_page_fields_complete_a_listing_and_records_add_up():
    merged = merge_fields({"title": "A", "feedback": [{"text": "x"}]}, {"title": "B", "terms": "T",
                                                                       "feedback": [{"text": "y"}]})
    assert merged == {"title": "A", "terms": "T", "feedback": [{"text": "x"}, {"text": "y"}]}


def test_listing_extra_pages_load_with_their_roles(tmp_path):
    data = {**MINIMAL, "listings": {**MINIMAL["listings"], "extra_pages": [
        {"path": "feedback/", "fields": {"feedback": FEEDBACK}},
        {"path": "?tab=terms", "fields": {"terms": "div.terms"}},
        {"path": "more/", "role": "details", "fields": {"sales": "span.sold::text"}},
    ]}}  # fmt: skip
    pages = load_market_file(write(tmp_path, data)).listings.extra_pages
    assert [p.page_role for p in pages] == ["feedback", "terms", "details"]


@pytest.mark.parametrize(
    ("fields", "where", "expected"),
    [
        ({"feedback": "td::text"}, "listings.fields", "feedback is a repeated block: give {container"),
        ({"title": {"container": "div", "fields": {"text": "p"}}}, "listings.fields", "title is one value"),
        ({"feedback": {"container": "tr", "fields": {"stars": "td"}}}, "listings.fields",
         "feedback: unknown field(s) stars; expected any of: date, rating, text, item, buyer"),
        ({"feedback": {"container": "tr", "fields": {"date": "td["}}},
         "listings.fields.feedback.fields.date.css", "not a valid CSS selector"),
        ({"title": {"any": ["h1::text"], "regex": "x"}}, "listings.fields.title",
         "with `any`, put regex on each alternative"),
        ({"title": {"const": "x", "css": "h1"}}, "listings.fields.title",
         "exactly one of css, xpath, url_regex"),
        ({"title": {"css": "h1", "map": {"(": "x"}}}, "listings.fields.title.map",
         "not a valid regular expression"),
        ({"sold": "span::text"}, "listings.fields", "unknown field(s) sold"),
    ],
)
def test_invalid_trade_fields_name_field_and_expectation(tmp_path, fields, where, expected):
    data = {**MINIMAL, "listings": {**MINIMAL["listings"], "fields": fields}}
    found = problems(write_config(data)(tmp_path))
    assert any(loc.startswith(where) and expected in message for loc, message in found), found


def test_extra_pages_need_listing_pages(tmp_path):
    data = {**MINIMAL, "listings": {**MINIMAL["listings"], "fetch_pages": "never",
                                    "cards": {"container": "div"}, "extra_pages": [{"path": "feedback/"}]}}
    found = problems(write(tmp_path, data))
    assert any("fetch_pages=never visits none" in message for _, message in found), found


@pytest.mark.parametrize(
    ("text", "count"),
    [("1,234 sold", 1234), ("60+", 60), ("Orders: 6000+", 6000), ("1.2k", 1200), ("none", None),
     ("4.5", None)],
)
def test_counts(text, count):
    assert parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "rating"),
    [("5/5", 1.0), ("4.5 stars", 0.9), ("92% positive", 0.92), ("+", 1.0), ("-", 0.0), ("Positive", 1.0),
     ("negative", 0.0), ("neutral", 0.5), ("★★★★☆", 0.8), ("4.90", 0.98), ("9/10", 0.9), ("so-so", None)],
)
def test_ratings_on_a_zero_to_one_scale(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize(
    ("text", "stock"),
    [("872 in stock", (872, True)), ("In stock", (None, True)), ("Only 2 in stock!", (2, True)),
     ("Out of stock", (0, False)), ("0 in stock", (0, False)), ("Sold out", (0, False)), ("?", (None, None))],
)
def test_stock(text, stock):
    assert parse_stock(text) == stock


FETCHED = datetime(2017, 6, 24, 1, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "order", "expected", "precision"),
    [
        ("2017-05-10 23:00 UTC", None, datetime(2017, 5, 10, 23, 0, tzinfo=UTC), "time"),
        ("Last seen - 2017-06-23 UTC", None, datetime(2017, 6, 23, tzinfo=UTC), "day"),
        ("3 days ago", None, datetime(2017, 6, 21, 1, 17, tzinfo=UTC), "relative"),
        ("yesterday", None, datetime(2017, 6, 23, 1, 17, tzinfo=UTC), "relative"),
        ("vor 2 Tagen", None, datetime(2017, 6, 22, 1, 17, tzinfo=UTC), "relative"),
        ("May 10, 2017", None, datetime(2017, 5, 10, tzinfo=UTC), "day"),
        ("10.05.2017", "DMY", datetime(2017, 5, 10, tzinfo=UTC), "day"),
        ("05/10/2017", "MDY", datetime(2017, 5, 10, tzinfo=UTC), "day"),
        ("not a date", None, None, None),
    ],
)
def test_dates_absolute_and_relative_to_the_fetch_time(text, order, expected, precision):
    assert parse_when(text, FETCHED, date_order=order, languages=("en", "de")) == (expected, precision)


@pytest.mark.parametrize("text", ["฿ 0.0117", "Ƀ0.0117", "0.0117 ₿"])
def test_bitcoin_symbols_are_prices(text):
    assert parse_price(text) == (Decimal("0.0117"), "BTC")


def test_ether_and_monero_symbols_but_not_meth():
    assert parse_price("Ξ 1.5") == (Decimal("1.5"), "ETH")
    assert parse_price("ɱ 2.25") == (Decimal("2.25"), "XMR")
    assert parse_price("Crystal meth 5g") is None


def test_normalize_reads_trade_fields_against_the_fetch_time():
    fields = read_fields(config(feedback=FEEDBACK, shipping_options=SHIPPING).listings.fields, LISTING, "")
    out = normalize_fields(
        {**fields, "price": "0.01", "price_alt": "1.5", "currency": "USD", "price_alt_currency": "BTC",
         "sales": "Sold 1,204 times", "stock": "Only 3 in stock!", "feedback_score": "4.8/5"},
        Reading(FETCHED),
    )
    assert (out["price_alt_amount"], out["price_alt_currency"]) == (Decimal("1.5"), "BTC")
    assert (out["sales"], out["stock"], out["in_stock"], out["feedback_score"]) == (1204, 3, True, 0.96)
    assert [(o["name"], o["price_amount"], o["price_currency"]) for o in out["shipping_options"]] == [
        ("Letter", Decimal("5.00"), "USD"), ("Express", Decimal("30.00"), "USD"),
    ]  # fmt: skip
    first, second = out["feedback"]
    assert (first["date"], first["date_precision"], first["rating"]) == (
        "2017-06-21T01:17:00+00:00", "relative", 1.0)
    assert (second["date"], second["date_precision"], second["rating"], second["text"]) == (
        "2017-05-10T23:00:00+00:00", "time", 0.0, "Never arrived")
    assert unparsed_fields(out) == []


def test_unreadable_trade_values_are_reported_with_their_text():
    out = normalize_fields({"sales": "lots", "stock": "ask me", "member_since": "the dawn of time"})
    assert set(unparsed_fields(out)) == {"sales", "stock", "member_since"}
    assert out["sales_text"] == "lots"


def test_feedback_keys_are_stable_across_crawls_and_count_identical_twins():
    day_one = normalize_fields({"feedback": [{"text": "ok", "rating": "+", "date": "2 days ago"}]},
                               Reading(datetime(2026, 1, 7, 9, tzinfo=UTC)))["feedback"]
    day_two = normalize_fields({"feedback": [{"text": "ok", "rating": "+", "date": "3 days ago"}]},
                               Reading(datetime(2026, 1, 8, 18, tzinfo=UTC)))["feedback"]
    assert feedback_keys("m", "1", "v", day_one) == feedback_keys("m", "1", "v", day_two)
    twins = feedback_keys("m", "1", "v", day_one + day_one)
    assert len(set(twins)) == 2 and twins[0] == feedback_keys("m", "1", "v", day_one)[0]
    assert feedback_keys("m", "2", "v", day_one) != feedback_keys("m", "1", "v", day_one)
