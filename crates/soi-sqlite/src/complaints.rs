//! Hotline complaints and the sellers they name ([`ComplaintStore`]) in the embedded file
//! (migration 6).
//!
//! Why it is written this way:
//! - **A complaint is its JSON `body`** (`serde_json` of [`Complaint`]), so it reads back whole
//!   and exactly (the consumer's words are evidence); `received_at` (the crate's text form,
//!   [`crate::time::ts`]) and `channel` are there for analysts' queries, the order shown is taken
//!   from the body.
//! - **The same complaint again changes nothing, a corrected one replaces it**: one upsert per
//!   complaint, whose update runs only when the stored `content_hash` (sha256 of the canonical
//!   JSON, [`soi_store::content_hash`]) differs; SQLite counts neither an insert skipped nor an
//!   update skipped, so the count is of complaints new or changed, row by row (a complaint
//!   repeated in a batch with other content counts each time it changes).
//! - **A link is stored once**: `INSERT OR IGNORE` on complaint, seller, kind and value, so the
//!   first row stays and its count is of links new. Complaints and links go in one transaction:
//!   an import is stored wholly or not at all.
//! - **A seller's complaints are one join**, in chunks of sellers against a `VALUES` list as
//!   `crate::links` does, answered from the seller index and the complaints' primary key. A link
//!   whose complaint is not stored is neither shown nor counted (as on ClickHouse).
//! - Nothing read back is trusted: a body that does not parse, a value of the wrong type or a
//!   negative offset is a [`StoreError::Corrupt`] naming its table.

use std::collections::HashMap;

use async_trait::async_trait;
use rusqlite::{params, Connection, Transaction};
use soi_model::Complaint;
use soi_store::complaints::{ComplaintLink, ComplaintsPut, SellerComplaint};
use soi_store::links::SellerRef;
use soi_store::{content_hash, parse_stored, ComplaintStore, StoreError};

use crate::links::{content, offset, query_chunks, query_rows, time, Cols};
use crate::{Error, SqliteStore};

const COMPLAINTS: &str = "complaints";
const LINKS: &str = "complaint_links";

/// Stores `c` when it is new or its content changed; returns whether it did.
fn put_complaint(tx: &Transaction<'_>, c: &Complaint) -> Result<usize, Error> {
    let key = format!("complaint {}", c.id);
    let received_at = time(&key, "received_at", &c.received_at)?;
    let body = serde_json::to_string(c).map_err(|e| content(key.clone(), e.to_string()))?;
    let mut st = tx.prepare_cached(
        "INSERT INTO complaints (id, received_at, channel, body, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET
            received_at = excluded.received_at, channel = excluded.channel,
            body = excluded.body, content_hash = excluded.content_hash
         WHERE complaints.content_hash IS NOT excluded.content_hash",
    )?;
    Ok(st.execute(params![
        c.id,
        received_at,
        c.channel,
        body,
        content_hash(c, &[])
    ])?)
}

/// Stores the links not stored yet; returns how many were.
fn put_links(tx: &Transaction<'_>, links: &[ComplaintLink]) -> Result<usize, Error> {
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO complaint_links (complaint_id, marketplace, seller_id, kind, value,
             field, char_start, char_end, quote)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut added = 0;
    for l in links {
        let key = format!(
            "complaint link {} {} {} {}",
            l.complaint_id, l.seller, l.kind, l.value
        );
        added += st.execute(params![
            l.complaint_id,
            l.seller.marketplace,
            l.seller.seller_id,
            l.kind,
            l.value,
            l.field,
            offset(&key, "start", l.start)?,
            offset(&key, "end", l.end)?,
            l.quote,
        ])?;
    }
    Ok(added)
}

fn put_complaints(
    c: &mut Connection,
    complaints: &[Complaint],
    links: &[ComplaintLink],
) -> Result<ComplaintsPut, Error> {
    if complaints.is_empty() && links.is_empty() {
        return Ok(ComplaintsPut::default());
    }
    let tx = c.transaction()?;
    let mut put = ComplaintsPut::default();
    for complaint in complaints {
        put.complaints += put_complaint(&tx, complaint)?;
    }
    put.links = put_links(&tx, links)?;
    tx.commit()?;
    Ok(put)
}

/// What orders complaints of the same time: complaint, kind, value, seller.
fn tie(c: &SellerComplaint) -> (&str, &str, &str, &SellerRef) {
    let l = &c.link;
    (&l.complaint_id, &l.kind, &l.value, &l.seller)
}

