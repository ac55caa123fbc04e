//! File drop: each alert lands in a folder as `KEY.json`, written to a temporary name and renamed,
//! so a reader never sees half a file and a repeated delivery replaces nothing.
//!
//! Alerts are TLP:RED material, so on unix the folders created for them are 0700 and every file
//! 0600, modes given when each is created: no moment at which another user can read one. A
//! folder that existed before keeps its mode (the files in it are 0600 all the same).

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use tokio::io::AsyncWriteExt;

use super::{Outgoing, Route, RouteFailure};

pub struct FileDrop {
    dir: PathBuf,
}

impl FileDrop {
    pub fn new(dir: PathBuf) -> Self {
        FileDrop { dir }
    }

    async fn write(&self, out: &Outgoing) -> std::io::Result<String> {
        let mut mkdir = tokio::fs::DirBuilder::new();
        mkdir.recursive(true);
        #[cfg(unix)]
        mkdir.mode(0o700);
        mkdir.create(&self.dir).await?;
        let path = self.dir.join(format!("{}.json", out.key));
        if tokio::fs::try_exists(&path).await? {
            return Ok(format!("already in {}", path.display()));
        }
        let tmp = self.dir.join(format!(".{}.json.tmp", out.key));
        let mut f = create_private(&tmp).await?;
        f.write_all(&out.body).await?;
        f.sync_all().await?;
        drop(f);
        tokio::fs::rename(&tmp, &path).await?;
        Ok(format!("written to {}", path.display()))
    }
}

/// A new file readable by its owner only; one left by an interrupted attempt is replaced.
async fn create_private(path: &Path) -> std::io::Result<tokio::fs::File> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut o = tokio::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(0o600);
    o.open(path).await
}

#[async_trait]
impl Route for FileDrop {
    async fn deliver(&self, out: &Outgoing) -> Result<String, RouteFailure> {
        self.write(out).await.map_err(|e| RouteFailure {
            retryable: true,
            why: format!("{}: {e}", self.dir.display()),
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn alert_files_are_owner_only_from_creation() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("alerts/outbox");
        let drop = FileDrop::new(dir.clone());
        let out = Outgoing {
            key: "k1".into(),
            body: b"{\"tlp\":\"red\"}".to_vec(),
            now: chrono::Utc::now(),
        };
        // A leftover of an interrupted attempt, world-readable.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".k1.json.tmp"), b"old").unwrap();
        std::fs::set_permissions(
            dir.join(".k1.json.tmp"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let note = drop.deliver(&out).await.unwrap();
        assert!(note.starts_with("written to"), "{note}");
        assert_eq!(mode(&dir.join("k1.json")), 0o600);
        assert_eq!(std::fs::read(dir.join("k1.json")).unwrap(), out.body);

        let fresh = tmp.path().join("new/a/b");
        FileDrop::new(fresh.clone()).deliver(&out).await.unwrap();
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&tmp.path().join("new/a")), 0o700);
        assert_eq!(mode(&fresh.join("k1.json")), 0o600);
    }
}
