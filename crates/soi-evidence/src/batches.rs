//! The batches folder, `evidence/batches/`: per batch `ID.manifest.json` (the canonical manifest
//! bytes), `ID.sig` (the raw 64-byte Ed25519 signature of those bytes) and, once the TSA answered,
//! `ID.tst` (the RFC 3161 token, DER). Raw files, so a recipient checks them with OpenSSL alone.
//!
//! The signature is written before the manifest, and the manifest is the commit point: a crash
//! leaves either a whole batch or an unused signature file that the next seal overwrites. Files go
//! through `soi_crawl::durable` (fsynced, renamed into place, 0600).

use std::path::{Path, PathBuf};

use crate::error::SealError;
use crate::manifest::Manifest;

const MANIFEST: &str = ".manifest.json";

/// The batches of one evidence folder.
pub struct Batches {
    dir: PathBuf,
}

impl Batches {
    /// The batches of the evidence folder `evidence_dir` (created when needed).
    pub fn open(evidence_dir: &Path) -> Result<Batches, SealError> {
        let dir = evidence_dir.join("batches");
        soi_crawl::durable::private_dirs(&dir).map_err(|source| SealError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(Batches { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}{MANIFEST}"))
    }

    pub fn signature_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.sig"))
    }

    pub fn token_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.tst"))
    }

    /// Every batch id, oldest first.
    pub fn ids(&self) -> Result<Vec<String>, SealError> {
        let io = |source| SealError::Io {
            path: self.dir.clone(),
            source,
        };
        let mut ids = vec![];
        for entry in std::fs::read_dir(&self.dir).map_err(io)? {
            let name = entry.map_err(io)?.file_name();
            if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(MANIFEST)) {
                ids.push(id.to_string());
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// The id the next batch gets (ids sort by age).
    pub fn next_id(&self) -> Result<String, SealError> {
        let last = self.ids()?.last().and_then(|id| id.parse::<u64>().ok());
        Ok(format!("{:06}", last.map_or(1, |n| n + 1)))
    }

    fn read(&self, path: PathBuf) -> Result<Vec<u8>, SealError> {
        std::fs::read(&path).map_err(|source| SealError::Io { path, source })
    }

    pub fn manifest_bytes(&self, id: &str) -> Result<Vec<u8>, SealError> {
        self.read(self.manifest_path(id))
    }

    pub fn signature(&self, id: &str) -> Result<Vec<u8>, SealError> {
        self.read(self.signature_path(id))
    }

    /// The batch's token, `None` while it has none.
    pub fn token(&self, id: &str) -> Result<Option<Vec<u8>>, SealError> {
        let path = self.token_path(id);
        match std::fs::read(&path) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(SealError::Io { path, source }),
        }
    }

    /// The parsed manifest of batch `id`.
    pub fn manifest(&self, id: &str) -> Result<Manifest, SealError> {
        let bytes = self.manifest_bytes(id)?;
        Manifest::from_bytes(&bytes).map_err(|why| SealError::Manifest {
            path: self.manifest_path(id),
            why,
        })
    }

    /// The evidence-log position the next batch starts at.
    pub fn next_record(&self) -> Result<usize, SealError> {
        match self.ids()?.last() {
            Some(id) => Ok(self.manifest(id)?.next_record()),
            None => Ok(0),
        }
    }

    fn write(&self, path: PathBuf, bytes: &[u8]) -> Result<(), SealError> {
        soi_crawl::durable::write(&path, bytes).map_err(|source| SealError::Io { path, source })
    }

    /// Writes a sealed batch: its signature, then its manifest.
    pub fn write_batch(
        &self,
        id: &str,
        manifest: &[u8],
        signature: &[u8],
    ) -> Result<(), SealError> {
        self.write(self.signature_path(id), signature)?;
        self.write(self.manifest_path(id), manifest)
    }

    pub fn write_token(&self, id: &str, token: &[u8]) -> Result<(), SealError> {
        self.write(self.token_path(id), token)
    }
}
