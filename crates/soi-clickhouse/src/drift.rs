//! The score distribution per marketplace, head and day ([`soi_store::drift`]), read from the
//! latest verdict of each listing (`FINAL`).
//!
//! Only the scores travel: the heads object is cut out of each stored body by ClickHouse
//! (`visitParamExtractRaw`, which 18.16 has; the verdict's `heads` key comes before its reasons,
//! and a quoted `"heads":` inside a string would be escaped), and the rows are tallied as they
//! stream in, so memory grows with the days, not with the verdicts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime};
use clickhouse::Row;
use serde::Deserialize;
use soi_store::drift::{ScoreDay, ScoreTally};
use soi_store::StoreError;

use crate::{ClickHouseError, ClickHouseStore};

const SQL: &str = "
SELECT marketplace, listing_id, toUInt32(scored_at) AS scored_at, risk,
       visitParamExtractRaw(body, 'heads') AS heads
FROM verdicts FINAL
WHERE scored_at >= toDateTime(?)";

#[derive(Debug, Row, Deserialize)]
struct ScoreRow {
    marketplace: String,
    listing_id: String,
    scored_at: u32,
    risk: f64,
    heads: String,
}

impl ClickHouseStore {
    pub(crate) async fn read_score_days(
        &self,
        since: NaiveDate,
    ) -> Result<Vec<ScoreDay>, StoreError> {
        let from = since
            .and_time(NaiveTime::MIN)
            .and_utc()
            .timestamp()
            .clamp(0, u32::MAX.into()) as u32;
        // A body whose heads do not parse ends the read with an error naming it (inside the
        // retried read: only a server away is tried again).
        let tally = self
            .retry("score days", || async {
                let mut cursor = self.client.query(SQL).bind(from).fetch::<ScoreRow>()?;
                let mut tally = ScoreTally::default();
                while let Some(r) = cursor.next().await? {
                    let heads: BTreeMap<String, f64> = match r.heads.as_str() {
                        "" => BTreeMap::new(),
                        raw => match serde_json::from_str(raw) {
                            Ok(h) => h,
                            Err(e) => {
                                return Ok(Err(StoreError::Corrupt {
                                    table: "verdicts",
                                    key: format!("{}/{}", r.marketplace, r.listing_id),
                                    why: format!("heads: {e}"),
                                }))
                            }
                        },
                    };
                    let at = DateTime::from_timestamp(r.scored_at.into(), 0).unwrap_or_default();
                    tally.add(&r.marketplace, at, r.risk, &heads);
                }
                Ok(Ok(tally))
            })
            .await
            .map_err(|e: ClickHouseError| StoreError::from(e))??;
        Ok(tally.finish())
    }
}
