//! The link state ([`LinkStore`]) in ClickHouse: who first held each identifier, the near-text
//! signatures, and the links found between sellers.
//!
//! Why the tables look as they do (migration 5):
//! - **Plain columns, not JSON bodies**: every field of the rows is a string, an offset or a
//!   time, so each is a column and nothing needs parsing back (18.16 has no `JSONExtract`
//!   either). A signature is an `Array(UInt16)`, its 64 values as they are, stored with the
//!   quote of the text it came from (field, offsets, quote: once per listing). The rows and
//!   their conversions are in [`rows`].
//! - **The first row of a key is the one kept.** ClickHouse has no unique key: every table is a
//!   `ReplacingMergeTree` ordered by the row's identity, whose version column `keep` is higher
//!   for the row to keep: `i64::MAX - seen_at` (microseconds) for a key holder, the same of
//!   `found_at` for a link, and `u64::MAX - write time` for a signature. A merge therefore keeps
//!   the earliest holder (link, first signature), and so does every read, which orders each key's
//!   rows by `keep DESC` and takes `LIMIT 1 BY` the key: merges are lazy, so the table may hold
//!   several rows of one key for a while, and the read must not depend on whether they merged.
//! - **A write skips what is stored.** Before inserting, `put_link_batch` reads which of the
//!   batch's keys, listings and links are already stored and drops those (and duplicates within
//!   the batch, keeping the earliest), so a batch delivered twice inserts nothing, a later holder
//!   never shows over the first, and the count of new links is exact. Callers serialize their
//!   batches (one link stage); should two writers race anyway, both rows are stored and the
//!   earlier one is read, and the race can only over-count new links.
//! - **Times are `Int64` microseconds**, as the console's (18.16 has no `DateTime64`); finer
//!   fractions are dropped.
//! - **Keys travel as a bound array of tuples** (which the client escapes), unpacked into the
//!   columns of an `IN` subquery: `(kind, value) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?)
//!   AS t))`. 18.16 refuses a tuple column on the right of `IN` ("number of columns doesn't
//!   match"); unpacked, the primary key is used (4 granules read of 3 million rows). They go in
//!   chunks: a query's text is limited (`max_query_size`, 256 KiB by default) and a batch may
//!   carry thousands of keys. Finding the links of a seller reads the whole link table (it is
//!   ordered by key, and a network walk asks for sellers).
//! - **Writes go signatures, holders, links**: a batch cut short by an outage and delivered
//!   again still counts its links as new, since they are written last.

use std::collections::HashSet;
use std::hash::Hash;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clickhouse::Row;
use serde::{Deserialize, Serialize};
use soi_store::links::{KeyHolder, LinkBatch, LinkRow, ListingSignature, SellerRef};
use soi_store::{LinkStore, StoreError};

use crate::write::next_version;
use crate::ClickHouseStore;

mod rows;

use rows::{holder, holder_row, link, link_row, signature, signature_row};
use rows::{HolderRow, SellerLinkRow, SignatureRow};

/// At most this many keys per query ...
const CHUNK_KEYS: usize = 1000;
/// ... and at most this many bytes of their literals, counted as if every character needed an
/// escape: the seller list of [`TOUCHING_SQL`] is bound twice, well under `max_query_size`.
const CHUNK_BYTES: usize = 64 * 1024;

/// A stored two-part key: `(kind, value)` or `(marketplace, listing_id)`.
#[derive(Debug, Row, Deserialize)]
struct PairRow {
    a: String,
    b: String,
}

/// What makes a link one link: the kind and value, and the two sellers.
#[derive(Debug, Row, Deserialize)]
struct LinkIdRow {
    kind: String,
    value: String,
    a_marketplace: String,
    a_seller: String,
    b_marketplace: String,
    b_seller: String,
}

impl PairRow {
    fn key(&self) -> (&str, &str) {
        (&self.a, &self.b)
    }
}

impl LinkIdRow {
    fn id(&self) -> LinkId<'_> {
        (
            &self.kind,
            &self.value,
            &self.a_marketplace,
            &self.a_seller,
            &self.b_marketplace,
            &self.b_seller,
        )
    }
}

#[derive(Debug, Row, Deserialize)]
struct SellerPairRow {
    a_marketplace: String,
    a_seller: String,
    b_marketplace: String,
    b_seller: String,
}

