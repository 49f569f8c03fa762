"""Quantities, doses and purity; prices and the price per gram or per unit."""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from nlp import amounts, listing_prices
from nlp.components.listing import work
from nlp.doc import TEXT_FIELDS, add_spans, put
from nlp.money import RateTable


class Amounts:
    """`doc._.quantities`, `doc._.doses`, `doc._.purity`, and their spans."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        state.measures = amounts.listing_measures(state.folded, state.hits, state.texts)
        state.quantities = amounts.amounts_out(state.measures, "quantities")
        put(doc, quantities=state.quantities, doses=amounts.amounts_out(state.measures, "doses"),
            purity=amounts.listing_purity(state.folded, state.hits))
        for kind in ("quantities", "doses"):
            items = [{"field": f, "start": a.start, "end": a.end, "label": f"{a.value:g} {a.unit}"}
                     for f in TEXT_FIELDS for a in getattr(state.measures[f], kind)]
            add_spans(doc, kind, items, "label", state.fields)
        return doc


class Prices:
    """`doc._.prices` in EUR at the observation date, and the price per gram or per unit.

    `rates` is the crypto rate table (the caller's settings load it; see `nlp.load`)."""

    def __init__(self) -> None:
        self.rates: RateTable | None = None

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        on = state.record.get("on")
        prices = listing_prices.listing_prices(
            state.record.get("price") or "", state.texts,
            date.fromisoformat(on) if on else None, self.rates)
        per_gram, per_unit = listing_prices.unit_prices(prices, state.quantities)
        put(doc, prices=prices, price_per_gram_eur=per_gram, price_per_unit_eur=per_unit)
        add_spans(doc, "prices", prices, "currency", state.fields)
        return doc


@Language.factory("vigil_amounts_v1", requires=["doc.spans"],
                  assigns=["doc._.quantities", "doc._.doses", "doc._.purity", "doc.spans"])
def make_amounts(nlp: Language, name: str) -> Amounts:
    return Amounts()


@Language.factory("vigil_prices_v1", requires=["doc._.quantities"],
                  assigns=["doc._.prices", "doc._.price_per_gram_eur", "doc._.price_per_unit_eur",
                           "doc.spans"])
def make_prices(nlp: Language, name: str) -> Prices:
    return Prices()
