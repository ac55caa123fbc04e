//! What a crawl needs from this crate, in two calls: [`CrawlEvidence::open`] gives the evidence
//! store with the sealer hooked in, [`CrawlEvidence::finish`] seals the rest and timestamps what
//! waits. Without a signing key the crawl still captures, with a warning: evidence is never lost
//! for want of a signature, and the next crawl with a key seals it.

use std::path::Path;
use std::sync::Arc;

use soi_crawl::EvidenceStore;

use crate::batches::Batches;
use crate::config::EvidenceConfig;
use crate::error::Error;
use crate::keys;
use crate::seal::Sealer;
use crate::timestamp;
use crate::tsa::TsaClient;

/// The evidence store of a crawl, sealing as it goes.
pub struct CrawlEvidence {
    pub store: EvidenceStore,
    sealer: Option<Arc<Sealer>>,
    config: EvidenceConfig,
}

impl CrawlEvidence {
    /// Opens `home/evidence` with the key of `home` and the settings of `pipelines/evidence.toml`.
    pub fn open(home: &Path, pipelines: &Path) -> Result<CrawlEvidence, Error> {
        let config = EvidenceConfig::load(pipelines)?;
        let dir = home.join("evidence");
        let mut store = EvidenceStore::open(&dir)?;
        let sealer = match keys::load(home)? {
            Some(key) => {
                let s = Arc::new(Sealer::new(key, Batches::open(&dir)?, config.batch_minutes));
                store = store.with_hook(s.clone());
                Some(s)
            }
            None => {
                tracing::warn!(
                    "no evidence signing key (run `soi keys init`): captures are kept but not signed"
                );
                None
            }
        };
        Ok(CrawlEvidence {
            store,
            sealer,
            config,
        })
    }

    /// Seals the captures not yet in a batch and timestamps every batch without a token; one
    /// line saying what happened. Failures are warnings: the captures are kept either way.
    pub async fn finish(&self) -> String {
        let Some(sealer) = &self.sealer else {
            return "evidence not signed (no key: run `soi keys init`)".into();
        };
        let sealed = match sealer.seal(&self.store) {
            Ok(Some(id)) => format!("evidence batch {id} signed"),
            Ok(None) => "no new evidence to sign".into(),
            Err(e) => {
                tracing::warn!(error = %e, "evidence batch not sealed");
                format!("evidence not signed: {e}")
            }
        };
        let Some(tsa) = &self.config.tsa else {
            return sealed;
        };
        let round = match TsaClient::new(tsa) {
            Ok(client) => timestamp::pending(sealer.batches(), &client).await,
            Err(e) => Err(e),
        };
        match round {
            Ok(r) if r.failure.is_none() => {
                format!("{sealed}; {} batch(es) timestamped", r.stamped.len())
            }
            Ok(r) => format!(
                "{sealed}; {} batch(es) timestamped, {} waiting for the TSA ({})",
                r.stamped.len(),
                r.pending.len(),
                r.failure.map(|(_, e)| e.to_string()).unwrap_or_default()
            ),
            Err(e) => format!("{sealed}; not timestamped: {e}"),
        }
    }
}
