"""Named schema migrations for the SQLite index, each applied once, in a transaction."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            market TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            stats TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX crawl_runs_market ON crawl_runs(market, id);

        CREATE TABLE listings (
            rowid INTEGER PRIMARY KEY,
            market TEXT NOT NULL,
            listing_id TEXT NOT NULL,
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            vendor TEXT NOT NULL DEFAULT '',
            vendor_url TEXT NOT NULL DEFAULT '',
            price_amount TEXT,
            price_currency TEXT,
            price_eur REAL,
            ships_from TEXT NOT NULL DEFAULT '[]',
            ships_to TEXT NOT NULL DEFAULT '[]',
            ships_from_raw TEXT NOT NULL DEFAULT '',
            ships_to_raw TEXT NOT NULL DEFAULT '',
            images TEXT NOT NULL DEFAULT '[]',
            extraction TEXT NOT NULL DEFAULT '{}',
            evidence TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            status TEXT NOT NULL,
            removed_at TEXT,
            last_run_id INTEGER NOT NULL,
            UNIQUE (market, listing_id)
        );
        CREATE INDEX listings_vendor ON listings(vendor);
        CREATE INDEX listings_last_seen ON listings(last_seen);
        CREATE INDEX listings_market_status ON listings(market, status, last_run_id);

        -- One row per (listing, substance): what the substance and class filters use.
        CREATE TABLE listing_substances (
            listing_rowid INTEGER NOT NULL REFERENCES listings(rowid) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            class TEXT NOT NULL,
            PRIMARY KEY (listing_rowid, name)
        );
        CREATE INDEX listing_substances_name ON listing_substances(name);
        CREATE INDEX listing_substances_class ON listing_substances(class);

        -- Ships-from/to countries, one row each, for the country filters.
        CREATE TABLE listing_countries (
            listing_rowid INTEGER NOT NULL REFERENCES listings(rowid) ON DELETE CASCADE,
            direction TEXT NOT NULL,
            country TEXT NOT NULL,
            PRIMARY KEY (listing_rowid, direction, country)
        );
        CREATE INDEX listing_countries_country ON listing_countries(direction, country);

        CREATE VIRTUAL TABLE listings_fts USING fts5(
            title, description, substances,
            tokenize = 'unicode61 remove_diacritics 2'
        );

        CREATE TABLE observations (
            id INTEGER PRIMARY KEY,
            market TEXT NOT NULL,
            listing_id TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            price_amount TEXT,
            price_currency TEXT,
            price_eur REAL,
            available INTEGER NOT NULL,
            evidence TEXT NOT NULL DEFAULT '[]',
            change TEXT NOT NULL
        );
        CREATE INDEX observations_listing ON observations(market, listing_id, observed_at);

        CREATE TABLE vendors (
            market TEXT NOT NULL,
            alias TEXT NOT NULL,
            url TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            pgp_fingerprints TEXT NOT NULL DEFAULT '[]',
            pgp_key TEXT NOT NULL DEFAULT '',
            contacts TEXT NOT NULL DEFAULT '[]',
            crypto_addresses TEXT NOT NULL DEFAULT '[]',
            mentions TEXT NOT NULL DEFAULT '[]',
            evidence TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (market, alias)
        );

        CREATE TABLE evidence (
            sha256 TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            status INTEGER NOT NULL,
            size INTEGER NOT NULL,
            content_type TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    (
        "0002_spine",
        """
        -- Which preserved page proves which record, in which role (card, listing, vendor, pgp...).
        CREATE TABLE evidence_links (
            sha256 TEXT NOT NULL,
            record TEXT NOT NULL,
            market TEXT NOT NULL,
            key TEXT NOT NULL,
            role TEXT NOT NULL,
            PRIMARY KEY (sha256, record, market, key, role)
        );
        CREATE INDEX evidence_links_record ON evidence_links(record, market, key);
        INSERT OR IGNORE INTO evidence_links
            SELECT j.value, 'listing', l.market, l.listing_id, 'page'
            FROM listings l, json_each(l.evidence) j;
        INSERT OR IGNORE INTO evidence_links
            SELECT j.value, 'observation', o.market, CAST(o.id AS TEXT), 'page'
            FROM observations o, json_each(o.evidence) j;
        INSERT OR IGNORE INTO evidence_links
            SELECT j.value, 'vendor', v.market, v.alias, 'page'
            FROM vendors v, json_each(v.evidence) j;

        -- The listings each run saw (what removal is decided from), kept with the index so that
        -- several workers of one crawl share it.
        CREATE TABLE run_listings (
            run_id INTEGER NOT NULL,
            market TEXT NOT NULL,
            listing_id TEXT NOT NULL,
            PRIMARY KEY (run_id, market, listing_id)
        );
        INSERT OR IGNORE INTO run_listings SELECT last_run_id, market, listing_id FROM listings;

        -- One crawl of a market at a time.
        CREATE TABLE market_locks (
            market TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            token TEXT NOT NULL,
            run_id INTEGER,
            acquired_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        );

        -- A second price as the market shows it (e.g. in BTC beside USD).
        ALTER TABLE listings ADD COLUMN price_alt_raw TEXT NOT NULL DEFAULT '';
        ALTER TABLE listings ADD COLUMN price_alt_amount TEXT;
        ALTER TABLE listings ADD COLUMN price_alt_currency TEXT;
        ALTER TABLE listings ADD COLUMN price_alt_eur REAL;

        -- Text search also covers the category, the vendor and the second price.
        DROP TABLE listings_fts;
        CREATE VIRTUAL TABLE listings_fts USING fts5(
            title, description, substances, other,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO listings_fts (rowid, title, description, substances, other)
            SELECT l.rowid, l.title, l.description,
                   COALESCE((SELECT group_concat(name, ' ') FROM listing_substances s
                             WHERE s.listing_rowid = l.rowid), ''),
                   l.category || ' ' || l.vendor
            FROM listings l;
        """,
    ),
    (
        "0003_sightings",
        """
        -- When each run saw each listing, and its price per gram then: the time series of
        -- the trend queries (listings and vendors per substance per day, price per gram).
        ALTER TABLE run_listings ADD COLUMN seen_at TEXT;
        ALTER TABLE run_listings ADD COLUMN price_per_gram_eur REAL;
        UPDATE run_listings SET seen_at = (SELECT started_at FROM crawl_runs WHERE id = run_id);
        UPDATE run_listings SET price_per_gram_eur = (
            SELECT json_extract(l.extraction, '$.price_per_gram_eur') FROM listings l
            WHERE l.market = run_listings.market AND l.listing_id = run_listings.listing_id);
        CREATE INDEX run_listings_seen_at ON run_listings(seen_at);
        """,
    ),
    (
        "0004_trade",
        """
        -- What markets show about trade: sales and feedback counts, rating, stock, shipping
        -- options with prices, terms; the counts and stock are part of the time series.
        ALTER TABLE listings ADD COLUMN sales INTEGER;
        ALTER TABLE listings ADD COLUMN feedback_count INTEGER;
        ALTER TABLE listings ADD COLUMN feedback_score REAL;
        ALTER TABLE listings ADD COLUMN stock INTEGER;
        ALTER TABLE listings ADD COLUMN in_stock INTEGER;
        ALTER TABLE listings ADD COLUMN shipping_options TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE listings ADD COLUMN terms TEXT NOT NULL DEFAULT '';
        CREATE INDEX listings_sales ON listings(sales);
        ALTER TABLE observations ADD COLUMN sales INTEGER;
        ALTER TABLE observations ADD COLUMN feedback_count INTEGER;
        ALTER TABLE observations ADD COLUMN stock INTEGER;
        ALTER TABLE vendors ADD COLUMN stats TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE vendors ADD COLUMN terms TEXT NOT NULL DEFAULT '';

        -- Each feedback once, however many crawls saw it (key: pipelines.trade.feedback_keys).
        CREATE TABLE feedback (
            market TEXT NOT NULL,
            key TEXT NOT NULL,
            listing_id TEXT NOT NULL DEFAULT '',
            vendor TEXT NOT NULL DEFAULT '',
            date TEXT,
            date_precision TEXT NOT NULL DEFAULT '',
            rating REAL,
            rating_text TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            item TEXT NOT NULL DEFAULT '',
            buyer TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL,
            run_id INTEGER,
            evidence TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (market, key)
        );
        CREATE INDEX feedback_listing ON feedback(market, listing_id, date);
        CREATE INDEX feedback_vendor ON feedback(market, vendor COLLATE NOCASE, date);
        CREATE INDEX feedback_date ON feedback(date);
        """,
    ),
    (
        "0005_shipping_methods",
        """
        -- One row per (listing, shipping method) of the extraction's `shipping_methods`: what
        -- the carrier and shipping-kind filters use (DHL, InPost, dead drops, suppliers...).
        CREATE TABLE listing_shipping (
            listing_rowid INTEGER NOT NULL REFERENCES listings(rowid) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            kind TEXT NOT NULL,
            PRIMARY KEY (listing_rowid, name, kind)
        );
        CREATE INDEX listing_shipping_name ON listing_shipping(name);
        CREATE INDEX listing_shipping_kind ON listing_shipping(kind);
        INSERT OR IGNORE INTO listing_shipping
            SELECT l.rowid, json_extract(j.value, '$.name'), json_extract(j.value, '$.kind')
            FROM listings l, json_each(l.extraction, '$.shipping_methods') j
            WHERE json_valid(l.extraction) AND json_extract(j.value, '$.name') IS NOT NULL
              AND json_extract(j.value, '$.kind') IS NOT NULL;
        """,
    ),
]


def pending(conn: sqlite3.Connection) -> list[str]:
    """Migrations this database lacks (read-only: creates nothing)."""
    has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'")
    done = {row[0] for row in conn.execute("SELECT name FROM _migrations")} if has_table.fetchone() else set()
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations this database lacks; returns their names."""
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    applied = []
    for name, script in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # another process (a crawl starting beside a reader) may have applied it meanwhile
            if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("COMMIT")
                continue
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO _migrations VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", (name,)
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _statements(script: str) -> list[str]:
    """Split a script on statement ends (`executescript` would commit on its own)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