type LinkId<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str);

/// The first holder of each of the bound `(kind, value)` keys.
const HOLDERS_SQL: &str = "SELECT kind, value, marketplace, seller_id, listing_id, field,
            quote_start, quote_end, quote, seen_at, keep
     FROM link_keys
     WHERE (kind, value) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?) AS t))
     ORDER BY kind, value, keep DESC, marketplace, seller_id, listing_id, field, quote_start
     LIMIT 1 BY kind, value";

/// The first signature of each of the bound `(marketplace, listing_id)` listings.
const SIGNATURES_SQL: &str = "SELECT marketplace, listing_id, signature, field, quote_start,
            quote_end, quote, keep
     FROM link_signatures
     WHERE (marketplace, listing_id) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?) AS t))
     ORDER BY marketplace, listing_id, keep DESC LIMIT 1 BY marketplace, listing_id";

/// Which of the bound link identities are stored.
const STORED_LINKS_SQL: &str =
    "SELECT DISTINCT kind, value, a_marketplace, a_seller, b_marketplace, b_seller
     FROM seller_links
     WHERE (kind, value, a_marketplace, a_seller, b_marketplace, b_seller) IN (
         SELECT t.1, t.2, t.3, t.4, t.5, t.6 FROM (SELECT arrayJoin(?) AS t))";

/// The first row of every link with one of the bound sellers (bound twice) on either side.
const TOUCHING_SQL: &str = "SELECT kind, value,
            a_marketplace, a_seller, a_listing, a_field, a_start, a_end, a_quote,
            b_marketplace, b_seller, b_listing, b_field, b_start, b_end, b_quote, found_at, keep
     FROM seller_links
     WHERE (a_marketplace, a_seller) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?) AS t))
        OR (b_marketplace, b_seller) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?) AS t))
     ORDER BY kind, value, a_marketplace, a_seller, b_marketplace, b_seller, keep DESC,
              a_listing, b_listing, a_field, b_field, a_start, b_start
     LIMIT 1 BY kind, value, a_marketplace, a_seller, b_marketplace, b_seller";

const PAIRS_SQL: &str = "SELECT DISTINCT a_marketplace, a_seller, b_marketplace, b_seller
     FROM seller_links ORDER BY a_marketplace, a_seller, b_marketplace, b_seller";

/// `keep` of a row first seen at `micros`: the earlier, the higher.
fn keep_earliest(micros: i64) -> u64 {
    i64::MAX.abs_diff(micros)
}

/// The bytes a string's literal may take (quotes, separator, every character escaped).
pub(crate) fn literal(s: &str) -> usize {
    2 * s.len() + 4
}

/// `items` cut into runs of at most [`CHUNK_KEYS`] items and about [`CHUNK_BYTES`] bytes of
/// literals (`bytes` of each). A single item larger than the budget travels alone.
fn chunks<T>(items: &[T], bytes: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let n = bytes(item);
        if i > start && (i - start >= CHUNK_KEYS || used + n > CHUNK_BYTES) {
            out.push(&items[start..i]);
            (start, used) = (i, 0);
        }
        used += n;
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

pub(crate) fn pair_bytes(p: &(&str, &str)) -> usize {
    literal(p.0) + literal(p.1)
}

/// The first of each key in `rows`, in their order.
pub(crate) fn first_by_key<'a, T, K: Eq + Hash>(
    rows: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&'a T) -> K,
) -> Vec<&'a T> {
    let mut seen = HashSet::new();
    rows.into_iter().filter(|r| seen.insert(key(r))).collect()
}

pub(crate) fn corrupt(table: &'static str, key: &str, why: String) -> StoreError {
    StoreError::Corrupt {
        table,
        key: key.to_string(),
        why,
    }
}

fn time(table: &'static str, key: &str, micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| corrupt(table, key, format!("time {micros} µs is out of range")))
}

pub(crate) fn offset(table: &'static str, key: &str, n: u64) -> Result<usize, StoreError> {
    usize::try_from(n).map_err(|_| corrupt(table, key, format!("offset {n} is out of range")))
}

fn link_id(l: &LinkRow) -> LinkId<'_> {
    (
        &l.kind,
        &l.value,
        &l.a.seller.marketplace,
        &l.a.seller.seller_id,
        &l.b.seller.marketplace,
        &l.b.seller.seller_id,
    )
}

