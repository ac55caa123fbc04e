//! The link state ([`LinkStore`]) in the embedded file: plain columns, no JSON body, because
//! every read is a lookup by key (a batch's identifiers, its listings, the sellers of one ring of
//! a network walk) and the rows are small and many.
//!
//! Why it is written this way:
//! - Every insert is `INSERT OR IGNORE` on the row's natural key, so the first holder of a key,
//!   the first signature of a listing and the first sighting of a link stay, and a batch
//!   delivered twice changes nothing. The three tables are written in one transaction, so a
//!   crash leaves a batch wholly stored or not at all.
//! - The lookups take lists that grow with a batch (thousands of keys) or with a ring of the walk,
//!   so they run in chunks of [`CHUNK`] rows joined against a `VALUES` list: one statement per
//!   chunk, each answered from the primary key or the side indexes, never a scan, and within
//!   SQLite's limit on bound parameters. A link found from both of its sides (in one chunk or in
//!   two) is returned once.
//! - Times are the crate's one text form ([`crate::time::ts`], milliseconds); a time that form
//!   cannot carry back (beyond year 9999) is refused on write, as content. Links come back
//!   oldest first, ties in the order they were stored (`rowid`).
//! - Nothing read back is trusted: a value of the wrong type, a negative offset, an unparsable
//!   time or a signature of odd length is a [`StoreError::Corrupt`] naming its table.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{params, params_from_iter, Connection, Row, Transaction};
use soi_store::links::{KeyHolder, LinkBatch, LinkRow, LinkSide, ListingSignature, SellerRef};
use soi_store::{LinkStore, StoreError};

use crate::time::{parse_ts, ts};
use crate::{Error, SqliteStore};

/// Rows per lookup statement: two bound parameters each, under SQLite's oldest limit (999).
pub(crate) const CHUNK: usize = 400;

/// The columns of one [`LinkSide`] in `seller_links`, after the prefix (`a_` or `b_`).
const SIDE: [&str; 7] = [
    "marketplace",
    "seller",
    "listing",
    "field",
    "start",
    "end",
    "quote",
];

pub(crate) fn content(key: String, why: String) -> Error {
    Error::Store(StoreError::Content { key, why })
}

/// A character offset as SQLite stores it.
pub(crate) fn offset(key: &str, what: &str, n: usize) -> Result<i64, Error> {
    i64::try_from(n).map_err(|_| content(key.to_string(), format!("{what} {n} is too large")))
}

/// A time in the crate's text form, refused when that form cannot carry it back.
pub(crate) fn time(key: &str, what: &str, t: &DateTime<Utc>) -> Result<String, Error> {
    let s = ts(*t);
    match parse_ts(&s) {
        Some(back) if back.timestamp_millis() == t.timestamp_millis() => Ok(s),
        _ => Err(content(
            key.to_string(),
            format!("{what} {t} lies outside the times the store can represent"),
        )),
    }
}

