//! Listings read whole (listing, latest verdict, seller) in three queries however many there
//! are: the console's seller page and the rescore walk. Asking [`soi_store::Store::listing`] per
//! listing took three `FINAL` queries each (31 for a seller of ten listings); here the listings'
//! bodies come in one query and their verdicts and sellers in one read by primary key each
//! (`argMax` over the version, as the write path's hash reads do).

use soi_model::{Listing, Seller, Verdict};
use soi_store::{parse_stored, ListingDetail, StoreError};

use crate::rows::KeyBody;
use crate::ClickHouseStore;

impl ClickHouseStore {
    /// `columns` (two, read as `key` and `body`) of the latest listings of one seller, in key
    /// order; `marketplace` may be omitted when the seller id is unique across marketplaces.
    /// The keys come from `listings_by_seller` (ordered by seller: see migration 4), and each
    /// is checked against the latest version of its listing, found by primary key.
    pub(crate) async fn of_seller(
        &self,
        columns: &str,
        marketplace: Option<&str>,
        seller_id: &str,
    ) -> Result<Vec<KeyBody>, StoreError> {
        let by_seller = if marketplace.is_some() {
            "marketplace = ? AND seller_id = ?"
        } else {
            "? = '' AND seller_id = ?"
        };
        let sql = format!(
            "SELECT {columns} FROM listings FINAL
             WHERE (marketplace, id) IN (
                 SELECT marketplace, id FROM listings_by_seller WHERE {by_seller})
               AND seller_id = ?
             ORDER BY marketplace, id"
        );
        let m = marketplace.unwrap_or_default();
        Ok(self
            .retry("seller listings", || {
                self.client
                    .query(&sql)
                    .bind(m)
                    .bind(seller_id)
                    .bind(seller_id)
                    .fetch_all::<KeyBody>()
            })
            .await?)
    }

    /// Every listing of one seller, whole, in key order.
    pub(crate) async fn read_seller_details(
        &self,
        marketplace: &str,
        seller_id: &str,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        let rows = self
            .of_seller(
                "concat(marketplace, '/', id) AS key, body",
                Some(marketplace),
                seller_id,
            )
            .await?;
        self.details(rows).await
    }

    /// `rows` of `(marketplace/id, listing body)` whole, in their order.
    pub(crate) async fn details(
        &self,
        rows: Vec<KeyBody>,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        let listings = rows
            .into_iter()
            .map(|r| {
                let l = parse_stored::<Listing>("listings", &r.key, &r.body)?;
                Ok((r.key, l))
            })
            .collect::<Result<Vec<(String, Listing)>, StoreError>>()?;
        let keys: Vec<String> = listings.iter().map(|(k, _)| k.clone()).collect();
        let verdicts = self.latest("verdicts", "listing_id", "body", &keys).await?;
        let mut seller_keys: Vec<String> = listings
            .iter()
            .filter_map(|(_, l)| l.seller_id().map(|s| format!("{}/{s}", l.marketplace)))
            .collect();
        seller_keys.sort();
        seller_keys.dedup();
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
