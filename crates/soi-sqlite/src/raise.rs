//! Rule evaluation inside the verdict's transaction: the outbox half of "write the verdict and
//! queue its alerts in one step".

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use soi_model::{Listing, Seller, Verdict};

use crate::time::{parse_ts, shift_record, ts};
use soi_store::{parse_stored, Alert, AlertRule, AlertRules, AlertState, RuleKind, StoreError};

use crate::Error;

/// The reason code that marks a link to a blocklisted domain.
pub const BLOCKLISTED_DOMAIN: &str = "blocklisted_domain";

/// Evaluates every rule for one changed verdict and queues what fires. Returns alerts written;
/// adds the route of every delivery queued to `queued`.
pub fn raise(
    tx: &Transaction,
    rules: &AlertRules,
    listing: &Listing,
    verdict: &Verdict,
    verdict_hash: &str,
    queued: &mut Vec<String>,
) -> Result<usize, Error> {
    let seller = load_seller(tx, listing, verdict)?;
    let mut written = 0;
    for rule in &rules.rules {
        let Some(flagged_in_window) = fires(tx, rule, listing, verdict, seller.as_ref())? else {
            continue;
        };
        let alert = Alert {
            key: idempotency_key(&rule.name, verdict, verdict_hash),
            rule: rule.name.clone(),
            kind: kind_name(&rule.when).to_string(),
            severity: rule.severity,
            tlp: rule.tlp,
            raised_at: verdict.scored_at,
            listing: listing.clone(),
            verdict: verdict.clone(),
            seller: seller.clone(),
            flagged_in_window,
            state: AlertState::Active,
            suppressed_by: None,
        };
        written += insert(tx, rule, alert, queued)?;
    }
    Ok(written)
}

/// Stable for the same rule, listing and verdict content, so a replay cannot queue it twice.
fn idempotency_key(rule: &str, v: &Verdict, verdict_hash: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, &v.marketplace, &v.listing_id, verdict_hash] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..16])
}

pub fn kind_name(k: &RuleKind) -> &'static str {
    match k {
        RuleKind::ListingRisk { .. } => "listing_risk",
        RuleKind::SellerFlagged { .. } => "seller_flagged",
        RuleKind::BlocklistedDomain => "blocklisted_domain",
        RuleKind::CrossBorder { .. } => "cross_border",
    }
}

fn load_seller(
    tx: &Transaction,
    listing: &Listing,
    verdict: &Verdict,
) -> Result<Option<Seller>, Error> {
    let Some(sid) = verdict.seller_id.as_deref().or(listing.seller_id()) else {
        return Ok(None);
    };
    let body: Option<String> = tx
        .query_row(
            "SELECT body FROM sellers WHERE marketplace = ?1 AND id = ?2",
            params![verdict.marketplace, sid],
            |r| r.get(0),
        )
        .optional()?;
    match body {
        Some(b) => {
            let key = format!("{}/{sid}", verdict.marketplace);
            Ok(Some(parse_stored("sellers", &key, &b)?))
        }
        None => Ok(listing.seller.clone()),
    }
}

/// `None` when the rule does not fire; `Some(count)` when it does (`count` only for
/// `seller_flagged`).
fn fires(
    tx: &Transaction,
    rule: &AlertRule,
    listing: &Listing,
    v: &Verdict,
    seller: Option<&Seller>,
) -> Result<Option<Option<usize>>, Error> {
    let yes = Some(None);
    Ok(match &rule.when {
        RuleKind::ListingRisk { min_risk } => (v.risk >= *min_risk).then_some(None),
        RuleKind::BlocklistedDomain => v
            .reasons
            .iter()
            .any(|r| r.code == BLOCKLISTED_DOMAIN)
            .then_some(None),
        RuleKind::CrossBorder { min_risk } => {
            let cross = seller.is_some_and(|s| s.cross_border);
            if cross && v.risk >= *min_risk {
                yes
            } else {
                None
            }
        }
        RuleKind::SellerFlagged {
            count,
            window_secs,
            min_risk,
        } => {
            let Some(sid) = v.seller_id.as_deref().or(listing.seller_id()) else {
                return Ok(None);
            };
            if v.risk < *min_risk {
                return Ok(None);
            }
            let end = listing.observed_at.unwrap_or(v.scored_at);
            let what = format!(
                "observed_at (else scored_at) minus rule `{}`'s window_secs",
                rule.name
            );
            let start = shift_record(&listing.key(), &what, end, *window_secs, false)?;
            let n = flagged_in_window(tx, &v.marketplace, sid, *min_risk, start, end)?;
            (n >= *count).then_some(Some(n))
        }
    })
}

