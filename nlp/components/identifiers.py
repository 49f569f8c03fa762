"""Vendor identifiers (crypto addresses, contacts, PGP keys, market names), languages, and
where a listing ships from and to."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp import contacts, crypto, languages, shipping, ships_from
from nlp.components.listing import work
from nlp.countries import countries
from nlp.doc import TEXT_FIELDS, add_spans, get, put


class Identifiers:
    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        joined = "\n".join(state.texts[f] for f in TEXT_FIELDS if state.texts[f])
        put(doc, crypto_addresses=crypto.find_addresses(joined),
            contacts=contacts.find_contacts(joined),
            pgp_fingerprints=contacts.find_pgp_fingerprints(joined),
            markets=contacts.find_market_mentions(state.texts))
        return doc


class Places:
    """`doc._.languages` of the text; `doc._.ships_from` / `ships_to` as ISO codes."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        joined = "\n".join(state.texts[f] for f in TEXT_FIELDS if state.texts[f])
        put(doc, languages=languages.detect(joined),
            # the record's own field wins; else a phrase in the text ("Versand aus Deutschland")
            ships_from=(countries(state.record.get("ships_from") or "")
                        or ships_from.find(state.texts, state.folded)),
            ships_to=countries(state.record.get("ships_to") or ""))
        return doc


class Shipping:
    """`doc._.shipping_methods`: carriers, lockers, stealth, dead drops, express and, on a
    precursor listing, chemical suppliers (`nlp.shipping`). A guide ships nothing: the methods
    it names are its subject."""

    def __call__(self, doc: Doc) -> Doc:
        state = work(doc)
        flags = get(doc, "flags") or []
        methods = [] if "guide" in flags else shipping.find(
            state.texts, offers_drug=bool(get(doc, "substances")),
            offers_chemical="precursor" in flags, folded_texts=state.folded)
        put(doc, shipping_methods=methods)
        add_spans(doc, "shipping_methods", methods, "name", state.fields)
        return doc


@Language.factory("vigil_shipping_v1", requires=["doc._.substances", "doc._.flags"],
                  assigns=["doc._.shipping_methods", "doc.spans"])
def make_shipping(nlp: Language, name: str) -> Shipping:
    return Shipping()


@Language.factory("vigil_identifiers_v1", requires=["doc._.fields"],
                  assigns=["doc._.crypto_addresses", "doc._.contacts", "doc._.pgp_fingerprints",
                           "doc._.markets"])
def make_identifiers(nlp: Language, name: str) -> Identifiers:
    return Identifiers()


@Language.factory("vigil_places_v1", requires=["doc._.fields"],
                  assigns=["doc._.languages", "doc._.ships_from", "doc._.ships_to"])
def make_places(nlp: Language, name: str) -> Places:
    return Places()
