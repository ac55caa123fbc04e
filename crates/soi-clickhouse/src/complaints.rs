//! Hotline complaints and the sellers they name ([`ComplaintStore`]) in ClickHouse.
//!
//! Why the tables look as they do (migration 6):
//! - **A complaint is its JSON `body`** (`serde_json` of [`Complaint`]), so it reads back whole
//!   and exactly (the consumer's words are evidence); `received_at` (`Int64` microseconds: 18.16
//!   has no `DateTime64`) is there for analysts' queries only, the order is taken from the body.
//! - **A corrected complaint replaces the earlier one**: `complaints` is a `ReplacingMergeTree`
//!   keyed by id whose `version` is the write time ([`next_version`]), and every read takes
//!   `argMax(…, version)` per id, so the latest version is answered before any merge.
//! - **The same complaint again is not written**: a write first reads the stored `content_hash`
//!   (sha256 of the canonical JSON, [`soi_store::content_hash`]) of the batch's ids and inserts
//!   only complaints whose content changed. Counting goes row by row, as the embedded store's
//!   upserts do: a complaint counts when it differs from the version before it, stored or earlier
//!   in the batch; only the last version of each id is written.
//! - **A link is stored once**, keyed by complaint, seller, kind and value. `complaint_links` is
//!   a `ReplacingMergeTree` whose `keep` (`u64::MAX - write time`) is higher for the first row,
//!   and reads take `LIMIT 1 BY` the key ordered by `keep DESC`, as `crate::links` does; a write
//!   skips the links already stored, so the count of new links is exact. The table is ordered by
//!   seller first: a seller's page asks for its complaints.
//! - **Keys travel as bound arrays, in chunks** (`crate::links` says why).
//! - **The join is done here**, not in SQL: the links of the sellers are read, then the latest
//!   body of each complaint they name (18.16's joins are limited). A link whose complaint is not
//!   stored is not shown, nor counted.
//! - **Complaints are written before their links**: an import cut short by an outage and run
//!   again still counts its links as new.

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use clickhouse::Row;
use serde::{Deserialize, Serialize};
use soi_model::Complaint;
use soi_store::complaints::{ComplaintLink, ComplaintsPut, SellerComplaint};
use soi_store::links::SellerRef;
use soi_store::{content_hash, parse_stored, ComplaintStore, StoreError};

use crate::links::{corrupt, first_by_key, literal, offset, pair_bytes};
use crate::rows::{KeyBody, KeyHash};
use crate::write::next_version;
use crate::ClickHouseStore;

const COMPLAINTS: &str = "complaints";
const LINKS: &str = "complaint_links";

#[derive(Debug, Row, Serialize)]
struct ComplaintRow {
    id: String,
    received_at: i64,
    content_hash: String,
    body: String,
    version: u64,
}

#[derive(Debug, Row, Serialize, Deserialize)]
struct ComplaintLinkRow {
    marketplace: String,
    seller_id: String,
    complaint_id: String,
    kind: String,
    value: String,
    field: String,
    quote_start: u64,
    quote_end: u64,
    quote: String,
    keep: u64,
}

/// What makes a complaint link one link.
#[derive(Debug, Row, Deserialize)]
struct LinkKeyRow {
    marketplace: String,
    seller_id: String,
    complaint_id: String,
    kind: String,
    value: String,
}

#[derive(Debug, Row, Deserialize)]
struct SellerCount {
    marketplace: String,
    seller_id: String,
    n: u64,
}

/// `(marketplace, seller_id, complaint_id, kind, value)`.
type LinkKey<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

impl LinkKeyRow {
    fn key(&self) -> LinkKey<'_> {
        (
            &self.marketplace,
            &self.seller_id,
            &self.complaint_id,
            &self.kind,
            &self.value,
        )
    }
}

/// The latest content hash of each of the bound ids.
const HASHES_SQL: &str = "SELECT id AS key, argMax(content_hash, version) AS latest
     FROM complaints WHERE id IN (SELECT arrayJoin(?)) GROUP BY id";

