//! What the crawler remembers between runs, per marketplace: each page's validators (for
//! conditional GET), the sha256 of its last body (so an unchanged page emits nothing new), and
//! the extraction health of the last crawls (what a new crawl's fill rates are compared with).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::CrawlError;

/// Memory of one page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PageState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    pub sha256: String,
}

/// Pages by canonical URL.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CrawlState {
    #[serde(default)]
    pub pages: BTreeMap<String, PageState>,
    /// The last crawls' extraction health, oldest first.
    #[serde(default)]
    pub health: Vec<crate::health::Health>,
    #[serde(skip)]
    path: PathBuf,
}

impl CrawlState {
    /// `<state_dir>/crawl/<marketplace>.json`, empty when absent.
    pub fn load(state_dir: &Path, marketplace: &str) -> Result<CrawlState, CrawlError> {
        let path = state_dir.join("crawl").join(format!("{marketplace}.json"));
        let mut st: CrawlState = match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| CrawlError::State {
                path: path.clone(),
                why: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CrawlState::default(),
            Err(e) => {
                return Err(CrawlError::State {
                    path,
                    why: e.to_string(),
                })
            }
        };
        st.path = path;
        Ok(st)
    }

    /// Writes the state durably (temporary file, fsync, rename, folder fsync): after a crash the
    /// last saved state is whole, so a restart neither re-emits nor skips what it recorded.
    pub fn save(&self) -> Result<(), CrawlError> {
        let fail = |e: std::io::Error| CrawlError::State {
            path: self.path.clone(),
            why: e.to_string(),
        };
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        crate::durable::write(&self.path, &text).map_err(fail)
    }
}
