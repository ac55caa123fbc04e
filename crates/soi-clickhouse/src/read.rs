//! Analysts' queries, and the `Store` implementation.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use soi_model::{Listing, Scored, Seller, Verdict};
use soi_store::{
    parse_stored, summarize_reasons, ListingDetail, SellerQuery, SellerSummary, Store, StoreCounts,
    StoreError,
};

use crate::rows::{Count, KeyBody, SellerAgg};
use crate::{ClickHouseError, ClickHouseStore};

/// Flagged sellers: aggregate the latest verdicts joined to their listings' observation times,
/// then attach the latest seller facts. One join per SELECT, as ClickHouse 18.16 requires.
/// Both sides read only sellers with some verdict row at or above the threshold, in any version
/// (a cheap scan without `FINAL`): a seller with none cannot be flagged, and the join's hash
/// table shrinks from every listing to the candidates' (about a third at 1 million listings).
const FLAGGED_SQL: &str = "
SELECT marketplace, seller_id, flagged, total, max_risk, mean_risk, first_seen, last_seen,
       name, country, cross_border
FROM (
    SELECT marketplace, seller_id,
           countIf(risk >= ?) AS flagged, count() AS total, max(risk) AS max_risk,
           avgIf(risk, risk >= ?) AS mean_risk,
           toUInt32(min(observed_at)) AS first_seen, toUInt32(max(observed_at)) AS last_seen
    FROM (
        SELECT marketplace, listing_id, seller_id, risk FROM verdicts FINAL
        WHERE seller_id != '' AND (? = '' OR marketplace = ?)
          AND (marketplace, seller_id) IN (
              SELECT marketplace, seller_id FROM verdicts WHERE risk >= ? AND seller_id != '')
    )
    ANY INNER JOIN (
        SELECT marketplace, id AS listing_id, observed_at FROM listings FINAL
        WHERE (marketplace, seller_id) IN (
              SELECT marketplace, seller_id FROM verdicts WHERE risk >= ? AND seller_id != '')
    ) USING (marketplace, listing_id)
    WHERE (? = 0 OR observed_at >= toDateTime(?)) AND (? = 0 OR observed_at < toDateTime(?))
    GROUP BY marketplace, seller_id
    HAVING flagged > 0
)
ANY LEFT JOIN (
    SELECT marketplace, id AS seller_id, name, country, cross_border FROM sellers FINAL
) USING (marketplace, seller_id)
WHERE (? = '' OR upper(country) = upper(?))
ORDER BY max_risk DESC, flagged DESC, seller_id
LIMIT ?, ?";