/// A signature as a blob: each value little-endian, two bytes.
fn sig_blob(signature: &[u16]) -> Vec<u8> {
    signature.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Reads the columns of one stored row, turning anything unexpected into
/// [`StoreError::Corrupt`] for `table` and the row's `key` (set once the key is read).
pub(crate) struct Cols<'a, 'r> {
    row: &'a Row<'r>,
    table: &'static str,
    pub(crate) key: String,
}

impl<'a, 'r> Cols<'a, 'r> {
    pub(crate) fn new(row: &'a Row<'r>, table: &'static str) -> Self {
        Cols {
            row,
            table,
            key: "?".into(),
        }
    }

    pub(crate) fn corrupt(&self, why: String) -> Error {
        Error::Store(StoreError::Corrupt {
            table: self.table,
            key: self.key.clone(),
            why,
        })
    }

    pub(crate) fn get<T: rusqlite::types::FromSql>(&self, i: usize) -> Result<T, Error> {
        self.row
            .get(i)
            .map_err(|e| self.corrupt(format!("column {i}: {e}")))
    }

    pub(crate) fn text(&self, i: usize) -> Result<String, Error> {
        self.get(i)
    }

    pub(crate) fn offset(&self, i: usize) -> Result<usize, Error> {
        let n: i64 = self.get(i)?;
        usize::try_from(n).map_err(|_| self.corrupt(format!("column {i}: offset {n}")))
    }

    fn time(&self, i: usize) -> Result<DateTime<Utc>, Error> {
        let s = self.text(i)?;
        parse_ts(&s).ok_or_else(|| self.corrupt(format!("column {i}: time `{s}`")))
    }

    fn signature(&self, i: usize) -> Result<Vec<u16>, Error> {
        let b: Vec<u8> = self.get(i)?;
        if !b.len().is_multiple_of(2) {
            return Err(self.corrupt(format!("column {i}: signature of {} bytes", b.len())));
        }
        Ok(b.chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect())
    }

    /// The two columns of a seller from `i` on: marketplace, seller id.
    pub(crate) fn seller(&self, i: usize) -> Result<SellerRef, Error> {
        Ok(SellerRef {
            marketplace: self.text(i)?,
            seller_id: self.text(i + 1)?,
        })
    }

    /// The seven columns of a side from `i` on, in [`SIDE`] order.
    fn side(&self, i: usize) -> Result<LinkSide, Error> {
        Ok(LinkSide {
            seller: self.seller(i)?,
            listing_id: self.text(i + 2)?,
            field: self.text(i + 3)?,
            start: self.offset(i + 4)?,
            end: self.offset(i + 5)?,
            quote: self.text(i + 6)?,
        })
    }
}

/// `(?, ?), (?, ?), ...` for `n` rows.
fn values(n: usize) -> String {
    vec!["(?, ?)"; n].join(", ")
}

/// The pairs once each (a key asked twice is answered once), in chunks of [`CHUNK`].
fn chunks(pairs: &[(String, String)]) -> Vec<Vec<&str>> {
    let once: BTreeSet<(&str, &str)> = pairs
        .iter()
        .map(|(x, y)| (x.as_str(), y.as_str()))
        .collect();
    let once: Vec<(&str, &str)> = once.into_iter().collect();
    once.chunks(CHUNK)
        .map(|c| c.iter().flat_map(|(x, y)| [*x, *y]).collect())
        .collect()
}

/// Each row `sql` returns with `args` bound, as `read` reads it.
pub(crate) fn query_rows<T>(
    c: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    mut read: impl FnMut(&Row<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read(r)?);
    }
    Ok(out)
}

