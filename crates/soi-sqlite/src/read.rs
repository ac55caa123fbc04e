//! Analysts' queries on the embedded store.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use soi_model::{Listing, Seller, Verdict};
use soi_store::drift::{ScoreDay, ScoreTally};
use soi_store::{
    parse_stored, summarize_reasons, ListingDetail, ReasonSummary, SellerQuery, SellerSummary,
    StoreCounts, StoreError,
};

use crate::Error;

fn time(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
}

pub fn flagged_sellers(
    conn: &mut Connection,
    q: &SellerQuery,
) -> Result<Vec<SellerSummary>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.marketplace, v.seller_id, s.name, s.country, COALESCE(s.cross_border, 0),
                SUM(v.risk >= ?1), COUNT(*), MAX(v.risk),
                AVG(CASE WHEN v.risk >= ?1 THEN v.risk END),
                MIN(l.observed_at), MAX(l.observed_at)
         FROM verdicts v
         JOIN listings l ON l.marketplace = v.marketplace AND l.id = v.listing_id
         LEFT JOIN sellers s ON s.marketplace = v.marketplace AND s.id = v.seller_id
         WHERE v.seller_id IS NOT NULL
           AND (?2 IS NULL OR v.marketplace = ?2)
           AND (?3 IS NULL OR upper(s.country) = upper(?3))
           AND (?4 IS NULL OR l.observed_at >= ?4)
           AND (?5 IS NULL OR l.observed_at < ?5)
         GROUP BY v.marketplace, v.seller_id
         HAVING SUM(v.risk >= ?1) > 0
         ORDER BY MAX(v.risk) DESC, SUM(v.risk >= ?1) DESC, v.seller_id
         LIMIT ?6",
    )?;
    let rows = stmt.query_map(
        params![
            q.min_risk,
            q.marketplace,
            q.country,
            q.since.map(|t| t.to_rfc3339()),
            q.until.map(|t| t.to_rfc3339()),
            q.limit as i64
        ],
        |r| {
            Ok(SellerSummary {
                marketplace: r.get(0)?,
                seller_id: r.get(1)?,
                name: r.get(2)?,
                country: r.get(3)?,
                cross_border: r.get(4)?,
                flagged_listings: r.get::<_, i64>(5)? as usize,
                total_listings: r.get::<_, i64>(6)? as usize,
                max_risk: r.get(7)?,
                mean_risk: r.get::<_, Option<f64>>(8)?.unwrap_or(0.0),
                first_seen: time(r.get(9)?),
                last_seen: time(r.get(10)?),
                reasons: Vec::new(),
            })
        },
    )?;
    let mut out = rows.collect::<Result<Vec<_>, _>>()?;
    for s in &mut out {
        s.reasons = seller_reasons(conn, s, q.min_risk)?;
    }
    Ok(out)
}

/// Reason codes over a seller's flagged listings, most frequent first, each with the evidence of
/// its riskiest listing.
fn seller_reasons(
    conn: &Connection,
    s: &SellerSummary,
    min_risk: f64,
) -> Result<Vec<ReasonSummary>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT listing_id, body FROM verdicts
         WHERE marketplace = ?1 AND seller_id = ?2 AND risk >= ?3
         ORDER BY risk DESC, listing_id",
    )?;
    let rows = stmt.query_map(params![s.marketplace, s.seller_id, min_risk], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let verdicts = rows
        .map(|row| {
            let (id, body) = row?;
            let v: Verdict = parse_stored("verdicts", &id, &body)?;
            Ok((id, v))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(summarize_reasons(verdicts))
}

pub fn listing(
    conn: &mut Connection,
    marketplace: Option<&str>,
    id: &str,
) -> Result<Option<ListingDetail>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT marketplace, body FROM listings WHERE id = ?1 AND (?2 IS NULL OR marketplace = ?2)
         ORDER BY marketplace",
    )?;
    let found = stmt
        .query_map(params![id, marketplace], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let (m, body) = match found.len() {
        0 => return Ok(None),
        1 => found.into_iter().next().unwrap_or_default(),
        _ => {
            let ms: Vec<_> = found.into_iter().map(|(m, _)| m).collect();
            return Err(StoreError::Ambiguous(id.to_string(), ms.join(", ")).into());
        }
    };
    let key = format!("{m}/{id}");
    let listing: Listing = parse_stored("listings", &key, &body)?;
    let verdict = conn
        .query_row(
            "SELECT body FROM verdicts WHERE marketplace = ?1 AND listing_id = ?2",
            params![m, id],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|b| parse_stored::<Verdict>("verdicts", &key, &b))
        .transpose()?;
    let seller = match listing.seller_id() {
        Some(sid) => conn
            .query_row(
                "SELECT body FROM sellers WHERE marketplace = ?1 AND id = ?2",
                params![m, sid],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|b| parse_stored::<Seller>("sellers", &format!("{m}/{sid}"), &b))
            .transpose()?,
        None => None,
    };
    Ok(Some(ListingDetail {
        listing,
        verdict,
        seller,
    }))
}

pub fn counts(conn: &mut Connection) -> Result<StoreCounts, Error> {
    let n = |t: &str| -> Result<u64, Error> {
        Ok(
            conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| {
                r.get::<_, i64>(0)
            })? as u64,
        )
    };
    Ok(StoreCounts {
        listings: n("listings")?,
        sellers: n("sellers")?,
        verdicts: n("verdicts")?,
    })
}

pub fn seller_listings(
    conn: &mut Connection,
    marketplace: Option<&str>,
    seller: &str,
) -> Result<Vec<(String, String)>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT marketplace, id FROM listings WHERE seller_id = ?1
           AND (?2 IS NULL OR marketplace = ?2) ORDER BY marketplace, id",
    )?;
    let rows = stmt.query_map(params![seller, marketplace], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The score distribution per marketplace, head and day from `since` on (one row per listing:
/// the table holds each listing's latest verdict). Streamed: memory grows with the days, not
/// with the verdicts.
pub fn score_days(conn: &mut Connection, since: NaiveDate) -> Result<Vec<ScoreDay>, Error> {
    let from = since.and_time(NaiveTime::MIN).and_utc();
    let mut stmt = conn.prepare_cached(
        "SELECT marketplace, listing_id, scored_at, risk, body FROM verdicts WHERE scored_at >= ?1",
    )?;
    let mut rows = stmt.query(params![from.to_rfc3339()])?;
    let mut tally = ScoreTally::default();
    while let Some(r) = rows.next()? {
        let (marketplace, id): (String, String) = (r.get(0)?, r.get(1)?);
        let Some(at) = time(r.get(2)?).filter(|t| *t >= from) else {
            continue;
        };
        let body: String = r.get(4)?;
        tally.add_stored(
            &marketplace,
            &format!("{marketplace}/{id}"),
            at,
            r.get(3)?,
            &body,
        )?;
    }
    Ok(tally.finish())
}