/// The latest body of each of the bound ids.
const BODIES_SQL: &str = "SELECT id AS key, argMax(body, version) AS latest
     FROM complaints WHERE id IN (SELECT arrayJoin(?)) GROUP BY id";

/// Which of the bound link keys are stored.
const STORED_LINKS_SQL: &str = "SELECT DISTINCT marketplace, seller_id, complaint_id, kind, value
     FROM complaint_links
     WHERE (marketplace, seller_id, complaint_id, kind, value) IN (
         SELECT t.1, t.2, t.3, t.4, t.5 FROM (SELECT arrayJoin(?) AS t))";

/// The first row of every link of the bound `(marketplace, seller_id)` sellers.
const LINKS_OF_SQL: &str = "SELECT marketplace, seller_id, complaint_id, kind, value, field,
            quote_start, quote_end, quote, keep
     FROM complaint_links
     WHERE (marketplace, seller_id) IN (SELECT t.1, t.2 FROM (SELECT arrayJoin(?) AS t))
     ORDER BY marketplace, seller_id, complaint_id, kind, value, keep DESC, field, quote_start
     LIMIT 1 BY marketplace, seller_id, complaint_id, kind, value";

/// Distinct stored complaints per seller.
const COUNTS_SQL: &str = "SELECT marketplace, seller_id, uniqExact(complaint_id) AS n
     FROM complaint_links WHERE complaint_id IN (SELECT id FROM complaints)
     GROUP BY marketplace, seller_id ORDER BY marketplace, seller_id";

fn link_key(l: &ComplaintLink) -> LinkKey<'_> {
    (
        &l.seller.marketplace,
        &l.seller.seller_id,
        &l.complaint_id,
        &l.kind,
        &l.value,
    )
}

fn key_bytes(k: &LinkKey<'_>) -> usize {
    [k.0, k.1, k.2, k.3, k.4].iter().map(|s| literal(s)).sum()
}

/// The distinct strings `of` gives, in order.
fn distinct<'a, T>(
    items: impl IntoIterator<Item = &'a T>,
    of: impl Fn(&'a T) -> &'a str,
) -> Vec<&'a str>
where
    T: 'a,
{
    let set: BTreeSet<&str> = items.into_iter().map(of).collect();
    set.into_iter().collect()
}