/// Newest complaint first, then by [`tie`].
fn show_order(x: &SellerComplaint, y: &SellerComplaint) -> std::cmp::Ordering {
    y.complaint
        .received_at
        .cmp(&x.complaint.received_at)
        .then_with(|| tie(x).cmp(&tie(y)))
}

fn complaints_of(c: &Connection, sellers: &[SellerRef]) -> Result<Vec<SellerComplaint>, Error> {
    let pairs: Vec<(String, String)> = sellers
        .iter()
        .map(|s| (s.marketplace.clone(), s.seller_id.clone()))
        .collect();
    let select = "SELECT l.complaint_id, l.marketplace, l.seller_id, l.kind, l.value, l.field,
                l.char_start, l.char_end, l.quote, c.body
         FROM asked
         JOIN complaint_links l
           ON l.marketplace = asked.marketplace AND l.seller_id = asked.seller_id
         JOIN complaints c ON c.id = l.complaint_id";
    // Each body parsed once, however many sellers its complaint names.
    let mut parsed: HashMap<String, Complaint> = HashMap::new();
    // A seller is asked once (`query_chunks`) and a link has one seller: no link comes back twice.
    let mut out = query_chunks(c, &pairs, "marketplace, seller_id", select, |r| {
        let mut col = Cols::new(r, LINKS);
        let complaint_id = col.text(0)?;
        col.key = complaint_id.clone();
        let seller = col.seller(1)?;
        col.key = format!("{complaint_id} {seller}");
        let link = ComplaintLink {
            seller,
            kind: col.text(3)?,
            value: col.text(4)?,
            field: col.text(5)?,
            start: col.offset(6)?,
            end: col.offset(7)?,
            quote: col.text(8)?,
            complaint_id,
        };
        let complaint = match parsed.get(&link.complaint_id) {
            Some(found) => found.clone(),
            None => {
                let mut body = Cols::new(r, COMPLAINTS);
                body.key = link.complaint_id.clone();
                let text = body.text(9)?;
                let complaint: Complaint = parse_stored(COMPLAINTS, &link.complaint_id, &text)?;
                parsed.insert(link.complaint_id.clone(), complaint.clone());
                complaint
            }
        };
        Ok(SellerComplaint { link, complaint })
    })?;
    out.sort_by(show_order);
    Ok(out)
}

fn complaint_counts(c: &Connection) -> Result<Vec<(SellerRef, usize)>, Error> {
    let sql = "SELECT l.marketplace, l.seller_id, COUNT(DISTINCT l.complaint_id)
         FROM complaint_links l JOIN complaints c ON c.id = l.complaint_id
         GROUP BY l.marketplace, l.seller_id
         ORDER BY l.marketplace, l.seller_id";
    query_rows(c, sql, [], |r| {
        let mut col = Cols::new(r, LINKS);
        let seller = col.seller(0)?;
        col.key = seller.to_string();
        let n: i64 = col.get(2)?;
        let n = usize::try_from(n).map_err(|_| col.corrupt(format!("count {n}")))?;
        Ok((seller, n))
    })
}

#[async_trait]
impl ComplaintStore for SqliteStore {
    async fn put_complaints(
        &self,
        complaints: &[Complaint],
        links: &[ComplaintLink],
    ) -> Result<ComplaintsPut, StoreError> {
        let (complaints, links) = (complaints.to_vec(), links.to_vec());
        self.with_conn(move |c| put_complaints(c, &complaints, &links))
            .await
    }

    async fn complaints_of(
        &self,
        sellers: &[SellerRef],
    ) -> Result<Vec<SellerComplaint>, StoreError> {
        let sellers = sellers.to_vec();
        self.with_read(move |c| complaints_of(c, &sellers)).await
    }

