//! Schema migrations for the embedded store. Each migration runs once, in order, inside a
//! transaction, and is recorded in `schema_migrations`; re-running is a no-op.

use rusqlite::Connection;

use crate::Error;

const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE listings (
        marketplace TEXT NOT NULL,
        id TEXT NOT NULL,
        seller_id TEXT,
        title TEXT NOT NULL,
        observed_at TEXT,
        evidence_sha256 TEXT,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (marketplace, id)
    );
    CREATE TABLE sellers (
        marketplace TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT,
        country TEXT,
        cross_border INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (marketplace, id)
    );
    CREATE TABLE verdicts (
        marketplace TEXT NOT NULL,
        listing_id TEXT NOT NULL,
        seller_id TEXT,
        risk REAL NOT NULL,
        model TEXT NOT NULL,
        scored_at TEXT NOT NULL,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (marketplace, listing_id)
    );
    CREATE INDEX verdicts_by_seller ON verdicts (marketplace, seller_id, risk);
    CREATE INDEX verdicts_by_risk ON verdicts (risk);",
    ),
    // The alert outbox: alerts are written in the transaction of the verdict that raised them,
    // one delivery row per route, and every attempt is logged.
    (
        2,
        "CREATE TABLE alerts (
        key TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        tlp TEXT NOT NULL,
        marketplace TEXT NOT NULL,
        listing_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        risk REAL NOT NULL,
        raised_at TEXT NOT NULL,
        state TEXT NOT NULL,
        suppressed_by TEXT,
        body TEXT NOT NULL
    );
    CREATE INDEX alerts_by_subject ON alerts (rule, marketplace, subject, raised_at);
    CREATE TABLE alert_deliveries (
        alert_key TEXT NOT NULL REFERENCES alerts (key),
        route TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        lease_until TEXT,
        last_error TEXT,
        delivered_at TEXT,
        PRIMARY KEY (alert_key, route)
    );
    CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
    CREATE TABLE alert_delivery_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_key TEXT NOT NULL,
        route TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE INDEX alert_delivery_log_by_route ON alert_delivery_log (route, started_at);",
    ),
    (
        3,
        // The analysts' console. `body` is the row's JSON, so every field round-trips exactly
        // (the audit chain's hashes must verify after a read); the other columns are its keys.
        "CREATE TABLE console_users (name TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE console_labels (
        rowid INTEGER PRIMARY KEY,
        target TEXT NOT NULL, marketplace TEXT NOT NULL, id TEXT NOT NULL,
        at TEXT NOT NULL, body TEXT NOT NULL);
    CREATE INDEX console_labels_by_target ON console_labels (target, marketplace, id, at);
    CREATE TABLE console_cases (
        id TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
        body TEXT NOT NULL, PRIMARY KEY (id, version));
    CREATE TABLE console_audit (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
    -- The log is append-only from the store's side: rows are neither changed nor removed.
    CREATE TRIGGER console_audit_no_update BEFORE UPDATE ON console_audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER console_audit_no_delete BEFORE DELETE ON console_audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    ),
    (
        4,
        // The console's pages at 1 million listings (`soi bench serve`): a seller's listings
        // were a scan of every listing, a listing by id alone another; the queue walks the
        // verdicts riskiest first, and the covering index answers that walk without touching the
        // table, and a seller's first and last sighting come from `listings_by_seller` alone
        // (`read::flagged_sellers` says why it walks).
        "CREATE INDEX IF NOT EXISTS listings_by_seller
        ON listings (seller_id, marketplace, observed_at, id);
    CREATE INDEX IF NOT EXISTS listings_by_id ON listings (id);
    CREATE INDEX IF NOT EXISTS verdicts_by_risk_seller
        ON verdicts (risk, marketplace, seller_id, listing_id);
    DROP INDEX IF EXISTS verdicts_by_risk;",
    ),
    (
        5,
        // Seller links (`links::LinkStore`): each identifier with its first holder, the
        // near-text signatures of the listings holding a band (with the quote of the text each
        // came from), and the links found, with the
        // quoted evidence of both sides. Every insert is `INSERT OR IGNORE` on the natural key,
        // so the first row stays and a batch delivered twice adds nothing; the two side indexes
        // answer a network walk's ring from either side.
        "CREATE TABLE link_keys (
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        marketplace TEXT NOT NULL,
        seller_id TEXT NOT NULL,
        listing_id TEXT NOT NULL,
        field TEXT NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        quote TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (kind, value)
    );
    CREATE TABLE link_signatures (
        marketplace TEXT NOT NULL,
        listing_id TEXT NOT NULL,
        -- The MinHash values, two bytes each, little-endian.
        signature BLOB NOT NULL,
        -- The quote of the text the signature was computed from.
        field TEXT NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        quote TEXT NOT NULL,
        PRIMARY KEY (marketplace, listing_id)
    );
    -- `rowid` declared, as in `console_labels`, so that the insertion order that breaks ties
    -- between links found at the same time survives a VACUUM.
    CREATE TABLE seller_links (
        rowid INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        a_marketplace TEXT NOT NULL,
        a_seller TEXT NOT NULL,
        a_listing TEXT NOT NULL,
        a_field TEXT NOT NULL,
        a_start INTEGER NOT NULL,
        a_end INTEGER NOT NULL,
        a_quote TEXT NOT NULL,
        b_marketplace TEXT NOT NULL,
        b_seller TEXT NOT NULL,
        b_listing TEXT NOT NULL,
        b_field TEXT NOT NULL,
        b_start INTEGER NOT NULL,
        b_end INTEGER NOT NULL,
        b_quote TEXT NOT NULL,
        found_at TEXT NOT NULL,
        UNIQUE (kind, value, a_marketplace, a_seller, b_marketplace, b_seller)
    );
    CREATE INDEX seller_links_by_a ON seller_links (a_marketplace, a_seller);
    CREATE INDEX seller_links_by_b ON seller_links (b_marketplace, b_seller);",
    ),
    (
        6,
        // Hotline complaints (`complaints::ComplaintStore`): each complaint whole as its JSON
        // `body`, keyed by the hotline's id, replaced when its `content_hash` changes; and the
        // sellers each one names, stored once per complaint, seller, kind and value. A seller's
        // page asks for its complaints, hence the index by seller.
        "CREATE TABLE complaints (
        id TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    CREATE TABLE complaint_links (
        complaint_id TEXT NOT NULL,
        marketplace TEXT NOT NULL,
        seller_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        field TEXT NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        quote TEXT NOT NULL,
        UNIQUE (complaint_id, marketplace, seller_id, kind, value)
    );
    CREATE INDEX complaint_links_by_seller ON complaint_links (marketplace, seller_id);",
    ),
    (
        7,
        "CREATE TABLE crawl_health (
        marketplace TEXT NOT NULL,
        at TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (marketplace, at)
    );
    CREATE INDEX crawl_health_by_at ON crawl_health (at);",
    ),
    (
        8,
        // Verdict history (`soi_store::history`): the verdict a write replaces is copied here,
        // in the same transaction, with its model; `seq` is the write order.
        "CREATE TABLE verdict_history (
        seq INTEGER PRIMARY KEY,
        marketplace TEXT NOT NULL,
        listing_id TEXT NOT NULL,
        seller_id TEXT,
        model TEXT NOT NULL,
        scored_at TEXT NOT NULL,
        risk REAL NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX verdict_history_by_listing ON verdict_history (marketplace, listing_id, seq);
    CREATE INDEX verdict_history_by_seller ON verdict_history (marketplace, seller_id, seq);",
    ),
];

/// Brings the schema up to date.
pub fn migrate(conn: &mut Connection) -> Result<(), Error> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    for (version, sql) in MIGRATIONS {
        let tx = conn.transaction()?;
        let done: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [version],
            |r| r.get(0),
        )?;
        if !done {
            tracing::info!(version, "applying store migration");
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, datetime('now'))",
                [version],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}
