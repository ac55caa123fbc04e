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
