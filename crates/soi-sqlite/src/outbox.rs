//! The outbox's reads and state changes: claim due deliveries under a lease, record attempts in
//! the delivery log, list, retry. Every state change is one transaction, so a crash between two
//! of them leaves each delivery either pending or settled, never lost.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, Row};

use crate::time::{parse_ts, ts};
use soi_store::{
    parse_stored, Alert, AlertQuery, Attempt, Delivery, DeliveryLogEntry, DeliveryStatus,
    OutboxCounts, StoreError,
};

use crate::Error;

const DELIVERY_COLUMNS: &str = "d.route, d.status, d.attempts, d.next_attempt_at, d.last_error,
                                d.delivered_at, a.key, a.body";

fn delivery(r: &Row) -> rusqlite::Result<(Delivery0, String, String)> {
    Ok((
        Delivery0 {
            route: r.get(0)?,
            status: DeliveryStatus::parse(&r.get::<_, String>(1)?),
            attempts: r.get::<_, i64>(2)?.max(0) as u32,
            next_attempt_at: r.get::<_, Option<String>>(3)?.as_deref().and_then(parse_ts),
            last_error: r.get(4)?,
            delivered_at: r.get::<_, Option<String>>(5)?.as_deref().and_then(parse_ts),
        },
        r.get(6)?,
        r.get(7)?,
    ))
}

/// A delivery row before its alert body is parsed.
struct Delivery0 {
    route: String,
    status: DeliveryStatus,
    attempts: u32,
    next_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    delivered_at: Option<DateTime<Utc>>,
}

fn parse_alert(key: &str, body: &str) -> Result<Alert, Error> {
    Ok(parse_stored("alerts", key, body)?)
}

fn finish(rows: Vec<(Delivery0, String, String)>) -> Result<Vec<Delivery>, Error> {
    rows.into_iter()
        .map(|(d, key, body)| {
            Ok(Delivery {
                alert: parse_alert(&key, &body)?,
                route: d.route,
                status: d.status,
                attempts: d.attempts,
                next_attempt_at: d.next_attempt_at,
                last_error: d.last_error,
                delivered_at: d.delivered_at,
            })
        })
        .collect()
}

/// Pending deliveries due at `now` and not leased by another dispatcher, oldest alert first;
/// each is leased until `now + lease`.
pub fn claim_due(
    conn: &mut Connection,
    now: DateTime<Utc>,
    limit: usize,
    lease: Duration,
) -> Result<Vec<Delivery>, Error> {
    let until = now
        .checked_add_signed(lease)
        .ok_or_else(|| StoreError::TimeRange(format!("{now} plus a lease of {lease}")))?;
    let tx = conn.transaction()?;
    let rows = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM alert_deliveries d JOIN alerts a ON a.key = d.alert_key
             WHERE d.status = 'pending'
               AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?1)
               AND (d.lease_until IS NULL OR d.lease_until <= ?1)
             ORDER BY a.raised_at, a.key, d.route
             LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![ts(now), limit as i64], delivery)?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    for (d, key, _) in &rows {
        tx.execute(
            "UPDATE alert_deliveries SET lease_until = ?3 WHERE alert_key = ?1 AND route = ?2",
            params![key, d.route, ts(until)],
        )?;
    }
    tx.commit()?;
    finish(rows)
}

