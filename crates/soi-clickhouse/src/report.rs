//! The rows of cross-border reports, read from the latest version of every row (`FINAL`), in
//! the embedded store's order. The time filter runs in Rust on the parsed bodies
//! ([`ReportQuery::covers`]) as it does there, so both stores answer the same rows.

use async_trait::async_trait;
use soi_store::{ReportQuery, ReportRow, ReportSource, StoreError};

use crate::rows::ReportBodies;
use crate::ClickHouseStore;

/// Flagged verdicts of cross-border sellers, then their listings. One join per SELECT, as
/// ClickHouse 18.16 requires.
const REPORT_SQL: &str = "
SELECT marketplace, listing_id, listing, verdict, seller
FROM (
    SELECT marketplace, listing_id, seller_id, verdict, seller
    FROM (
        SELECT marketplace, listing_id, seller_id, body AS verdict FROM verdicts FINAL
        WHERE seller_id != '' AND risk >= ? AND (? = '' OR marketplace = ?)
    )
    ANY INNER JOIN (
        SELECT marketplace, id AS seller_id, body AS seller FROM sellers FINAL
        WHERE cross_border = 1 AND (? = '' OR upper(country) = upper(?))
    ) USING (marketplace, seller_id)
)
ANY INNER JOIN (
    SELECT marketplace, id AS listing_id, body AS listing FROM listings FINAL
) USING (marketplace, listing_id)
ORDER BY marketplace, seller_id, listing_id";

#[async_trait]
impl ReportSource for ClickHouseStore {
    async fn cross_border_rows(&self, q: &ReportQuery) -> Result<Vec<ReportRow>, StoreError> {
        let m = q.marketplace.clone().unwrap_or_default();
        let c = q.country.clone().unwrap_or_default();
        let rows: Vec<ReportBodies> = self
            .retry("report rows", || {
                self.client
                    .query(REPORT_SQL)
                    .bind(q.min_risk)
                    .bind(&m)
                    .bind(&m)
                    .bind(&c)
                    .bind(&c)
                    .fetch_all::<ReportBodies>()
            })
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let key = format!("{}/{}", r.marketplace, r.listing_id);
            let row = ReportRow::from_bodies(&key, &r.listing, &r.verdict, &r.seller)?;
            if q.covers(&row) {
                out.push(row);
            }
        }
        Ok(out)
    }
}
