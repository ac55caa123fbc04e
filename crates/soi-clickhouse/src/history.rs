//! Verdict history and the stored-listing walk (`soi_store::history`) on ClickHouse.
//!
//! Every verdict version ever inserted is in `verdict_history` (kept by a view on `verdicts`,
//! migration 8), current one included; `version` is the write order. The walk reads a page of
//! listings with `FINAL`, then their verdicts and sellers ([`crate::details`]).

use soi_model::Verdict;
use soi_store::{order_history, parse_stored, HistoryOf, ListingDetail, ListingScan, StoreError};

use crate::rows::KeyBody;
use crate::ClickHouseStore;

impl ClickHouseStore {
    pub(crate) async fn read_verdict_history(
        &self,
        marketplace: &str,
        of: HistoryOf<'_>,
    ) -> Result<Vec<Verdict>, StoreError> {
        let (col, id) = of.key();
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
        self.details(page).await
    }
}
