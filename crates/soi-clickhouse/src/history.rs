//! Verdict history and the stored-listing walk (`soi_store::history`) on ClickHouse.
//!
//! Every verdict version ever inserted is in `verdict_history` (kept by a view on `verdicts`,
//! migration 8), current one included; `version` is the write order. The walk reads a page of
//! listing keys with `FINAL`, then the latest verdict and seller bodies of the page by key
//! (`argMax` over the version, as the write path's hash reads do).

use soi_model::{Listing, Seller, Verdict};
use soi_store::{order_history, parse_stored, HistoryOf, ListingDetail, ListingScan, StoreError};

use crate::rows::KeyBody;
use crate::ClickHouseStore;

impl ClickHouseStore {
    pub(crate) async fn read_verdict_history(
        &self,
        marketplace: &str,
        of: HistoryOf<'_>,
    ) -> Result<Vec<Verdict>, StoreError> {
        let (col, id) = match of {
            HistoryOf::Listing(id) => ("listing_id", id),
            HistoryOf::Seller(id) => ("seller_id", id),
        };
        // One row per listing and version: a version copied twice (a repeated migration, a
        // retried insert) is one write.
        let sql = format!(
            "SELECT listing_id AS key, any(body) AS body FROM verdict_history
             WHERE marketplace = ? AND {col} = ?
             GROUP BY listing_id, version ORDER BY listing_id, version"
        );
        let rows: Vec<KeyBody> = self
            .retry("verdict history", || {
                self.client
                    .query(&sql)
                    .bind(marketplace)
                    .bind(id)
                    .fetch_all::<KeyBody>()
            })
            .await?;
        let verdicts = rows
            .into_iter()
            .map(|r| {
                parse_stored::<Verdict>("verdicts", &format!("{marketplace}/{}", r.key), &r.body)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(order_history(verdicts))
    }

    pub(crate) async fn read_stored_listings(
        &self,
        q: &ListingScan,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let (am, aid) = q.after.clone().unwrap_or_default();
        let m = q.marketplace.clone().unwrap_or_default();
        let since = q.since.map(|t| t.timestamp().max(0)).unwrap_or(0);
        let page: Vec<KeyBody> = self
            .retry("stored listings", || {
                self.client
                    .query(
                        "SELECT concat(marketplace, '/', id) AS key, body FROM listings FINAL
                         WHERE (marketplace > ? OR (marketplace = ? AND id > ?))
                           AND (? = '' OR marketplace = ?)
                           AND (? = 0 OR observed_at = toDateTime(0)
                                OR observed_at >= toDateTime(?))
                         ORDER BY marketplace, id LIMIT ?",
                    )
                    .bind(&am)
                    .bind(&am)
                    .bind(&aid)
                    .bind(&m)
                    .bind(&m)
                    .bind(since)
                    .bind(since)
                    .bind(q.limit as u64)
                    .fetch_all::<KeyBody>()
            })
            .await?;
        let listings = page
            .into_iter()
            .map(|r| {
                Ok((
                    r.key.clone(),
                    parse_stored::<Listing>("listings", &r.key, &r.body)?,
                ))
            })
            .collect::<Result<Vec<(String, Listing)>, StoreError>>()?;
        let keys: Vec<String> = listings.iter().map(|(k, _)| k.clone()).collect();
        let verdicts = self.latest("verdicts", "listing_id", "body", &keys).await?;
        let seller_keys: Vec<String> = {
            let mut ks: Vec<String> = listings
                .iter()
                .filter_map(|(_, l)| l.seller_id().map(|s| format!("{}/{s}", l.marketplace)))
                .collect();
            ks.sort();
            ks.dedup();
            ks
        };
        let sellers = self.latest("sellers", "id", "body", &seller_keys).await?;
        listings
            .into_iter()
            .map(|(key, listing)| {
                let verdict = verdicts
                    .get(&key)
                    .map(|b| parse_stored::<Verdict>("verdicts", &key, b))
                    .transpose()?;
                let seller = match listing.seller_id() {
                    Some(s) => {
                        let sk = format!("{}/{s}", listing.marketplace);
                        sellers
                            .get(&sk)
                            .map(|b| parse_stored::<Seller>("sellers", &sk, b))
                            .transpose()?
                    }
                    None => None,
                };
                Ok(ListingDetail {
                    listing,
                    verdict,
                    seller,
                })
            })
            .collect()
    }
}