fn time(secs: u32) -> Option<DateTime<Utc>> {
    (secs > 0)
        .then(|| DateTime::from_timestamp(secs as i64, 0))
        .flatten()
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl ClickHouseStore {
    /// The reason summaries of `sellers` in one query: their listings' keys from
    /// `listings_by_seller` (ordered by seller), their latest verdicts by primary key. Asking
    /// per seller filtered `verdicts` by seller, which is not its key: 0.1 s each at 1 million
    /// verdicts, 5 of a queue page's 6 seconds.
    async fn reasons_of(
        &self,
        sellers: &[SellerSummary],
        min_risk: f64,
    ) -> Result<HashMap<String, Vec<soi_store::ReasonSummary>>, StoreError> {
        if sellers.is_empty() {
            return Ok(HashMap::new());
        }
        let keys: Vec<String> = sellers
            .iter()
            .map(|s| format!("{}/{}", s.marketplace, s.seller_id))
            .collect();
        let mut mkts: Vec<&str> = sellers.iter().map(|s| s.marketplace.as_str()).collect();
        mkts.sort_unstable();
        mkts.dedup();
        let ids: Vec<&str> = sellers.iter().map(|s| s.seller_id.as_str()).collect();
        let rows: Vec<KeyBody> = self
            .retry("seller reasons", || {
                self.client
                    .query(
                        "SELECT concat(marketplace, '/', seller_id) AS key, body FROM verdicts FINAL
                         WHERE (marketplace, listing_id) IN (
                             SELECT marketplace, id FROM listings_by_seller
                             WHERE marketplace IN (SELECT arrayJoin(?))
                               AND seller_id IN (SELECT arrayJoin(?)))
                           AND has(?, concat(marketplace, '/', seller_id)) AND risk >= ?
                         ORDER BY risk DESC, listing_id",
                    )
                    .bind(&mkts)
                    .bind(&ids)
                    .bind(&keys)
                    .bind(min_risk)
                    .fetch_all::<KeyBody>()
            })
            .await?;
        let mut by_seller: HashMap<String, Vec<(String, Verdict)>> = HashMap::new();
        for r in rows {
            let v = parse_stored::<Verdict>("verdicts", &r.key, &r.body)?;
            by_seller
                .entry(r.key)
                .or_default()
                .push((v.listing_id.clone(), v));
        }
        Ok(by_seller
            .into_iter()
            .map(|(k, vs)| (k, summarize_reasons(vs)))
            .collect())
    }

    async fn body_of(&self, sql: &str, a: &str, b: &str) -> Result<Vec<KeyBody>, StoreError> {
        Ok(self
            .retry("read", || {
                self.client
                    .query(sql)
                    .bind(a)
                    .bind(b)
                    .fetch_all::<KeyBody>()
            })
            .await?)
    }
}

#[async_trait]
impl Store for ClickHouseStore {
    async fn ping(&self) -> Result<(), StoreError> {
        // One try, no retry: a probe reports the outage instead of waiting it out.
        let one = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            self.client.query("SELECT 1").fetch_one::<u8>(),
        )
        .await
        .map_err(|_| ClickHouseError::Client(clickhouse::error::Error::TimedOut))?;
        one.map_err(ClickHouseError::from)?;
        Ok(())
    }

    async fn put_scored(&self, batch: Vec<Scored>) -> Result<usize, StoreError> {
        Ok(self.put_scored_batch(batch).await?)
    }

    async fn put_sellers(&self, batch: Vec<Seller>) -> Result<usize, StoreError> {
        Ok(self.put_sellers_merged(&batch).await?)
    }

    async fn flagged_sellers(&self, q: &SellerQuery) -> Result<Vec<SellerSummary>, StoreError> {
        let m = q.marketplace.clone().unwrap_or_default();
        let c = q.country.clone().unwrap_or_default();
        let since = q.since.map(|t| t.timestamp().max(1) as u32).unwrap_or(0);
        let until = q.until.map(|t| t.timestamp().max(1) as u32).unwrap_or(0);
        let rows: Vec<SellerAgg> = self
            .retry("flagged sellers", || {
                self.client
                    .query(FLAGGED_SQL)
                    .bind(q.min_risk)
                    .bind(q.min_risk)
                    .bind(&m)
                    .bind(&m)
                    .bind(q.min_risk)
                    .bind(q.min_risk)
                    .bind(since)
                    .bind(since)
                    .bind(until)
                    .bind(until)
                    .bind(&c)
                    .bind(&c)
                    .bind(q.offset as u64)
                    .bind(q.limit as u64)
                    .fetch_all::<SellerAgg>()
            })
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let s = SellerSummary {
                marketplace: r.marketplace,
                seller_id: r.seller_id,
                name: opt(r.name),
                country: opt(r.country),
                cross_border: r.cross_border != 0,
                flagged_listings: r.flagged as usize,
                total_listings: r.total as usize,
                max_risk: r.max_risk,
                mean_risk: if r.mean_risk.is_finite() {
                    r.mean_risk
                } else {
                    0.0
                },
                first_seen: time(r.first_seen),
                last_seen: time(r.last_seen),
                reasons: Vec::new(),
            };
            out.push(s);
        }
        let mut reasons = self.reasons_of(&out, q.min_risk).await?;
        for s in &mut out {
            let key = format!("{}/{}", s.marketplace, s.seller_id);
            s.reasons = reasons.remove(&key).unwrap_or_default();
        }
        Ok(out)
    }

    async fn listing(
        &self,
        marketplace: Option<&str>,
        id: &str,
    ) -> Result<Option<ListingDetail>, StoreError> {
        let m = marketplace.unwrap_or_default();
        // With the marketplace, the primary key finds the row; `? = '' OR marketplace = ?` hid
        // it from the index, and each of a seller page's listings read every listing's id.
        let sql = if marketplace.is_some() {
            "SELECT marketplace AS key, body FROM listings FINAL
             WHERE marketplace = ? AND id = ? ORDER BY marketplace"
        } else {
            "SELECT marketplace AS key, body FROM listings FINAL
             WHERE ? = '' AND id = ? ORDER BY marketplace"
        };
        let found: Vec<KeyBody> = self
            .retry("listing", || {
                self.client
                    .query(sql)
                    .bind(m)
                    .bind(id)
                    .fetch_all::<KeyBody>()
            })
            .await?;
        let (mk, body) = match found.as_slice() {
            [] => return Ok(None),
            [one] => (one.key.clone(), one.body.clone()),
            many => {
                let ms: Vec<_> = many.iter().map(|r| r.key.clone()).collect();
                return Err(StoreError::Ambiguous(id.to_string(), ms.join(", ")));
            }
        };
        let key = format!("{mk}/{id}");
        let listing: Listing = parse_stored("listings", &key, &body)?;
        let verdict = self
            .body_of(
                "SELECT listing_id AS key, body FROM verdicts FINAL WHERE marketplace = ? AND listing_id = ?",
                &mk,
                id,
            )
            .await?
            .first()
            .map(|r| parse_stored::<Verdict>("verdicts", &key, &r.body))
            .transpose()?;
        let seller = match listing.seller_id() {
            Some(sid) => self
                .body_of(
                    "SELECT id AS key, body FROM sellers FINAL WHERE marketplace = ? AND id = ?",
                    &mk,
                    sid,
                )
                .await?
                .first()
                .map(|r| parse_stored::<Seller>("sellers", &format!("{mk}/{sid}"), &r.body))
                .transpose()?,
            None => None,
        };
        Ok(Some(ListingDetail {
            listing,
            verdict,
            seller,
        }))
    }

    async fn seller_listings(
        &self,
        marketplace: Option<&str>,
        seller_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self
            .of_seller("marketplace AS key, id AS body", marketplace, seller_id)
            .await?;
        Ok(rows.into_iter().map(|r| (r.key, r.body)).collect())
    }

    async fn seller_details(
        &self,
        marketplace: &str,
        seller_id: &str,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        self.read_seller_details(marketplace, seller_id).await
    }

    async fn score_days(
        &self,
        since: chrono::NaiveDate,
    ) -> Result<Vec<soi_store::drift::ScoreDay>, StoreError> {
        self.read_score_days(since).await
    }

    async fn verdict_history(
        &self,
        marketplace: &str,
        of: soi_store::HistoryOf<'_>,
    ) -> Result<Vec<Verdict>, StoreError> {
        self.read_verdict_history(marketplace, of).await
    }

    async fn stored_listings(
        &self,
        q: &soi_store::ListingScan,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        self.read_stored_listings(q).await
    }

    async fn counts(&self) -> Result<StoreCounts, StoreError> {
        let n = |table: &'static str| async move {
            let sql = format!("SELECT count() AS n FROM {table} FINAL");
            let rows: Vec<Count> = self
                .retry("count", || self.client.query(&sql).fetch_all::<Count>())
                .await?;
            Ok::<u64, StoreError>(rows.first().map(|c| c.n).unwrap_or(0))
        };
        Ok(StoreCounts {
            listings: n("listings").await?,
            sellers: n("sellers").await?,
            verdicts: n("verdicts").await?,
        })
    }
}
