"""Index templates and mappings: one definition for Elasticsearch and OpenSearch, for minimal
and full clusters alike.

The minimal nodes have no analysis-common (no asciifolding, no language analyzers), so text is
folded in Python (`index.elastic.documents.fold`) into a `*_folded` copy analysed by the
built-in `whitespace` analyzer: the same words the SQLite index's FTS5 tokenizer makes, so
both backends match the same listings. Exact values are keywords; names that investigators
type in any case also get a `.lower` sub-field with a `lowercase` normalizer.

Every kind of record lives in a versioned index (`vigil-listings-v1`) behind an alias
(`vigil-listings`): a mapping change is a new version, copied by scan + bulk and swapped in
atomically (`index.elastic.admin.migrate`).
"""

from __future__ import annotations

from typing import Any

KEYWORD = {"type": "keyword", "ignore_above": 1024}
LOWER = {
    "type": "keyword",
    "ignore_above": 1024,
    "fields": {"lower": {"type": "keyword", "normalizer": "vigil_lower", "ignore_above": 1024}},
}
TEXT = {"type": "text", "analyzer": "standard"}
FOLDED = {"type": "text", "analyzer": "whitespace"}
DATE = {"type": "date"}
STORED_ONLY = {"type": "object", "enabled": False}

_PRICE = {"properties": {"amount": KEYWORD, "currency": KEYWORD, "eur": {"type": "double"}}}
LONG = {"type": "long"}
DOUBLE = {"type": "double"}
_VENDOR_STATS = {
    "properties": {
        "member_since": DATE, "last_active": DATE, "level": LONG, "rating": DOUBLE, "sales": LONG,
        "disputes": LONG, "feedback_count": LONG, "feedback_positive": LONG, "feedback_neutral": LONG,
        "feedback_negative": LONG,
    }
}  # fmt: skip

