"""Repeated blocks on a page: one record (a dict of strings) per container, such as each
feedback left on a listing or each shipping option with its price."""

from __future__ import annotations

from typing import Any

from parsel import Selector

from crawler.field_specs import RECORD_FIELDS, RecordsSpec
from crawler.fields import read_field, select

#: At most this many records of one block per page: a hostile page cannot make an item unbounded.
MAX_RECORDS_PER_PAGE = 1000


def read_records(spec: RecordsSpec, scope: Selector, url: str) -> list[dict[str, str]]:
    """Each container's fields; a container where no field is found is skipped (a header row,
    a "Please select an option" entry)."""
    records = []
    for container in select(scope, spec.container)[:MAX_RECORDS_PER_PAGE]:
        record: dict[str, str] = {}
        for name, field in spec.fields.items():
            value = read_field(field, container, url)
            if isinstance(value, list):
                value = " ".join(value)
            if value:
                record[name] = value
        if any(name in record for name, field in spec.fields.items() if field.const is None):
            records.append(record)
    return records


def merge_fields(fields: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """Fields of a further page (a sub-page, a tab) added to what earlier pages gave: a value
    already read is kept, records of a repeated block add up."""
    merged = dict(fields)
    for name, value in found.items():
        if name not in merged:
            merged[name] = value
        elif name in RECORD_FIELDS and isinstance(merged[name], list) and isinstance(value, list):
            merged[name] = [*merged[name], *value]
    return merged