    async fn complaint_counts(&self) -> Result<Vec<(SellerRef, usize)>, StoreError> {
        self.with_read(|c| complaint_counts(c)).await
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::links::tests::{at, corrupt_table, store};
    use crate::links::CHUNK;

    fn complaint(id: &str, secs: i64) -> Complaint {
        Complaint {
            id: id.into(),
            received_at: at(secs),
            channel: "web".into(),
            text: format!("complaint {id}"),
            phone: None,
            shop_name: Some("shop".into()),
            url: None,
            amount: Some(12.5),
        }
    }

    fn link(id: &str, seller: &str) -> ComplaintLink {
        ComplaintLink {
            complaint_id: id.into(),
            seller: SellerRef::new("shopee", seller),
            kind: "phone".into(),
            value: "0901234567".into(),
            field: "text".into(),
            start: 0,
            end: 3,
            quote: "abc".into(),
        }
    }

    #[tokio::test]
    async fn long_seller_lists_are_chunked_and_merged_newest_first() {
        let (_dir, s) = store();
        let n = 2 * CHUNK + 7;
        // Complaint i names seller i; seller names sort apart from complaint times.
        let complaints: Vec<Complaint> = (0..n)
            .map(|i| complaint(&format!("C{i:04}"), i as i64))
            .collect();
        let links: Vec<ComplaintLink> = (0..n)
            .map(|i| link(&format!("C{i:04}"), &format!("s{}", n - i)))
            .collect();
        let put = s.put_complaints(&complaints, &links).await.unwrap();
        assert_eq!(
            put,
            ComplaintsPut {
                complaints: n,
                links: n
            }
        );
        let mut sellers: Vec<SellerRef> = links.iter().map(|l| l.seller.clone()).collect();
        sellers.push(sellers[0].clone());
        let of = s.complaints_of(&sellers).await.unwrap();
        let ids: Vec<&str> = of.iter().map(|c| c.complaint.id.as_str()).collect();
        let newest_first: Vec<String> = (0..n).rev().map(|i| format!("C{i:04}")).collect();
        assert_eq!(ids, newest_first, "each once, newest first across chunks");
        assert_eq!(s.complaint_counts().await.unwrap().len(), n);
    }

    #[tokio::test]
    async fn a_change_within_a_batch_counts_and_the_last_version_stays() {
        let (_dir, s) = store();
        let a = complaint("A", 0);
        let a2 = Complaint {
            text: "corrected".into(),
            ..a.clone()
        };
        let put = s
            .put_complaints(&[a.clone(), a.clone(), a2.clone()], &[])
            .await
            .unwrap();
        assert_eq!(put.complaints, 2, "an identical repeat is not counted");
        let links = [link("A", "x"), link("A", "x")];
        let put = s
            .put_complaints(std::slice::from_ref(&a2), &links)
            .await
            .unwrap();
        assert_eq!(
            put,
            ComplaintsPut {
                complaints: 0,
                links: 1
            }
        );
        let of = s
            .complaints_of(&[SellerRef::new("shopee", "x")])
            .await
            .unwrap();
        assert_eq!(of.len(), 1);
        assert_eq!(of[0].complaint, a2);
    }

    #[tokio::test]
    async fn a_link_without_its_complaint_is_neither_shown_nor_counted() {
        let (_dir, s) = store();
        let put = s.put_complaints(&[], &[link("X", "x")]).await.unwrap();
        assert_eq!(
            put,
            ComplaintsPut {
                complaints: 0,
                links: 1
            }
        );
        let x = [SellerRef::new("shopee", "x")];
        assert!(s.complaints_of(&x).await.unwrap().is_empty());
        assert!(s.complaint_counts().await.unwrap().is_empty());
        assert!(s.complaints_of(&[]).await.unwrap().is_empty());
        assert_eq!(
            s.put_complaints(&[], &[]).await.unwrap(),
            ComplaintsPut::default()
        );
    }

    #[tokio::test]
    async fn a_time_out_of_form_is_refused_and_nothing_of_its_import_is_kept() {
        let (_dir, s) = store();
        let far = Complaint {
            received_at: DateTime::from_timestamp(400_000_000_000, 0).unwrap(),
            ..complaint("B", 0)
        };
        let e = s
            .put_complaints(&[complaint("A", 0), far], &[link("A", "x")])
            .await
            .unwrap_err();
        assert!(e.is_content(), "{e:?}");
        assert!(s.complaint_counts().await.unwrap().is_empty());
        let x = [SellerRef::new("shopee", "x")];
        assert!(s.complaints_of(&x).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_corrupt_row_is_named() {
        let (dir, s) = store();
        s.put_complaints(&[complaint("A", 0)], &[link("A", "x")])
            .await
            .unwrap();
        let x = [SellerRef::new("shopee", "x")];
        let c = Connection::open(dir.path().join("soi.db")).unwrap();
        c.execute_batch("UPDATE complaint_links SET char_start = -1;")
            .unwrap();
        let e = s.complaints_of(&x).await.unwrap_err();
        assert_eq!(corrupt_table(&e), Some(LINKS), "{e:?}");
        c.execute_batch(
            "UPDATE complaint_links SET char_start = 0;
             UPDATE complaints SET body = '{\"id\": 1}';",
        )
        .unwrap();
        let e = s.complaints_of(&x).await.unwrap_err();
        assert_eq!(corrupt_table(&e), Some(COMPLAINTS), "{e:?}");
        c.execute_batch("UPDATE complaints SET body = x'00';")
            .unwrap();
        let e = s.complaints_of(&x).await.unwrap_err();
        assert_eq!(corrupt_table(&e), Some(COMPLAINTS), "{e:?}");
    }
}
