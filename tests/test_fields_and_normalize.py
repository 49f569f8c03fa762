"""Reading fields from hostile HTML, and normalizing what was read."""

from __future__ import annotations

from decimal import Decimal

from parsel import Selector

from crawler.config import FieldSpec
from crawler.fields import read_field
from pipelines.normalize import clean_text, normalize_fields

PAGE = Selector(
    """<html><body>
    <div class="d">Line one<br>Line&nbsp;two <b>bold</b><script>alert('x')</script>
      <p>Para</p></div>
    <span class="p">Price: USD 1,202.70</span>
    <ul><li>a</li><li>b</li></ul>
    </body></html>"""
)


def test_elements_become_readable_text_without_scripts():
    value = read_field(FieldSpec(css="div.d"), PAGE, "http://x/")
    assert value == "Line one\nLine two bold\n\nPara"


def test_an_element_is_its_own_text_not_the_text_after_it():
    page = Selector("<div><h3>Terms</h3>First<br>Second<p>Third</p>after</div>")
    spec = FieldSpec(xpath="//h3/following-sibling::node()", join="|")
    assert read_field(spec, page, "") == "First|Second|Third|after"


def test_regex_keeps_the_value_group_then_group_one():
    named = FieldSpec(css="span.p::text", regex=r"Price:\s*(?P<value>.+)")
    assert read_field(named, PAGE, "http://x/") == "USD 1,202.70"
    assert read_field(FieldSpec(url_regex=r"/item/(\d+)"), PAGE, "http://x/item/42") == "42"


def test_many_join_and_default():
    assert read_field(FieldSpec(css="li::text", many=True), PAGE, "") == ["a", "b"]
    assert read_field(FieldSpec(css="li::text", join="|"), PAGE, "") == "a|b"
    assert read_field(FieldSpec(css="nothing", default="n/a"), PAGE, "") == "n/a"


def test_clean_text_folds_entities_width_controls_and_spaces():
    assert clean_text("  Ｋｅｔａｍｉｎｅ&amp;co\x07  5g \n\n\n\n next ") == "Ketamine&co 5g\n\nnext"


def test_normalize_parses_prices_and_countries():
    out = normalize_fields({"price": "USD 1,202.70", "ships_from": "Netherlands",
                            "ships_to": "Europe, United States"})
    assert (out["price_amount"], out["price_currency"]) == (Decimal("1202.70"), "USD")
    assert out["ships_from_codes"] == ["NL"]
    assert set(out["ships_to_codes"]) == {"EU", "US"}
    euro = normalize_fields({"price": "12,50 €"})
    assert (euro["price_amount"], euro["price_currency"]) == (Decimal("12.50"), "EUR")
