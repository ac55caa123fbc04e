//! `soi dlq list|replay`: the dead letters, i.e. messages a stage could not handle.
//!
//! On Kafka they are the `dlq` topic; in process, `soi run` writes them to
//! HOME/dead-letters.jsonl. `list` prints each as one JSON line (error, stage, origin topic,
//! partition, offset, key, payload). `replay` (Kafka) publishes each payload again to the topic it
//! came from, once per dead letter (the replayer's consumer group remembers what it replayed), for
//! after the cause was fixed.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use soi_bus::TOPIC_DLQ;
use soi_pipeline::DeadLetter;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Print every dead letter as a JSON line.
    List,
    /// Publish every not yet replayed dead letter again to its original topic (Kafka).
    Replay,
}

/// How long the topic must stay quiet before we consider it read to the end.
const QUIET: Duration = Duration::from_secs(3);

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let Some(bus) = g.connect_kafka(Some(QUIET)).await? else {
        return list_file(g, matches!(a.action, Action::Replay));
    };
    let (group, replay) = match a.action {
        // A fresh group per listing reads the whole topic and commits nothing that matters.
        Action::List => (format!("soi-dlq-list-{}", std::process::id()), false),
        Action::Replay => ("soi-dlq-replay".to_string(), true),
    };
    let mut sub = bus.subscribe(TOPIC_DLQ, &group).await?;
    let publisher = bus.publisher();
    let prefix = crate::features::kafka::topic_prefix();
    let mut n = 0u64;
    while let Some(d) = sub.next().await? {
        if replay {
            let dl: DeadLetter = serde_json::from_slice(&d.message.payload)
                .with_context(|| format!("dead letter at offset {}", d.origin.offset))?;
            if dl.payload_truncated {
                // Only the head of an over-size message was kept: replaying it would publish a
                // broken message. Its sha256 and length identify the original.
                eprintln!(
                    "offset {}: not replayed, payload was cut ({} bytes, sha256 {})",
                    d.origin.offset, dl.payload_bytes, dl.payload_sha256
                );
                sub.ack(&d.origin).await?;
                continue;
            }
            let topic = dl.topic.strip_prefix(&prefix).unwrap_or(&dl.topic);
            publisher
                .publish(topic, &dl.key, dl.payload.into_bytes())
                .await?;
            publisher.flush().await?;
        } else {
            println!("{}", String::from_utf8_lossy(&d.message.payload));
        }
        sub.ack(&d.origin).await?;
        n += 1;
    }
    eprintln!(
        "{n} dead letters {}",
        if replay { "replayed" } else { "listed" }
    );
    Ok(ExitCode::SUCCESS)
}

fn list_file(g: &Global, replay: bool) -> anyhow::Result<ExitCode> {
    if replay {
        anyhow::bail!(
            "replay needs --bus kafka://...; in process, fix the input and run `soi run` again"
        );
    }
    let path = g.home.join("dead-letters.jsonl");
    match std::fs::read_to_string(&path) {
        Ok(text) => print!("{text}"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("no dead letters ({} does not exist)", path.display())
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    Ok(ExitCode::SUCCESS)
}
