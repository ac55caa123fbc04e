//! Verdict history and the stored-listing walk (`soi_store::history`): the replaced verdicts are
//! in `verdict_history` (copied there by the write that replaced them, `seq` in write order),
//! the current ones in `verdicts`.

use rusqlite::{params, Connection};
use soi_model::Verdict;
use soi_store::{order_history, parse_stored, ListingDetail, ListingScan};

use crate::{read, Error};

/// Every verdict held on `marketplace` whose column `col` ([`HistoryOf::key`]) is `id`: the
/// replaced ones in write order, then the current ones, put in history order.
pub fn verdict_history(
    conn: &mut Connection,
    marketplace: &str,
    col: &str,
    id: &str,
) -> Result<Vec<Verdict>, Error> {
    let mut out = Vec::new();
    for sql in [
        format!(
            "SELECT listing_id, body FROM verdict_history
             WHERE marketplace = ?1 AND {col} = ?2 ORDER BY seq"
        ),
        format!("SELECT listing_id, body FROM verdicts WHERE marketplace = ?1 AND {col} = ?2"),
    ] {
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![marketplace, id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (lid, body) = row?;
            let key = format!("{marketplace}/{lid}");
            out.push(parse_stored::<Verdict>("verdicts", &key, &body)?);
        }
    }
    Ok(order_history(out))
}

/// One page of the walk: keys in primary-key order after `q.after`, then each listing read
/// whole on the same connection.
pub fn stored_listings(
    conn: &mut Connection,
    q: &ListingScan,
) -> Result<Vec<ListingDetail>, Error> {
    if q.limit == 0 {
        return Ok(Vec::new());
    }
    let (am, aid) = q.after.clone().unwrap_or_default();
    let since = q.since.map(|t| t.to_rfc3339());
    let keys: Vec<(String, String)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT marketplace, id FROM listings
             WHERE (marketplace, id) > (?1, ?2)
               AND (?3 IS NULL OR marketplace = ?3)
               AND (?4 IS NULL OR observed_at IS NULL OR observed_at >= ?4)
             ORDER BY marketplace, id LIMIT ?5",
        )?;
        let rows = stmt.query_map(
            params![am, aid, q.marketplace, since, q.limit as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        rows.collect::<Result<_, _>>()?
    };
    let mut out = Vec::with_capacity(keys.len());
    for (m, id) in keys {
        if let Some(d) = read::listing(conn, Some(&m), &id)? {
            out.push(d);
        }
    }
    Ok(out)
}
