//! Analysts' queries on the embedded store.

use std::collections::HashSet;

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

/// Flagged sellers, riskiest first (highest max risk, then most flagged listings, then id).
///
/// Why it walks instead of grouping: one `GROUP BY` over every verdict reads the whole store
/// (about 2 s at 1 million listings) to return a page of 50. The order's first key is a seller's
/// highest risk, and a seller's first row in a walk of the verdicts riskiest first (the
/// `verdicts_by_risk_seller` index) carries exactly that risk. So the walk collects distinct
/// sellers until it holds `limit` of them and the risk falls below the last one's; only those
/// candidates (ties on the cut included) are aggregated, each through its own index, then sorted
/// by the full order and cut to `limit`. Every filter applies in the walk, so the answer is the
/// one the single query gave.
pub fn flagged_sellers(
    conn: &mut Connection,
    q: &SellerQuery,
) -> Result<Vec<SellerSummary>, Error> {
    if q.limit == 0 {
        return Ok(Vec::new());
    }
    let since = q.since.map(|t| t.to_rfc3339());
    let until = q.until.map(|t| t.to_rfc3339());
    let candidates = {
        let mut walk = conn.prepare_cached(
            "SELECT v.marketplace, v.seller_id, v.risk
             FROM verdicts v INDEXED BY verdicts_by_risk_seller
             JOIN listings l ON l.marketplace = v.marketplace AND l.id = v.listing_id
             LEFT JOIN sellers s ON s.marketplace = v.marketplace AND s.id = v.seller_id
             WHERE v.risk >= ?1 AND v.seller_id IS NOT NULL
               AND (?2 IS NULL OR v.marketplace = ?2)
               AND (?3 IS NULL OR upper(s.country) = upper(?3))
               AND (?4 IS NULL OR l.observed_at >= ?4)
               AND (?5 IS NULL OR l.observed_at < ?5)
             ORDER BY v.risk DESC",
        )?;
        let mut rows = walk.query(params![q.min_risk, q.marketplace, q.country, since, until])?;
        let mut seen = HashSet::new();
        let mut out: Vec<(String, String)> = Vec::new();
        let mut cut: Option<f64> = None;
        let want = q.offset.saturating_add(q.limit);
        while let Some(r) = rows.next()? {
            let risk: f64 = r.get(2)?;
            if cut.is_some_and(|c| risk < c) {
                break;
            }
            let key: (String, String) = (r.get(0)?, r.get(1)?);
            if seen.insert(key.clone()) {
                out.push(key);
                if out.len() == want {
                    cut = Some(risk);
                }
            }
        }
        out
    };
    let mut out = Vec::with_capacity(candidates.len());
    for (m, sid) in candidates {
        out.push(seller_summary(conn, q, m, sid)?);
    }
    out.sort_by(|a, b| {
        b.max_risk
            .total_cmp(&a.max_risk)
            .then(b.flagged_listings.cmp(&a.flagged_listings))
            .then_with(|| a.seller_id.cmp(&b.seller_id))
            .then_with(|| a.marketplace.cmp(&b.marketplace))
    });
    let mut out: Vec<SellerSummary> = out.into_iter().skip(q.offset).take(q.limit).collect();
    for s in &mut out {
        s.reasons = seller_reasons(conn, s, q.min_risk)?;
    }
    Ok(out)
}

/// One candidate's figures. Without a time window every figure comes from an index alone
/// (`verdicts_by_seller` for the counts and risks, `listings_by_seller` for the first and last
/// sighting): a handful of seeks, where joining each verdict to its listing cost ten times as
/// much. Every verdict has its listing (they are written together), so the counts are the
/// join's. With a window, the join decides which listings count.
fn seller_summary(
    conn: &Connection,
    q: &SellerQuery,
    m: String,
    sid: String,
) -> Result<SellerSummary, Error> {
    let windowed = q.since.is_some() || q.until.is_some();
    let mut stmt = if windowed {
        conn.prepare_cached(
            "SELECT SUM(v.risk >= ?1), COUNT(*), MAX(v.risk),
                    AVG(CASE WHEN v.risk >= ?1 THEN v.risk END),
                    MIN(l.observed_at), MAX(l.observed_at)
             FROM verdicts v
             JOIN listings l ON l.marketplace = v.marketplace AND l.id = v.listing_id
             WHERE v.marketplace = ?2 AND v.seller_id = ?3
               AND (?4 IS NULL OR l.observed_at >= ?4)
               AND (?5 IS NULL OR l.observed_at < ?5)",
        )?
    } else {
        conn.prepare_cached(
            "SELECT
               (SELECT COUNT(*) FROM verdicts
                 WHERE marketplace = ?2 AND seller_id = ?3 AND risk >= ?1),
               (SELECT COUNT(*) FROM verdicts WHERE marketplace = ?2 AND seller_id = ?3),
               (SELECT MAX(risk) FROM verdicts WHERE marketplace = ?2 AND seller_id = ?3),
               (SELECT AVG(risk) FROM verdicts
                 WHERE marketplace = ?2 AND seller_id = ?3 AND risk >= ?1),
               (SELECT MIN(observed_at) FROM listings WHERE seller_id = ?3 AND marketplace = ?2),
               (SELECT MAX(observed_at) FROM listings WHERE seller_id = ?3 AND marketplace = ?2),
               ?4, ?5",
        )?
    };
    let since = q.since.map(|t| t.to_rfc3339());
    let until = q.until.map(|t| t.to_rfc3339());
    let mut s = stmt.query_row(params![q.min_risk, m, sid, since, until], |r| {
        Ok(SellerSummary {
            marketplace: m.clone(),
            seller_id: sid.clone(),
            name: None,
            country: None,
            cross_border: false,
            flagged_listings: r.get::<_, i64>(0)? as usize,
            total_listings: r.get::<_, i64>(1)? as usize,
            max_risk: r.get(2)?,
            mean_risk: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
            first_seen: time(r.get(4)?),
            last_seen: time(r.get(5)?),
            reasons: Vec::new(),
        })
    })?;
    let facts = conn
        .prepare_cached(
            "SELECT name, country, cross_border FROM sellers WHERE marketplace = ?1 AND id = ?2",
        )?
        .query_row(params![m, sid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((name, country, cross_border)) = facts {
        (s.name, s.country, s.cross_border) = (name, country, cross_border);
    }
    Ok(s)
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
    // Two statements, not `?2 IS NULL OR marketplace = ?2`: SQLite cannot use the primary key
    // through that `OR`, and scanned every listing for each one a seller page shows.
    let mut stmt = match marketplace {
        Some(_) => conn.prepare_cached(
            "SELECT marketplace, body FROM listings WHERE marketplace = ?2 AND id = ?1",
        )?,
        None => conn.prepare_cached(
            "SELECT marketplace, body FROM listings WHERE id = ?1 AND ?2 IS NULL
             ORDER BY marketplace",
        )?,
    };
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
