//! The rows of cross-border reports. The time filter runs in Rust on parsed times
//! ([`ReportQuery::covers`]), so rows written with any RFC 3339 spelling compare correctly.

use rusqlite::{params, Connection};
use soi_store::{ReportQuery, ReportRow};

use crate::Error;

pub fn cross_border_rows(conn: &mut Connection, q: &ReportQuery) -> Result<Vec<ReportRow>, Error> {
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
        let row = ReportRow::from_bodies(&format!("{m}/{id}"), &lb, &vb, &sb)?;
        if q.covers(&row) {
            out.push(row);
        }
    }
    Ok(out)
}