/// Each row `select` returns, as `read` reads it, where `select` joins the table `asked` (its two
/// columns named by `columns`, as `"kind, value"`) of the `pairs`: one statement per chunk of
/// them ([`chunks`]), `asked` a `VALUES` list bound to the chunk.
pub(crate) fn query_chunks<T>(
    c: &Connection,
    pairs: &[(String, String)],
    columns: &str,
    select: &str,
    mut read: impl FnMut(&Row<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    for args in chunks(pairs) {
        let sql = format!(
            "WITH asked ({columns}) AS (VALUES {})\n{select}",
            values(args.len() / 2)
        );
        out.extend(query_rows(c, &sql, params_from_iter(args), &mut read)?);
    }
    Ok(out)
}

fn key_holders(c: &Connection, keys: &[(String, String)]) -> Result<Vec<KeyHolder>, Error> {
    let select = "SELECT k.kind, k.value, k.marketplace, k.seller_id, k.listing_id, k.field,
                k.char_start, k.char_end, k.quote, k.seen_at
         FROM asked JOIN link_keys k ON k.kind = asked.kind AND k.value = asked.value";
    query_chunks(c, keys, "kind, value", select, |r| {
        let mut col = Cols::new(r, "link_keys");
        let (kind, value) = (col.text(0)?, col.text(1)?);
        col.key = format!("{kind} {value}");
        Ok(KeyHolder {
            side: col.side(2)?,
            seen_at: col.time(9)?,
            kind,
            value,
        })
    })
}

fn signatures(
    c: &Connection,
    listings: &[(String, String)],
) -> Result<Vec<ListingSignature>, Error> {
    let select = "SELECT s.marketplace, s.listing_id, s.signature, s.field, s.char_start,
                s.char_end, s.quote
         FROM asked JOIN link_signatures s
           ON s.marketplace = asked.marketplace AND s.listing_id = asked.listing_id";
    query_chunks(c, listings, "marketplace, listing_id", select, |r| {
        let mut col = Cols::new(r, "link_signatures");
        let (marketplace, listing_id) = (col.text(0)?, col.text(1)?);
        col.key = format!("{marketplace}/{listing_id}");
        Ok(ListingSignature {
            signature: col.signature(2)?,
            field: col.text(3)?,
            start: col.offset(4)?,
            end: col.offset(5)?,
            quote: col.text(6)?,
            marketplace,
            listing_id,
        })
    })
}

/// The columns of a link row after its rowid, in the order [`link_row`] reads them.
fn link_columns(table: &str) -> String {
    let mut cols = vec![format!("{table}.kind"), format!("{table}.value")];
    for p in ["a", "b"] {
        cols.extend(SIDE.iter().map(|c| format!("{table}.{p}_{c}")));
    }
    cols.push(format!("{table}.found_at"));
    cols.join(", ")
}

/// A link row from columns `rowid, kind, value, a_..., b_..., found_at`.
fn link_row(r: &Row<'_>) -> Result<(i64, LinkRow), Error> {
    let mut col = Cols::new(r, "seller_links");
    let rowid: i64 = col.get(0)?;
    col.key = format!("rowid {rowid}");
    Ok((
        rowid,
        LinkRow {
            kind: col.text(1)?,
            value: col.text(2)?,
            a: col.side(3)?,
            b: col.side(10)?,
            found_at: col.time(17)?,
        },
    ))
}

fn links_touching(c: &Connection, sellers: &[SellerRef]) -> Result<Vec<LinkRow>, Error> {
    let pairs: Vec<(String, String)> = sellers
        .iter()
        .map(|s| (s.marketplace.clone(), s.seller_id.clone()))
        .collect();
    let cols = link_columns("l");
    let select = format!(
        "SELECT l.rowid, {cols} FROM asked JOIN seller_links l
           ON l.a_marketplace = asked.marketplace AND l.a_seller = asked.seller
         UNION
         SELECT l.rowid, {cols} FROM asked JOIN seller_links l
           ON l.b_marketplace = asked.marketplace AND l.b_seller = asked.seller"
    );
    // By rowid: a link between two asked sellers of different chunks comes back twice.
    let found: HashMap<i64, LinkRow> =
        query_chunks(c, &pairs, "marketplace, seller", &select, link_row)?
            .into_iter()
            .collect();
    let mut out: Vec<(i64, LinkRow)> = found.into_iter().collect();
    out.sort_by(|(x, lx), (y, ly)| lx.found_at.cmp(&ly.found_at).then(x.cmp(y)));
    Ok(out.into_iter().map(|(_, l)| l).collect())
}

fn link_pairs(c: &Connection) -> Result<Vec<(SellerRef, SellerRef)>, Error> {
    let sql = "SELECT DISTINCT a_marketplace, a_seller, b_marketplace, b_seller FROM seller_links
         ORDER BY a_marketplace, a_seller, b_marketplace, b_seller";
    query_rows(c, sql, [], |r| {
        let mut col = Cols::new(r, "seller_links");
        let a = col.seller(0)?;
        col.key = format!("a {a}");
        Ok((a, col.seller(2)?))
    })
}

/// The values of a side's seven columns, in [`SIDE`] order; `what` (`""`, `"a "`, `"b "`) names
/// its offsets in errors.
fn side_values<'a>(key: &str, what: &str, s: &'a LinkSide) -> Result<[ToSqlOutput<'a>; 7], Error> {
    let at = |name: &str, n: usize| -> Result<ToSqlOutput<'a>, Error> {
        Ok(offset(key, &format!("{what}{name}"), n)?.into())
    };
    Ok([
        s.seller.marketplace.to_sql()?,
        s.seller.seller_id.to_sql()?,
        s.listing_id.to_sql()?,
        s.field.to_sql()?,
        at("start", s.start)?,
        at("end", s.end)?,
        s.quote.to_sql()?,
    ])
}

