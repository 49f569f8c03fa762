"""A listing as a spaCy `Doc`: its fields, its results, and the contract read from it.

The Doc's text is the listing's `title`, then `FIELD_SEPARATOR`, then its `description` (each
cut to `MAX_EXTRACTED_CHARS`). `doc._.fields` holds where each field lies in the text, and
`doc._.record` the short structured fields the text does not carry (`price`, `ships_from`,
`ships_to`, the observation date). A plain `nlp("some text")` is a listing whose title is the
whole text.

The components store what they find on the Doc: span groups (`doc.spans["substances"]`,
`["mentions"]`, `["quantities"]`, `["doses"]`, `["prices"]`, `["novel_candidates"]`,
`["shipping_methods"]`) and, in the contract's shape, `Doc._` extensions named like the
contract's keys. `to_contract(doc)` (also `doc._.extraction`) reads them back as the result of
`nlp.extract`. Everything kept on a Doc is plain data, so Docs travel between processes
(`nlp.pipe(..., n_process=2)`); the components' working state lives in `doc.user_data` under
`WORK_KEY` only while the pipeline runs and is dropped by its last component.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.limits import MAX_EXTRACTED_CHARS, MAX_SHORT_FIELD_CHARS

TEXT_FIELDS = ("title", "description")
SHORT_FIELDS = ("price", "ships_from", "ships_to")
FIELD_SEPARATOR = "\n\n"
WORK_KEY = "vigil.work"
LISTING_KEY = "vigil.listing"  # in an `nlp.pipe(..., as_tuples=True)` context
TEXT_KEY = "vigil.text"  # the Doc's text as given (`doc.text` joins every token: costly)

#: The extraction contract's keys, in the order `nlp.extract` returns them.
CONTRACT_KEYS = (
    "substances", "mentions", "quantities", "doses", "purity", "prices", "price_per_gram_eur",
    "price_per_unit_eur", "crypto_addresses", "contacts", "pgp_fingerprints", "markets",
    "languages", "ships_from", "ships_to", "shipping_methods", "flags", "novel_candidates",
)
_LIST_KEYS = frozenset(CONTRACT_KEYS) - {"purity", "price_per_gram_eur", "price_per_unit_eur"}


def _register() -> None:
    for key in CONTRACT_KEYS:
        if not Doc.has_extension(key):
            Doc.set_extension(key, default=None)
    for key in ("fields", "record"):
        if not Doc.has_extension(key):
            Doc.set_extension(key, default=None)
    if not Doc.has_extension("extraction"):
        Doc.set_extension("extraction", getter=to_contract)


def field_text(record: Mapping[str, Any], name: str, limit: int) -> str:
    """A field of a record as text, cut to `limit` code points (missing: empty)."""
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value[:limit]


def listing_input(record: Mapping[str, Any], *,
                  on: date | None = None) -> tuple[str, dict[str, Any]]:
    """The text of a listing's Doc and what the Doc needs besides (`apply_listing`): the
    pair `nlp.pipe(..., as_tuples=True)` takes, so that worker processes make the Docs (plain
    text and a small dict cross the process boundary, not serialised Docs)."""
    title = field_text(record, "title", MAX_EXTRACTED_CHARS)
    description = field_text(record, "description", MAX_EXTRACTED_CHARS)
    text = f"{title}{FIELD_SEPARATOR}{description}" if description else title
    start = len(title) + len(FIELD_SEPARATOR)
    fields = {"title": [0, len(title)],
              "description": [start, start + len(description)] if description else
              [len(text), len(text)]}
    short = {name: field_text(record, name, MAX_SHORT_FIELD_CHARS) for name in SHORT_FIELDS}
    short["on"] = on.isoformat() if on is not None else None
    return text, {LISTING_KEY: {"fields": fields, "record": short, "text": text}}


def apply_listing(doc: Doc, context: Any) -> bool:
    """Give `doc` the fields a `listing_input` context describes; False if it has none."""
    if not isinstance(context, dict) or LISTING_KEY not in context:
        return False
    listing = context[LISTING_KEY]
    doc.user_data[TEXT_KEY] = listing["text"]
    put(doc, fields=listing["fields"], record=listing["record"])
    return True


def listing_doc(nlp: Language, record: Mapping[str, Any], *, on: date | None = None) -> Doc:
    """The Doc the pipeline runs on for one listing record (not yet processed)."""
    text, context = listing_input(record, on=on)
    doc = nlp.make_doc(text)
    apply_listing(doc, context)
    return doc


def fields_of(doc: Doc) -> dict[str, tuple[int, int]]:
    """Where each text field lies in the Doc (a plain text Doc: all of it is the title)."""
    fields = get(doc, "fields")
    if not fields:
        n = len(doc.user_data.get(TEXT_KEY) or doc.text)
        fields = {"title": [0, n], "description": [n, n]}
        put(doc, fields=fields)
    return {name: (span[0], span[1]) for name, span in fields.items()}


def record_of(doc: Doc) -> dict[str, Any]:
    """The structured fields the listing came with (none for a plain text Doc)."""
    record = get(doc, "record")
    if record is None:
        record = {name: "" for name in SHORT_FIELDS} | {"on": None}
        put(doc, record=record)
    return record


def add_spans(doc: Doc, group: str, items: list[dict[str, Any]], label_key: str,
              fields: Mapping[str, tuple[int, int]]) -> None:
    """Set span group `group` from contract items with field-relative offsets."""
    spans = []
    for item in items:
        if "start" not in item or item.get("field") not in fields:
            continue
        base = fields[item["field"]][0]
        span = doc.char_span(base + item["start"], base + item["end"], label=str(item[label_key]),
                             alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[group] = spans


def _slot(name: str) -> tuple[str, str, None, None]:
    """Where spaCy keeps the value of `doc._.<name>` in `doc.user_data` (its storage since v2:
    reading and writing it directly skips building an `Underscore` object per access, which
    was a tenth of the pipeline's time)."""
    return ("._.", name, None, None)


_SLOTS = {key: _slot(key) for key in (*CONTRACT_KEYS, "fields", "record")}


def put(doc: Doc, **values: Any) -> None:
    """Set `doc._.<name>` for each value (the extensions registered here)."""
    data = doc.user_data
    for name, value in values.items():
        data[_SLOTS[name]] = value


def get(doc: Doc, name: str) -> Any:
    """`doc._.<name>` (None when unset)."""
    return doc.user_data.get(_SLOTS[name])


def to_contract(doc: Doc) -> dict[str, Any]:
    """The extraction contract (see DESIGN.md) read from a processed Doc."""
    out: dict[str, Any] = {}
    data = doc.user_data
    for key in CONTRACT_KEYS:
        value = data.get(_SLOTS[key])
        out[key] = ([] if value is None else value) if key in _LIST_KEYS else value
    return out


_register()