/// How many of `complaints` change what is stored (`stored`: id -> content hash), counted row
/// by row, and the rows to write: the last version of each id whose content changed.
fn changed(
    complaints: &[Complaint],
    stored: &HashMap<String, String>,
    version: u64,
) -> Result<(usize, Vec<ComplaintRow>), StoreError> {
    // The latest version of each id in the batch so far, and its hash.
    let mut last: HashMap<&str, (&Complaint, String)> = HashMap::new();
    let mut count = 0;
    for c in complaints {
        let hash = content_hash(c, &[]);
        let before = match last.get(c.id.as_str()) {
            Some((_, h)) => Some(h),
            None => stored.get(&c.id),
        };
        if before == Some(&hash) {
            continue;
        }
        count += 1;
        last.insert(&c.id, (c, hash));
    }
    let mut rows = Vec::new();
    for (id, (c, hash)) in last {
        if stored.get(id) == Some(&hash) {
            continue; // changed within the batch and back again
        }
        let body = serde_json::to_string(c).map_err(|e| StoreError::Content {
            key: format!("complaint {id}"),
            why: e.to_string(),
        })?;
        rows.push(ComplaintRow {
            id: c.id.clone(),
            received_at: c.received_at.timestamp_micros(),
            content_hash: hash,
            body,
            version,
        });
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((count, rows))
}

fn link_row(l: &ComplaintLink, keep: u64) -> ComplaintLinkRow {
    ComplaintLinkRow {
        marketplace: l.seller.marketplace.clone(),
        seller_id: l.seller.seller_id.clone(),
        complaint_id: l.complaint_id.clone(),
        kind: l.kind.clone(),
        value: l.value.clone(),
        field: l.field.clone(),
        quote_start: l.start as u64,
        quote_end: l.end as u64,
        quote: l.quote.clone(),
        keep,
    }
}

fn complaint_link(r: ComplaintLinkRow) -> Result<ComplaintLink, StoreError> {
    let key = format!(
        "{} {}/{} {} {}",
        r.complaint_id, r.marketplace, r.seller_id, r.kind, r.value
    );
    Ok(ComplaintLink {
        start: offset(LINKS, &key, r.quote_start)?,
        end: offset(LINKS, &key, r.quote_end)?,
        complaint_id: r.complaint_id,
        seller: SellerRef {
            marketplace: r.marketplace,
            seller_id: r.seller_id,
        },
        kind: r.kind,
        value: r.value,
        field: r.field,
        quote: r.quote,
    })
}

/// Newest complaint first, then by complaint, kind, value and seller.
fn show_order(x: &SellerComplaint, y: &SellerComplaint) -> std::cmp::Ordering {
    let rest = |c: &SellerComplaint| {
        let l = &c.link;
        (
            l.complaint_id.clone(),
            l.kind.clone(),
            l.value.clone(),
            l.seller.clone(),
        )
    };
    y.complaint
        .received_at
        .cmp(&x.complaint.received_at)
        .then_with(|| rest(x).cmp(&rest(y)))
}

impl ClickHouseStore {
    /// Writes the complaints whose content changed; returns how many changed.
    async fn put_complaint_rows(&self, complaints: &[Complaint]) -> Result<usize, StoreError> {
        let ids = distinct(complaints, |c| c.id.as_str());
        let stored: Vec<KeyHash> = self
            .fetch_chunked("stored complaint hashes", HASHES_SQL, 1, &ids, |s| {
                literal(s)
            })
            .await?;
        let stored: HashMap<String, String> = stored
            .into_iter()
            .map(|r| (r.key, r.content_hash))
            .collect();
        let (count, rows) = changed(complaints, &stored, next_version())?;
        tracing::debug!(complaints = rows.len(), "writing complaints");
        self.insert_rows(COMPLAINTS, &rows).await?;
        Ok(count)
    }

    /// Writes the links not stored yet (the first of each); returns how many.
    async fn put_complaint_links(&self, links: &[ComplaintLink]) -> Result<usize, StoreError> {
        let fresh = first_by_key(links, link_key);
        let keys: Vec<LinkKey<'_>> = fresh.iter().map(|l| link_key(l)).collect();
        let stored: Vec<LinkKeyRow> = self
            .fetch_chunked(
                "stored complaint links",
                STORED_LINKS_SQL,
                1,
                &keys,
                key_bytes,
            )
            .await?;
        let stored: HashSet<LinkKey<'_>> = stored.iter().map(LinkKeyRow::key).collect();
        let keep = u64::MAX - next_version();
        let rows: Vec<ComplaintLinkRow> = fresh
            .into_iter()
            .filter(|l| !stored.contains(&link_key(l)))
            .map(|l| link_row(l, keep))
            .collect();
        tracing::debug!(links = rows.len(), "writing complaint links");
        self.insert_rows(LINKS, &rows).await?;
        Ok(rows.len())
    }
}

#[async_trait]
impl ComplaintStore for ClickHouseStore {
    async fn put_complaints(
        &self,
        complaints: &[Complaint],
        links: &[ComplaintLink],
    ) -> Result<ComplaintsPut, StoreError> {
        let complaints = self.put_complaint_rows(complaints).await?;
        let links = self.put_complaint_links(links).await?;
        Ok(ComplaintsPut { complaints, links })
    }

    async fn complaints_of(
        &self,
        sellers: &[SellerRef],
    ) -> Result<Vec<SellerComplaint>, StoreError> {
        let sellers: BTreeSet<(&str, &str)> = sellers
            .iter()
            .map(|s| (s.marketplace.as_str(), s.seller_id.as_str()))
            .collect();
        let sellers: Vec<(&str, &str)> = sellers.into_iter().collect();
        let rows: Vec<ComplaintLinkRow> = self
            .fetch_chunked("complaint links", LINKS_OF_SQL, 1, &sellers, pair_bytes)
            .await?;
        let links: Vec<ComplaintLink> = rows
            .into_iter()
            .map(complaint_link)
            .collect::<Result<_, _>>()?;
        let ids = distinct(&links, |l| l.complaint_id.as_str());
        let bodies: Vec<KeyBody> = self
            .fetch_chunked("complaints", BODIES_SQL, 1, &ids, |s| literal(s))
            .await?;
        let mut by_id: HashMap<String, Complaint> = HashMap::new();
        for b in bodies {
            let c: Complaint = parse_stored(COMPLAINTS, &b.key, &b.body)?;
            by_id.insert(b.key, c);
        }
        let total = links.len();
        let mut out: Vec<SellerComplaint> = links
            .into_iter()
            .filter_map(|link| {
                let complaint = by_id.get(&link.complaint_id)?.clone();
                Some(SellerComplaint { link, complaint })
            })
            .collect();
        if out.len() < total {
            tracing::warn!(
                links = total - out.len(),
                "complaint links whose complaint is not stored are not shown"
            );
        }
        out.sort_by(show_order);
        Ok(out)
    }

    async fn complaint_counts(&self) -> Result<Vec<(SellerRef, usize)>, StoreError> {
        let rows: Vec<SellerCount> = self.fetch_rows("complaint counts", COUNTS_SQL).await?;
        rows.into_iter()
            .map(|r| {
                let seller = SellerRef {
                    marketplace: r.marketplace,
                    seller_id: r.seller_id,
                };
                let n = usize::try_from(r.n).map_err(|_| {
                    corrupt(
                        LINKS,
                        &seller.to_string(),
                        format!("count {} is out of range", r.n),
                    )
                })?;
                Ok((seller, n))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complaint(id: &str, text: &str) -> Complaint {
        Complaint {
            id: id.into(),
            received_at: chrono::DateTime::from_timestamp(1_780_000_000, 123_456_789)
                .expect("time"),
            channel: "web".into(),
            text: text.into(),
            phone: None,
            shop_name: Some("shop".into()),
            url: None,
            amount: Some(12.5),
        }
    }

    #[test]
    fn changes_are_counted_row_by_row_and_the_last_written() {
        let (a, b) = (complaint("A", "one"), complaint("B", "two"));
        let a2 = complaint("A", "one, corrected");
        let none = HashMap::new();
        let (n, rows) = changed(&[a.clone(), b.clone(), a.clone()], &none, 7).expect("rows");
        assert_eq!(
            (n, rows.len()),
            (2, 2),
            "an identical repeat is not counted"
        );
        assert_eq!(rows[0].version, 7);
        assert_eq!(
            parse_stored::<Complaint>(COMPLAINTS, "A", &rows[0].body).expect("body"),
            a,
            "the body reads back exactly"
        );
        assert_eq!(rows[0].received_at, a.received_at.timestamp_micros());

        let stored: HashMap<String, String> = [("A", &a), ("B", &b)]
            .into_iter()
            .map(|(id, c)| (id.to_string(), content_hash(c, &[])))
            .collect();
        let (n, rows) = changed(&[a.clone(), b.clone()], &stored, 8).expect("rows");
        assert_eq!(
            (n, rows.len()),
            (0, 0),
            "what is stored is not written again"
        );
        let (n, rows) = changed(&[a2.clone(), b.clone()], &stored, 9).expect("rows");
        assert_eq!((n, rows.len()), (1, 1));
        assert_eq!(rows[0].content_hash, content_hash(&a2, &[]));
        let (n, rows) = changed(&[a2, a.clone()], &stored, 10).expect("rows");
        assert_eq!(n, 2, "changed and changed back: two changes");
        assert!(rows.is_empty(), "but what is stored stays");
    }
}