impl ClickHouseStore {
    /// The rows `sql` (nothing bound) returns.
    pub(crate) async fn fetch_rows<R>(&self, what: &str, sql: &str) -> Result<Vec<R>, StoreError>
    where
        R: clickhouse::RowOwned + clickhouse::RowRead,
    {
        Ok(self
            .retry(what, || self.client.query(sql).fetch_all::<R>())
            .await?)
    }

    /// The rows `sql` returns with each of its `binds` placeholders bound to each chunk of `keys`
    /// in turn.
    pub(crate) async fn fetch_chunked<K, R>(
        &self,
        what: &str,
        sql: &str,
        binds: usize,
        keys: &[K],
        bytes: impl Fn(&K) -> usize,
    ) -> Result<Vec<R>, StoreError>
    where
        K: Serialize,
        R: clickhouse::RowOwned + clickhouse::RowRead,
    {
        let mut out = Vec::new();
        for chunk in chunks(keys, bytes) {
            let rows: Vec<R> = self
                .retry(what, || {
                    let mut query = self.client.query(sql);
                    for _ in 0..binds {
                        query = query.bind(chunk);
                    }
                    query.fetch_all::<R>()
                })
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Which of the two-part `keys` of `table` (columns `a`, `b`) are stored.
    async fn stored_pairs(
        &self,
        table: &str,
        (a, b): (&str, &str),
        keys: &[(&str, &str)],
    ) -> Result<Vec<PairRow>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT {a} AS a, {b} AS b FROM {table}
             WHERE ({a}, {b}) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?) AS t))"
        );
        self.fetch_chunked("stored link keys", &sql, 1, keys, pair_bytes)
            .await
    }

    /// The batch's signatures of listings not stored yet, the first of each.
    async fn put_signatures(&self, batch: &LinkBatch) -> Result<(), StoreError> {
        let fresh = first_by_key(&batch.signatures, |s| (&s.marketplace, &s.listing_id));
        let keys: Vec<(&str, &str)> = fresh
            .iter()
            .map(|s| (s.marketplace.as_str(), s.listing_id.as_str()))
            .collect();
        let stored = self
            .stored_pairs("link_signatures", ("marketplace", "listing_id"), &keys)
            .await?;
        let stored: HashSet<(&str, &str)> = stored.iter().map(PairRow::key).collect();
        let keep = u64::MAX - next_version();
        let rows: Vec<SignatureRow> = fresh
            .into_iter()
            .filter(|s| !stored.contains(&(s.marketplace.as_str(), s.listing_id.as_str())))
            .map(|s| signature_row(s, keep))
            .collect();
        tracing::debug!(signatures = rows.len(), "writing listing signatures");
        Ok(self.insert_rows("link_signatures", &rows).await?)
    }

    /// The batch's holders of keys nobody holds yet, the earliest of each.
    async fn put_holders(&self, batch: &LinkBatch) -> Result<(), StoreError> {
        let mut by_time: Vec<&KeyHolder> = batch.holders.iter().collect();
        by_time.sort_by_key(|h| h.seen_at);
        let fresh = first_by_key(by_time, |h| (&h.kind, &h.value));
        let keys: Vec<(&str, &str)> = fresh
            .iter()
            .map(|h| (h.kind.as_str(), h.value.as_str()))
            .collect();
        let held = self
            .stored_pairs("link_keys", ("kind", "value"), &keys)
            .await?;
        let held: HashSet<(&str, &str)> = held.iter().map(PairRow::key).collect();
        let rows: Vec<HolderRow> = fresh
            .into_iter()
            .filter(|h| !held.contains(&(h.kind.as_str(), h.value.as_str())))
            .map(holder_row)
            .collect();
        tracing::debug!(holders = rows.len(), "writing link key holders");
        Ok(self.insert_rows("link_keys", &rows).await?)
    }
}

#[async_trait]
impl LinkStore for ClickHouseStore {
    async fn key_holders(&self, keys: &[(String, String)]) -> Result<Vec<KeyHolder>, StoreError> {
        let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let rows: Vec<HolderRow> = self
            .fetch_chunked("link key holders", HOLDERS_SQL, 1, &keys, pair_bytes)
            .await?;
        rows.into_iter().map(holder).collect()
    }

