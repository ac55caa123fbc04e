//! `pipelines/evidence.toml`: how often a long crawl seals a batch and which time-stamping
//! authority (if any) timestamps the batches. The file is optional; without it batches are sealed
//! every 60 minutes at most and signed only.
//!
//! ```toml
//! batch_minutes = 30
//! [tsa]
//! url = "https://tsa.example/tsr"   # any RFC 3161 TSA over HTTP(S)
//! ca = "tsa-ca.pem"                 # optional: the TSA's CA, relative to this file; tokens chain to it
//! timeout_s = 20
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;

/// The file's name in the pipelines folder.
pub const CONFIG_FILE: &str = "evidence.toml";

/// The evidence settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceConfig {
    /// A batch is sealed at the latest this many minutes after its first capture.
    #[serde(default = "default_batch_minutes")]
    pub batch_minutes: u32,
    /// The time-stamping authority; none: batches are signed only.
    #[serde(default)]
    pub tsa: Option<TsaConfig>,
}

/// An RFC 3161 time-stamping authority.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TsaConfig {
    pub url: String,
    /// PEM file of the TSA's CA certificate(s): tokens must chain to it. Without it a token's
    /// signature is checked against the certificate it carries only.
    #[serde(default)]
    pub ca: Option<PathBuf>,
    #[serde(default = "default_timeout_s")]
    pub timeout_s: u64,
}

fn default_batch_minutes() -> u32 {
    60
}

fn default_timeout_s() -> u64 {
    20
}

impl Default for EvidenceConfig {
    fn default() -> EvidenceConfig {
        EvidenceConfig {
            batch_minutes: default_batch_minutes(),
            tsa: None,
        }
    }
}

impl EvidenceConfig {
    /// Reads `dir/evidence.toml`; the defaults when it is absent. A relative `tsa.ca` is taken
    /// relative to `dir`.
    pub fn load(dir: &Path) -> Result<EvidenceConfig, ConfigError> {
        let path = dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(EvidenceConfig::default())
            }
            Err(source) => return Err(ConfigError::Io { path, source }),
        };
        let mut config: EvidenceConfig =
            toml::from_str(&text).map_err(|e| ConfigError::Invalid {
                path: path.clone(),
                why: e.to_string(),
            })?;
        if config.batch_minutes == 0 {
            return Err(ConfigError::Invalid {
                path,
                why: "batch_minutes must be at least 1".into(),
            });
        }
        if let Some(tsa) = &mut config.tsa {
            if let Some(ca) = &tsa.ca {
                if ca.is_relative() {
                    tsa.ca = Some(dir.join(ca));
                }
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_file_is_the_defaults_and_a_relative_ca_is_resolved() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            EvidenceConfig::load(dir.path()).unwrap(),
            EvidenceConfig::default()
        );
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "batch_minutes = 5\n[tsa]\nurl = \"http://127.0.0.1:1/\"\nca = \"ca.pem\"\n",
        )
        .unwrap();
        let c = EvidenceConfig::load(dir.path()).unwrap();
        assert_eq!(c.batch_minutes, 5);
        let tsa = c.tsa.unwrap();
        assert_eq!(tsa.ca, Some(dir.path().join("ca.pem")));
        assert_eq!(tsa.timeout_s, 20);
    }

    #[test]
    fn unknown_keys_and_zero_minutes_are_refused_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, "batch_minutes = 0\n").unwrap();
        let e = EvidenceConfig::load(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("evidence.toml") && e.contains("at least 1"),
            "{e}"
        );
        std::fs::write(&path, "tsa_url = \"x\"\n").unwrap();
        let e = EvidenceConfig::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("tsa_url"), "{e}");
    }
}
