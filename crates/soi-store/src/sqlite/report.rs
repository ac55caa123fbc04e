//! The rows of cross-border reports. The time filter runs in Rust on parsed times, so rows
//! written with any RFC 3339 spelling compare correctly.

use rusqlite::{params, Connection};
use soi_model::{Listing, Seller, Verdict};

use crate::report::{ReportQuery, ReportRow};
use crate::StoreError;

pub fn cross_border_rows(
    conn: &mut Connection,
    q: &ReportQuery,
) -> Result<Vec<ReportRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.marketplace, l.id, l.body, v.body, s.body
         FROM verdicts v
         JOIN listings l ON l.marketplace = v.marketplace AND l.id = v.listing_id
         JOIN sellers s ON s.marketplace = v.marketplace AND s.id = v.seller_id
         WHERE s.cross_border = 1 AND v.risk >= ?1
           AND (?2 IS NULL OR upper(s.country) = upper(?2))
           AND (?3 IS NULL OR v.marketplace = ?3)
         ORDER BY l.marketplace, v.seller_id, l.id",
    )?;
    let rows = stmt.query_map(params![q.min_risk, q.country, q.marketplace], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (m, id, lb, vb, sb) = row?;
        let key = format!("{m}/{id}");
        let corrupt = |table: &'static str, e: serde_json::Error| StoreError::Corrupt {
            table,
            key: key.clone(),
            why: e.to_string(),
        };
        let listing: Listing = serde_json::from_str(&lb).map_err(|e| corrupt("listings", e))?;
        let verdict: Verdict = serde_json::from_str(&vb).map_err(|e| corrupt("verdicts", e))?;
        let seller: Seller = serde_json::from_str(&sb).map_err(|e| corrupt("sellers", e))?;
        let row = ReportRow {
            listing,
            verdict,
            seller,
        };
        let t = row.seen_at();
        if t >= q.from && t < q.to {
            out.push(row);
        }
    }
    Ok(out)
}
