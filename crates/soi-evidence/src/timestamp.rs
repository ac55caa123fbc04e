//! Timestamping the batches that have no token yet: after every crawl, and by
//! `soi evidence timestamp`. Oldest first; the first failure to reach the TSA stops the round
//! (the rest would only wait out the same timeout), and the batches wait for the next one.

use crate::batches::Batches;
use crate::error::TimestampError;
use crate::tsa::TsaClient;

/// What a round did.
#[derive(Debug, Default)]
pub struct Round {
    /// Batches that got their token now.
    pub stamped: Vec<String>,
    /// Batches still without one.
    pub pending: Vec<String>,
    /// Why the round stopped early, with the batch it was on.
    pub failure: Option<(String, TimestampError)>,
}

/// Timestamps every batch in `batches` that has no token.
pub async fn pending(batches: &Batches, tsa: &TsaClient) -> Result<Round, TimestampError> {
    let mut round = Round::default();
    for id in batches.ids()? {
        if batches.token(&id)?.is_some() {
            continue;
        }
        if round.failure.is_some() {
            round.pending.push(id);
            continue;
        }
        let manifest = batches.manifest_bytes(&id)?;
        match tsa.stamp(&manifest).await {
            Ok(token) => {
                batches.write_token(&id, &token)?;
                tracing::info!(batch = %id, tsa = tsa.url(), "evidence batch timestamped");
                round.stamped.push(id);
            }
            Err(e) => {
                tracing::warn!(batch = %id, error = %e, "evidence batch not timestamped; it waits for the TSA");
                round.pending.push(id.clone());
                round.failure = Some((id, e));
            }
        }
    }
    Ok(round)
}