fn put_holders(tx: &Transaction<'_>, holders: &[KeyHolder]) -> Result<(), Error> {
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO link_keys (kind, value, marketplace, seller_id, listing_id, field,
             char_start, char_end, quote, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for h in holders {
        let key = format!("link key {} {}", h.kind, h.value);
        let mut values = vec![h.kind.to_sql()?, h.value.to_sql()?];
        values.extend(side_values(&key, "", &h.side)?);
        values.push(time(&key, "seen_at", &h.seen_at)?.into());
        st.execute(params_from_iter(values))?;
    }
    Ok(())
}

fn put_signatures(tx: &Transaction<'_>, signatures: &[ListingSignature]) -> Result<(), Error> {
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO link_signatures (marketplace, listing_id, signature, field,
             char_start, char_end, quote)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in signatures {
        let key = format!("link signature {}/{}", s.marketplace, s.listing_id);
        st.execute(params![
            s.marketplace,
            s.listing_id,
            sig_blob(&s.signature),
            s.field,
            offset(&key, "start", s.start)?,
            offset(&key, "end", s.end)?,
            s.quote,
        ])?;
    }
    Ok(())
}

/// Inserts the links not stored yet; returns how many were.
fn put_links(tx: &Transaction<'_>, links: &[LinkRow]) -> Result<usize, Error> {
    let mut names = vec!["kind".to_string(), "value".to_string()];
    for p in ["a", "b"] {
        names.extend(SIDE.iter().map(|c| format!("{p}_{c}")));
    }
    names.push("found_at".into());
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let mut st = tx.prepare_cached(&format!(
        "INSERT OR IGNORE INTO seller_links ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    ))?;
    let mut added = 0;
    for l in links {
        let key = format!("link {} {} {} {}", l.kind, l.value, l.a.seller, l.b.seller);
        let mut values = vec![l.kind.to_sql()?, l.value.to_sql()?];
        values.extend(side_values(&key, "a ", &l.a)?);
        values.extend(side_values(&key, "b ", &l.b)?);
        values.push(time(&key, "found_at", &l.found_at)?.into());
        added += st.execute(params_from_iter(values))?;
    }
    Ok(added)
}

fn put_link_batch(c: &mut Connection, batch: &LinkBatch) -> Result<usize, Error> {
    if batch.is_empty() {
        return Ok(0);
    }
    let tx = c.transaction()?;
    put_holders(&tx, &batch.holders)?;
    put_signatures(&tx, &batch.signatures)?;
    let added = put_links(&tx, &batch.links)?;
    tx.commit()?;
    Ok(added)
}

#[async_trait]
impl LinkStore for SqliteStore {
    async fn key_holders(&self, keys: &[(String, String)]) -> Result<Vec<KeyHolder>, StoreError> {
        let keys = keys.to_vec();
        self.with_read(move |c| key_holders(c, &keys)).await
    }

    async fn signatures(
        &self,
        listings: &[(String, String)],
    ) -> Result<Vec<ListingSignature>, StoreError> {
        let listings = listings.to_vec();
        self.with_read(move |c| signatures(c, &listings)).await
    }

    async fn put_link_batch(&self, batch: &LinkBatch) -> Result<usize, StoreError> {
        let batch = batch.clone();
        self.with_conn(move |c| put_link_batch(c, &batch)).await
    }

    async fn links_touching(&self, sellers: &[SellerRef]) -> Result<Vec<LinkRow>, StoreError> {
        let sellers = sellers.to_vec();
        self.with_read(move |c| links_touching(c, &sellers)).await
    }

    async fn link_pairs(&self) -> Result<Vec<(SellerRef, SellerRef)>, StoreError> {
        self.with_read(|c| link_pairs(c)).await
    }
}

#[cfg(test)]
pub(crate) mod tests;