/// Flagged listings of a seller whose time (observed, else scored) lies in `(start, end]`.
fn flagged_in_window(
    tx: &Transaction,
    marketplace: &str,
    seller: &str,
    min_risk: f64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<usize, Error> {
    let mut stmt = tx.prepare_cached(
        "SELECT l.observed_at, v.scored_at FROM verdicts v
         JOIN listings l ON l.marketplace = v.marketplace AND l.id = v.listing_id
         WHERE v.marketplace = ?1 AND v.seller_id = ?2 AND v.risk >= ?3",
    )?;
    let rows = stmt.query_map(params![marketplace, seller, min_risk], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut n = 0;
    for row in rows {
        let (observed, scored) = row?;
        let t = observed
            .as_deref()
            .and_then(parse_ts)
            .or_else(|| parse_ts(&scored));
        if t.is_some_and(|t| t > start && t <= end) {
            n += 1;
        }
    }
    Ok(n)
}

fn insert(
    tx: &Transaction,
    rule: &AlertRule,
    mut alert: Alert,
    queued: &mut Vec<String>,
) -> Result<usize, Error> {
    let subject = match alert.seller_id() {
        Some(s) => s.to_string(),
        None => format!("listing:{}", alert.listing.id),
    };
    let (key, secs) = (alert.listing.key(), rule.dedup_secs.max(0));
    let what = format!("scored_at and rule `{}`'s dedup_secs", rule.name);
    let from = shift_record(&key, &what, alert.raised_at, secs, false)?;
    let to = shift_record(&key, &what, alert.raised_at, secs, true)?;
    let earlier: Option<String> = tx
        .query_row(
            "SELECT key FROM alerts
             WHERE rule = ?1 AND marketplace = ?2 AND subject = ?3 AND state = 'active'
               AND key <> ?4 AND raised_at > ?5 AND raised_at < ?6
             ORDER BY raised_at, key LIMIT 1",
            params![
                alert.rule,
                alert.verdict.marketplace,
                subject,
                alert.key,
                ts(from),
                ts(to)
            ],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(k) = earlier {
        alert.state = AlertState::Suppressed;
        alert.suppressed_by = Some(k);
    }
    let body = serde_json::to_string(&alert).map_err(|e| StoreError::Corrupt {
        table: "alerts",
        key: alert.key.clone(),
        why: e.to_string(),
    })?;
    let state = match alert.state {
        AlertState::Active => "active",
        AlertState::Suppressed => "suppressed",
    };
    let n = tx.execute(
        "INSERT OR IGNORE INTO alerts (key, rule, kind, severity, tlp, marketplace, listing_id,
                                       subject, risk, raised_at, state, suppressed_by, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            alert.key,
            alert.rule,
            alert.kind,
            alert.severity.as_str(),
            alert.tlp.as_str(),
            alert.verdict.marketplace,
            alert.listing.id,
            subject,
            alert.verdict.risk,
            ts(alert.raised_at),
            state,
            alert.suppressed_by,
            body
        ],
    )?;
    if n == 0 {
        return Ok(0);
    }
    if alert.state == AlertState::Active {
        for route in &rule.routes {
            let n = tx.execute(
                "INSERT OR IGNORE INTO alert_deliveries (alert_key, route, status, attempts)
                 VALUES (?1, ?2, 'pending', 0)",
                params![alert.key, route],
            )?;
            if n > 0 {
                queued.push(route.clone());
            }
        }
        tracing::info!(key = %alert.key, rule = %alert.rule, subject, "alert queued");
    } else {
        tracing::info!(key = %alert.key, rule = %alert.rule, subject, "alert suppressed (dedup window)");
    }
    Ok(1)
}
