//! Idempotent writes: a row is inserted when new, rewritten only when its content hash changed.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use soi_model::{Listing, Scored, Seller, Verdict};

use crate::raise;
use soi_store::{
    content_hash, first_sighting, merge_seller, parse_stored, stored_listing, stored_verdict,
    AlertRules,
};

use crate::Error;

/// Writes listings, sellers and verdicts; when `rules` are given, every verdict that changed is
/// checked against them and the alerts it raises are queued in the same transaction.
pub fn put_scored(
    conn: &mut Connection,
    batch: &[Scored],
    rules: Option<&AlertRules>,
) -> Result<usize, Error> {
    let tx = conn.transaction()?;
    let mut changed = 0;
    let mut alerts = 0;
    let mut queued = Vec::new();
    for s in batch {
        if let Some(seller) = &s.listing.seller {
            changed += put_seller(&tx, seller)?;
        }
        changed += put_listing(&tx, &s.listing)?;
        if let Some((v, hash)) = put_verdict(&tx, &s.listing, &s.verdict)? {
            changed += 1;
            if let Some(rules) = rules {
                alerts += raise::raise(&tx, rules, &s.listing, &v, &hash, &mut queued)?;
            }
        }
    }
    tx.commit()?;
    if alerts > 0 {
        tracing::info!(alerts, "alerts written to the outbox");
    }
    // Counted once committed: a rolled-back batch raised nothing.
    for route in queued {
        metrics::counter!(soi_telemetry::names::ALERTS_RAISED, "route" => route).increment(1);
    }
    Ok(changed)
}

pub fn put_sellers(conn: &mut Connection, batch: &[Seller]) -> Result<usize, Error> {
    let tx = conn.transaction()?;
    let mut changed = 0;
    for s in batch {
        changed += put_seller(&tx, s)?;
    }
    tx.commit()?;
    Ok(changed)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn existing_hash(
    tx: &Transaction,
    table: &str,
    id_col: &str,
    marketplace: &str,
    id: &str,
) -> Result<Option<String>, Error> {
    let sql = format!("SELECT content_hash FROM {table} WHERE marketplace = ?1 AND {id_col} = ?2");
    Ok(tx
        .query_row(&sql, params![marketplace, id], |r| r.get(0))
        .optional()?)
}

fn put_listing(tx: &Transaction, l: &Listing) -> Result<usize, Error> {
    let (stored, hash) = stored_listing(l);
    if existing_hash(tx, "listings", "id", &l.marketplace, &l.id)?.as_deref() == Some(&hash) {
        return Ok(0);
    }
    tx.execute(
        "INSERT INTO listings (marketplace, id, seller_id, title, observed_at, evidence_sha256,
                               body, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (marketplace, id) DO UPDATE SET
            seller_id = excluded.seller_id, title = excluded.title,
            observed_at = excluded.observed_at, evidence_sha256 = excluded.evidence_sha256,
            body = excluded.body, content_hash = excluded.content_hash",
        params![
            l.marketplace,
            l.id,
            l.seller_id(),
            l.title,
            l.observed_at.map(|t| t.to_rfc3339()),
            l.evidence_sha256,
            json(&stored),
            hash
        ],
    )?;
    Ok(1)
}

/// Returns the stored verdict and its content hash when it changed, `None` when it did not.
fn put_verdict(
    tx: &Transaction,
    l: &Listing,
    v: &Verdict,
) -> Result<Option<(Verdict, String)>, Error> {
    let (v, hash) = stored_verdict(l, v);
    let old = existing_hash(tx, "verdicts", "listing_id", &v.marketplace, &v.listing_id)?;
    if old.as_deref() == Some(&hash) {
        return Ok(None);
    }
    if old.is_some() {
        // The verdict being replaced goes to the history first (`soi_store::history`).
        tx.execute(
            "INSERT INTO verdict_history
                 (marketplace, listing_id, seller_id, model, scored_at, risk, body)
             SELECT marketplace, listing_id, seller_id, model, scored_at, risk, body
             FROM verdicts WHERE marketplace = ?1 AND listing_id = ?2",
            params![v.marketplace, v.listing_id],
        )?;
    }
    tx.execute(
        "INSERT INTO verdicts (marketplace, listing_id, seller_id, risk, model, scored_at, body,
                               content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (marketplace, listing_id) DO UPDATE SET
            seller_id = excluded.seller_id, risk = excluded.risk, model = excluded.model,
            scored_at = excluded.scored_at, body = excluded.body,
            content_hash = excluded.content_hash",
        params![
            v.marketplace,
            v.listing_id,
            v.seller_id,
            v.risk,
            v.model,
            v.scored_at.to_rfc3339(),
            json(&v),
            hash
        ],
    )?;
    Ok(Some((v, hash)))
}

fn put_seller(tx: &Transaction, new: &Seller) -> Result<usize, Error> {
    let old: Option<String> = tx
        .query_row(
            "SELECT body FROM sellers WHERE marketplace = ?1 AND id = ?2",
            params![new.marketplace, new.id],
            |r| r.get(0),
        )
        .optional()?;
    let merged = match &old {
        Some(body) => {
            let old: Seller = parse_stored("sellers", &new.key(), body)?;
            let merged = merge_seller(&old, new);
            if merged == old {
                return Ok(0);
            }
            merged
        }
        None => first_sighting(new),
    };
    tx.execute(
        "INSERT INTO sellers (marketplace, id, name, country, cross_border, body, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (marketplace, id) DO UPDATE SET
            name = excluded.name, country = excluded.country,
            cross_border = excluded.cross_border, body = excluded.body,
            content_hash = excluded.content_hash",
        params![
            merged.marketplace,
            merged.id,
            merged.name,
            merged.country,
            merged.cross_border,
            json(&merged),
            content_hash(&merged, &[])
        ],
    )?;
    Ok(1)
}