/// Records what became of one delivery and releases its lease.
pub fn record(
    conn: &mut Connection,
    key: &str,
    route: &str,
    attempt: &Attempt,
    started: DateTime<Utc>,
    finished: DateTime<Utc>,
) -> Result<(), Error> {
    let tx = conn.transaction()?;
    let attempts: i64 = tx.query_row(
        "SELECT attempts FROM alert_deliveries WHERE alert_key = ?1 AND route = ?2",
        params![key, route],
        |r| r.get(0),
    )?;
    let (status, next, error, delivered, outcome, detail, counted) = match attempt {
        Attempt::Delivered { detail } => (
            "delivered",
            None,
            None,
            Some(ts(finished)),
            "delivered",
            detail.clone(),
            true,
        ),
        Attempt::Retry { error, next_at } => (
            "pending",
            Some(ts(*next_at)),
            Some(error.clone()),
            None,
            "retry",
            error.clone(),
            true,
        ),
        Attempt::Failed { error } => (
            "failed",
            None,
            Some(error.clone()),
            None,
            "failed",
            error.clone(),
            true,
        ),
        Attempt::Deferred { next_at } => (
            "pending",
            Some(ts(*next_at)),
            None,
            None,
            "deferred",
            String::new(),
            false,
        ),
    };
    let attempts = attempts + i64::from(counted);
    tx.execute(
        "UPDATE alert_deliveries
         SET status = ?3, attempts = ?4, next_attempt_at = ?5, lease_until = NULL,
             last_error = COALESCE(?6, last_error), delivered_at = COALESCE(?7, delivered_at)
         WHERE alert_key = ?1 AND route = ?2",
        params![key, route, status, attempts, next, error, delivered],
    )?;
    if counted {
        tx.execute(
            "INSERT INTO alert_delivery_log (alert_key, route, attempt, started_at, finished_at,
                                             outcome, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                key,
                route,
                attempts,
                ts(started),
                ts(finished),
                outcome,
                detail
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Attempts made on `route` that started after `since` (for the rate limit).
pub fn attempts_since(
    conn: &mut Connection,
    route: &str,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), Error> {
    let (n, first): (i64, Option<String>) = conn.query_row(
        "SELECT COUNT(*), MIN(started_at) FROM alert_delivery_log
         WHERE route = ?1 AND started_at > ?2",
        params![route, ts(since)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((n.max(0) as u64, first.as_deref().and_then(parse_ts)))
}

pub fn list(conn: &mut Connection, q: &AlertQuery) -> Result<Vec<Delivery>, Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM alert_deliveries d JOIN alerts a ON a.key = d.alert_key
         WHERE (?1 IS NULL OR d.status = ?1) AND (?2 IS NULL OR a.rule = ?2)
           AND (?3 IS NULL OR a.subject = ?3)
         ORDER BY a.raised_at, a.key, d.route
         LIMIT ?4"
    ))?;
    let limit = if q.limit == 0 { -1 } else { q.limit as i64 };
    let rows = stmt.query_map(
        params![q.status.map(|s| s.as_str()), q.rule, q.seller_id, limit],
        delivery,
    )?;
    finish(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Puts failed deliveries (all, or one alert's) back to pending, due now. Returns how many.
pub fn retry(conn: &mut Connection, key: Option<&str>) -> Result<usize, Error> {
    Ok(conn.execute(
        "UPDATE alert_deliveries SET status = 'pending', next_attempt_at = NULL, lease_until = NULL
         WHERE status = 'failed' AND (?1 IS NULL OR alert_key = ?1)",
        params![key],
    )?)
}

pub fn log(conn: &mut Connection, key: Option<&str>) -> Result<Vec<DeliveryLogEntry>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT alert_key, route, attempt, started_at, finished_at, outcome, detail
         FROM alert_delivery_log WHERE (?1 IS NULL OR alert_key = ?1) ORDER BY id",
    )?;
    let rows = stmt.query_map(params![key], |r| {
        let t = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
            Ok(parse_ts(&r.get::<_, String>(i)?).unwrap_or_default())
        };
        Ok(DeliveryLogEntry {
            alert_key: r.get(0)?,
            route: r.get(1)?,
            attempt: r.get::<_, i64>(2)?.max(0) as u32,
            started_at: t(3)?,
            finished_at: t(4)?,
            outcome: r.get(5)?,
            detail: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn counts(conn: &mut Connection) -> Result<OutboxCounts, Error> {
    let q = |sql: &str| -> Result<u64, Error> {
        Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    };
    Ok(OutboxCounts {
        alerts: q("SELECT COUNT(*) FROM alerts")?,
        suppressed: q("SELECT COUNT(*) FROM alerts WHERE state = 'suppressed'")?,
        pending: q("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'pending'")?,
        delivered: q("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'delivered'")?,
        failed: q("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'failed'")?,
    })
}

/// Pending deliveries per route.
pub fn pending_by_route(conn: &mut Connection) -> Result<Vec<(String, u64)>, Error> {
    let mut st = conn.prepare(
        "SELECT route, COUNT(*) FROM alert_deliveries WHERE status = 'pending'
         GROUP BY route ORDER BY route",
    )?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (route, n) = row?;
        out.push((route, n.max(0) as u64));
    }
    Ok(out)
}

/// When the earliest pending delivery is due and not leased (`None` when nothing is pending).
pub fn next_due(conn: &mut Connection) -> Result<Option<DateTime<Utc>>, Error> {
    let (n, first): (i64, Option<String>) = conn.query_row(
        "SELECT COUNT(*), MIN(MAX(COALESCE(next_attempt_at, ''), COALESCE(lease_until, '')))
         FROM alert_deliveries WHERE status = 'pending'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(
        first
            .as_deref()
            .and_then(parse_ts)
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
    ))
}