#: name -> (version, properties). Bump a version whenever its properties change.
MAPPINGS: dict[str, tuple[int, dict[str, Any]]] = {
    "listings": (
        3,  # v2: trade (sales, feedback, stock, shipping, terms); v3: shipping_methods
        {
            "@timestamp": DATE,
            "key": KEYWORD,
            "market": LOWER,
            "listing_id": KEYWORD,
            "url": KEYWORD,
            "title": TEXT,
            "title_folded": FOLDED,
            "description": TEXT,
            "description_folded": FOLDED,
            "category": LOWER,
            "vendor": LOWER,
            "vendor_url": KEYWORD,
            "other_folded": FOLDED,
            "price": _PRICE,
            "price_alt": _PRICE,
            "price_alt_raw": KEYWORD,
            "price_eur": {"type": "double"},
            "price_per_gram_eur": {"type": "double"},
            "ships_from": KEYWORD,
            "ships_to": KEYWORD,
            "ships_from_raw": KEYWORD,
            "ships_to_raw": KEYWORD,
            "images": {"type": "keyword", "index": False},
            "sales": LONG,
            "feedback_count": LONG,
            "feedback_score": DOUBLE,
            "stock": LONG,
            "in_stock": {"type": "boolean"},
            "shipping_options": STORED_ONLY,
            "terms": TEXT,
            "substances": KEYWORD,
            "classes": KEYWORD,
            "substances_folded": FOLDED,
            "flags": KEYWORD,
            "crypto_addresses": KEYWORD,
            "contacts": KEYWORD,
            # the extraction's shipping methods, searchable: DHL, InPost, dead drops, suppliers
            "shipping_methods": {"properties": {"name": LOWER, "kind": KEYWORD}},
            "extraction": STORED_ONLY,
            "evidence": KEYWORD,
            "content_hash": KEYWORD,
            "first_seen": DATE,
            "last_seen": DATE,
            "status": KEYWORD,
            "removed_at": DATE,
            "last_run_id": {"type": "long"},
        },
    ),
    "observations": (
        2,  # v2: sales, feedback count and stock in the time series
        {
            "@timestamp": DATE,
            "id": KEYWORD,
            "market": LOWER,
            "listing_id": KEYWORD,
            "run_id": {"type": "long"},
            "price": _PRICE,
            "price_eur": {"type": "double"},
            "price_per_gram_eur": {"type": "double"},
            "available": {"type": "boolean"},
            "evidence": KEYWORD,
            "change": KEYWORD,
            "substances": KEYWORD,
            "classes": KEYWORD,
            "vendor": LOWER,
            "sales": LONG,
            "feedback_count": LONG,
            "stock": LONG,
        },
    ),
    "sightings": (
        1,
        {
            "@timestamp": DATE,
            "run_id": {"type": "long"},
            "market": LOWER,
            "listing_id": KEYWORD,
            "key": KEYWORD,
            "vendor": LOWER,
            "substances": KEYWORD,
            "classes": KEYWORD,
            "ships_from": KEYWORD,
            "price_eur": {"type": "double"},
            "price_per_gram_eur": {"type": "double"},
        },
    ),
    "vendors": (
        2,  # v2: statistics and terms
        {
            "@timestamp": DATE,
            "market": LOWER,
            "alias": LOWER,
            "url": KEYWORD,
            "description": TEXT,
            "pgp_fingerprints": KEYWORD,
            "pgp_key": {"type": "keyword", "index": False, "doc_values": False},
            "contacts": STORED_ONLY,
            "contact_values": KEYWORD,
            "crypto_addresses": STORED_ONLY,
            "crypto_values": KEYWORD,
            "mentions": KEYWORD,
            "evidence": KEYWORD,
            "first_seen": DATE,
            "last_seen": DATE,
            "stats": _VENDOR_STATS,
            "terms": TEXT,
        },
    ),
    "feedback": (
        1,
        {
            "@timestamp": DATE,
            "market": LOWER,
            "key": KEYWORD,
            "listing_id": KEYWORD,
            "vendor": LOWER,
            "date": DATE,
            "date_precision": KEYWORD,
            "rating": DOUBLE,
            "rating_text": KEYWORD,
            "text": TEXT,
            "item": KEYWORD,
            "buyer": KEYWORD,
            "first_seen": DATE,
            "run_id": LONG,
            "evidence": KEYWORD,
        },
    ),
    "runs": (
        1,
        {
            "@timestamp": DATE,
            "id": {"type": "long"},
            "market": LOWER,
            "started_at": DATE,
            "finished_at": DATE,
            "status": KEYWORD,
            "stats": STORED_ONLY,
        },
    ),
    "evidence": (
        1,
        {
            "@timestamp": DATE,
            "sha256": KEYWORD,
            "url": KEYWORD,
            "fetched_at": DATE,
            "status": {"type": "integer"},
            "size": {"type": "long"},
            "content_type": KEYWORD,
        },
    ),
    "links": (
        1,
        {"sha256": KEYWORD, "record": KEYWORD, "market": LOWER, "key": KEYWORD, "role": KEYWORD},
    ),
    "locks": (
        1,
        {
            "market": KEYWORD,
            "host": KEYWORD,
            "pid": {"type": "long"},
            "token": KEYWORD,
            "run_id": {"type": "long"},
            "acquired_at": DATE,
            "heartbeat_at": DATE,
        },
    ),
    "counters": (1, {"value": {"type": "long"}}),
}

INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "analysis": {"normalizer": {"vigil_lower": {"type": "custom", "filter": ["lowercase"]}}},
}


def alias(prefix: str, name: str) -> str:
    return f"{prefix}-{name}"


def versioned(prefix: str, name: str, version: int) -> str:
    return f"{prefix}-{name}-v{version}"


def template(prefix: str, name: str, replicas: int) -> dict[str, Any]:
    """The index template for every version of one kind of record."""
    version, properties = MAPPINGS[name]
    return {
        "index_patterns": [f"{prefix}-{name}-v*"],
        "priority": 200,
        "version": version,
        "template": {
            "settings": {**INDEX_SETTINGS, "number_of_replicas": replicas},
            "mappings": {"dynamic": "strict", "properties": properties},
        },
        "_meta": {"vigil_mapping_version": version, "managed_by": "vigil"},
    }