    async fn signatures(
        &self,
        listings: &[(String, String)],
    ) -> Result<Vec<ListingSignature>, StoreError> {
        let keys: Vec<(&str, &str)> = listings
            .iter()
            .map(|(m, id)| (m.as_str(), id.as_str()))
            .collect();
        let rows: Vec<SignatureRow> = self
            .fetch_chunked("listing signatures", SIGNATURES_SQL, 1, &keys, pair_bytes)
            .await?;
        rows.into_iter().map(signature).collect()
    }

    async fn put_link_batch(&self, batch: &LinkBatch) -> Result<usize, StoreError> {
        self.put_signatures(batch).await?;
        self.put_holders(batch).await?;
        let mut by_time: Vec<&LinkRow> = batch.links.iter().collect();
        by_time.sort_by_key(|l| l.found_at);
        let fresh = first_by_key(by_time, link_id);
        let ids: Vec<LinkId<'_>> = fresh.iter().map(|l| link_id(l)).collect();
        let bytes = |k: &LinkId<'_>| {
            [k.0, k.1, k.2, k.3, k.4, k.5]
                .iter()
                .map(|s| literal(s))
                .sum()
        };
        let stored: Vec<LinkIdRow> = self
            .fetch_chunked("stored links", STORED_LINKS_SQL, 1, &ids, bytes)
            .await?;
        let stored: HashSet<LinkId<'_>> = stored.iter().map(LinkIdRow::id).collect();
        let rows: Vec<SellerLinkRow> = fresh
            .into_iter()
            .filter(|l| !stored.contains(&link_id(l)))
            .map(link_row)
            .collect();
        tracing::debug!(links = rows.len(), "writing seller links");
        self.insert_rows("seller_links", &rows).await?;
        Ok(rows.len())
    }

    async fn links_touching(&self, sellers: &[SellerRef]) -> Result<Vec<LinkRow>, StoreError> {
        let keys: Vec<(&str, &str)> = sellers
            .iter()
            .map(|s| (s.marketplace.as_str(), s.seller_id.as_str()))
            .collect();
        let rows: Vec<SellerLinkRow> = self
            .fetch_chunked("links touching", TOUCHING_SQL, 2, &keys, pair_bytes)
            .await?;
        let mut out: Vec<LinkRow> = rows.into_iter().map(link).collect::<Result<_, _>>()?;
        // Oldest first; a link between sellers of two chunks came back twice (the same row,
        // now side by side): once.
        out.sort_by(|x, y| (x.found_at, link_id(x)).cmp(&(y.found_at, link_id(y))));
        out.dedup_by(|x, y| link_id(x) == link_id(y));
        Ok(out)
    }

    async fn link_pairs(&self) -> Result<Vec<(SellerRef, SellerRef)>, StoreError> {
        let rows: Vec<SellerPairRow> = self.fetch_rows("link pairs", PAIRS_SQL).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    SellerRef {
                        marketplace: r.a_marketplace,
                        seller_id: r.a_seller,
                    },
                    SellerRef {
                        marketplace: r.b_marketplace,
                        seller_id: r.b_seller,
                    },
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_cut_by_count_and_by_bytes() {
        let few: Vec<(&str, &str)> = vec![("phone", "1"); 2500];
        let sizes: Vec<usize> = chunks(&few, pair_bytes).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![1000, 1000, 500]);
        let long = "x".repeat(1000);
        let big: Vec<(&str, &str)> = vec![("phone", long.as_str()); 100];
        let cut = chunks(&big, pair_bytes);
        assert!(cut.len() > 1 && cut.iter().all(|c| c.len() * 2018 <= CHUNK_BYTES));
        assert_eq!(cut.iter().map(|c| c.len()).sum::<usize>(), 100);
        let huge = "x".repeat(CHUNK_BYTES);
        assert_eq!(
            chunks(&[("a", huge.as_str()), ("b", "c")], pair_bytes).len(),
            2
        );
        assert!(chunks::<(&str, &str)>(&[], pair_bytes).is_empty());
    }

    #[test]
    fn earlier_rows_are_kept() {
        assert!(keep_earliest(-5) > keep_earliest(0));
        assert!(keep_earliest(0) > keep_earliest(1_780_000_000_000_000));
        assert_eq!(keep_earliest(i64::MIN), u64::MAX);
        assert_eq!(keep_earliest(i64::MAX), 0);
    }
}
