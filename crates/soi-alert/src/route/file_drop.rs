//! File drop: each alert lands in a folder as `KEY.json`, written to a temporary name and renamed,
//! so a reader never sees half a file and a repeated delivery replaces nothing.

use std::path::PathBuf;

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
        tokio::fs::create_dir_all(&self.dir).await?;
        let path = self.dir.join(format!("{}.json", out.key));
        if tokio::fs::try_exists(&path).await? {
            return Ok(format!("already in {}", path.display()));
        }
        let tmp = self.dir.join(format!(".{}.json.tmp", out.key));
        let mut f = tokio::fs::File::create(&tmp).await?;
        f.write_all(&out.body).await?;
        f.sync_all().await?;
        drop(f);
        tokio::fs::rename(&tmp, &path).await?;
        Ok(format!("written to {}", path.display()))
    }
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
