//! Sealing: every capture not yet in a batch goes into a new one, whose manifest is signed.
//!
//! A [`Sealer`] is the evidence store's capture hook during a crawl: it seals when the open
//! batch's first capture is `batch_minutes` old, so a long crawl is sealed piecewise and a lost
//! machine loses at most that much unsigned evidence. The crawl seals the rest when it ends
//! ([`Sealer::seal`]). Timestamps come separately ([`crate::timestamp`]): sealing never waits on
//! the network.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signer, SigningKey};
use soi_crawl::{CaptureHook, EvidenceRecord, EvidenceStore};

use crate::batches::Batches;
use crate::error::SealError;
use crate::manifest::{Capture, Manifest, FORMAT};

/// Seals captures into signed batches.
pub struct Sealer {
    key: SigningKey,
    batches: Batches,
    every: Duration,
    /// When the open batch's first capture (seen by the hook) was fetched.
    open_since: Mutex<Option<DateTime<Utc>>>,
}

impl Sealer {
    pub fn new(key: SigningKey, batches: Batches, batch_minutes: u32) -> Sealer {
        Sealer {
            key,
            batches,
            every: Duration::minutes(i64::from(batch_minutes)),
            open_since: Mutex::new(None),
        }
    }

    pub fn batches(&self) -> &Batches {
        &self.batches
    }

    /// Seals every capture of `store` not yet in a batch into one new batch; its id, or `None`
    /// when there was nothing to seal.
    pub fn seal(&self, store: &EvidenceStore) -> Result<Option<String>, SealError> {
        let mut open = self.open_since.lock().unwrap_or_else(|p| p.into_inner());
        let records = store.records()?;
        let from = self.batches.next_record()?;
        let Some(rest) = records.get(from..).filter(|r| !r.is_empty()) else {
            return Ok(None);
        };
        let id = self.batches.next_id()?;
        let manifest = Manifest {
            format: FORMAT.into(),
            batch: id.clone(),
            sealed_at: Utc::now(),
            public_key: crate::keys::public_hex(&self.key.verifying_key()),
            captures: rest
                .iter()
                .enumerate()
                .map(|(i, r)| Capture::of(from + i, r))
                .collect(),
        };
        let bytes = manifest.to_bytes();
        let signature = self.key.sign(&bytes);
        self.batches
            .write_batch(&id, &bytes, &signature.to_bytes())?;
        *open = None;
        tracing::info!(batch = %id, captures = rest.len(), "evidence batch sealed and signed");
        Ok(Some(id))
    }
}

impl CaptureHook for Sealer {
    fn captured(&self, store: &EvidenceStore, rec: &EvidenceRecord) {
        let due = {
            let mut open = self.open_since.lock().unwrap_or_else(|p| p.into_inner());
            let since = *open.get_or_insert(rec.fetched_at);
            rec.fetched_at - since >= self.every
        };
        if due {
            if let Err(e) = self.seal(store) {
                tracing::warn!(error = %e, "evidence batch not sealed; the crawl's end tries again");
            }
        }
    }
}
