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
