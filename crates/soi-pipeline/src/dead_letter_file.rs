//! Dead letters of an in-process run, kept in a JSON Lines file: the in-process bus forgets a
//! topic when the process ends, and a dead letter must never be dropped silently. Each record is
//! synced to disk before it is acknowledged; the file is created on the first dead letter only.

use std::path::PathBuf;

use soi_bus::{Bus, TOPIC_DLQ};
use tokio::io::AsyncWriteExt;
use tokio::task::JoinHandle;

use crate::PipelineError;

/// Subscribes to the dead-letter topic now, then appends every dead letter to `path` until the
/// topic ends. The task returns how many it wrote.
pub async fn spawn_dead_letter_file(
    bus: &dyn Bus,
    group: &str,
    path: PathBuf,
) -> Result<JoinHandle<Result<u64, PipelineError>>, PipelineError> {
    let mut sub = bus.subscribe(TOPIC_DLQ, group).await?;
    Ok(tokio::spawn(async move {
        let io = |e: std::io::Error| PipelineError::DeadLetterFile {
            path: path.clone(),
            source: e,
        };
        let mut n = 0u64;
        let mut file: Option<tokio::fs::File> = None;
        while let Some(d) = sub.next().await? {
            let mut f = match file.take() {
                Some(f) => f,
                None => {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        tokio::fs::create_dir_all(dir).await.map_err(io)?;
                    }
                    tokio::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&path)
                        .await
                        .map_err(io)?
                }
            };
            let mut line = d.message.payload.clone();
            line.push(b'\n');
            f.write_all(&line).await.map_err(io)?;
            f.sync_data().await.map_err(io)?;
            file = Some(f);
            sub.ack(&d.origin).await?;
            n += 1;
        }
        if n > 0 {
            tracing::warn!(count = n, path = %path.display(), "dead letters written");
        }
        Ok(n)
    }))
}
