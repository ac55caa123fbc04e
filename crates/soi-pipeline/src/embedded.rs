//! The whole pipeline in one process, as `soi run` runs it: a feed (the crawler, or a file of
//! listings) publishes onto the bus, the score stage, the scored-listings sink and the seller sink
//! run beside it, and dead letters go to a JSON Lines file.
//!
//! Why here and not in the CLI: the wiring (which stage reads which topic, the order in which
//! topics are closed so that every stage drains what it was sent, where dead letters end up) is
//! the pipeline's behaviour, and it must be testable without the binary. Shutdown is a future the
//! caller chooses (a signal, a timer, a test's channel): when it completes first, the feed is
//! stopped, and everything already published is still scored, stored or dead-lettered before
//! [`run_embedded`] returns.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use soi_bus::{Bus, TOPIC_DLQ, TOPIC_LISTINGS, TOPIC_SELLERS};
use soi_score::Scorer;
use soi_store::{LinkStore, Store};
use tokio::task::JoinHandle;

use crate::dead_letter_file::spawn_dead_letter_file;
use crate::{
    run_score_stage, run_scored_sink_linked, run_seller_sink, BatchOptions, PipelineError,
    StageReport,
};

/// The consumer group of the stages run in one process.
pub const GROUP: &str = "soi-run";

/// The stages of an embedded run, for progress callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Score,
    Sink,
    Sellers,
}

/// Called after every batch of a stage.
pub type Progress = Arc<dyn Fn(Stage, &StageReport) + Send + Sync>;

/// How an embedded run is wired.
#[derive(Clone)]
pub struct EmbeddedOptions {
    pub batch: BatchOptions,
    /// The JSON Lines file dead letters are appended to; `None` leaves them on the bus's
    /// dead-letter topic (Kafka keeps them; `soi dlq` reads them there).
    pub dead_letter_file: Option<PathBuf>,
    pub progress: Progress,
    /// Where the scored sink links the sellers it stores; `None` links nothing.
    pub links: Option<Arc<dyn LinkStore>>,
}

impl EmbeddedOptions {
    /// Default batches, dead letters appended to `dead_letter_file`, no progress callback.
    pub fn new(dead_letter_file: Option<PathBuf>) -> Self {
        EmbeddedOptions {
            batch: BatchOptions::default(),
            dead_letter_file,
            progress: Arc::new(|_: Stage, _: &StageReport| {}),
            links: None,
        }
    }
}

/// What an embedded run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbeddedReport {
    pub scored: StageReport,
    pub stored: StageReport,
    pub sellers: StageReport,
    /// Dead letters written to the file; `None` when they stayed on the bus.
    pub dead_letters: Option<u64>,
    /// The shutdown future completed before the feed did.
    pub shut_down: bool,
}

/// Runs the stages on `bus` while `feed` publishes to it, until `feed` completes or `shutdown`
/// does, whichever comes first; then closes the input topics, waits for every stage to drain
/// them, and closes the dead-letter topic. Returns the feed's output (`None` when it was stopped
/// by `shutdown`) and the report. The stages subscribe before `feed` is first polled.
pub async fn run_embedded<T>(
    bus: Arc<dyn Bus>,
    store: Arc<dyn Store>,
    scorer: Arc<dyn Scorer>,
    opts: EmbeddedOptions,
    feed: impl Future<Output = T>,
    shutdown: impl Future<Output = ()>,
) -> Result<(Option<T>, EmbeddedReport), PipelineError> {
    let dlq = match &opts.dead_letter_file {
        Some(path) => Some(spawn_dead_letter_file(bus.as_ref(), GROUP, path.clone()).await?),
        None => None,
    };
    let stages = Stages::spawn(&bus, store, scorer, &opts);
    let (fed, shut_down) = tokio::select! {
        out = feed => (Some(out), false),
        () = shutdown => {
            tracing::warn!("shutting down: the feed is stopped, what it published is finished");
            (None, true)
        }
    };
    // Whatever happened, end the topics so the stages drain what they have and stop.
    bus.close(TOPIC_LISTINGS).await?;
    bus.close(TOPIC_SELLERS).await?;
    let (scored, stored, sellers) = stages.join().await?;
    bus.close(TOPIC_DLQ).await?;
    let dead_letters = match dlq {
        Some(d) => Some(joined(d).await?),
        None => None,
    };
    let report = EmbeddedReport {
        scored,
        stored,
        sellers,
        dead_letters,
        shut_down,
    };
    Ok((fed, report))
}

type StageTask = JoinHandle<Result<StageReport, PipelineError>>;

/// The three stage tasks.
struct Stages {
    score: StageTask,
    sink: StageTask,
    sellers: StageTask,
}

impl Stages {
    fn spawn(
        bus: &Arc<dyn Bus>,
        store: Arc<dyn Store>,
        scorer: Arc<dyn Scorer>,
        opts: &EmbeddedOptions,
    ) -> Stages {
        let batch = opts.batch;
        let progress = |stage: Stage| {
            let p = opts.progress.clone();
            move |r: &StageReport| p(stage, r)
        };
        let (b, p) = (bus.clone(), progress(Stage::Score));
        let score =
            tokio::spawn(
                async move { run_score_stage(b.as_ref(), GROUP, scorer, batch, &p).await },
            );
        let (b, st, p) = (bus.clone(), store.clone(), progress(Stage::Sink));
        let links = opts.links.clone();
        let sink = tokio::spawn(async move {
            run_scored_sink_linked(b.as_ref(), GROUP, st, links, batch, &p).await
        });
        let (b, p) = (bus.clone(), progress(Stage::Sellers));
        let sellers =
            tokio::spawn(async move { run_seller_sink(b.as_ref(), GROUP, store, batch, &p).await });
        Stages {
            score,
            sink,
            sellers,
        }
    }

    /// Waits for all three; the first error wins, but every task is waited for.
    async fn join(self) -> Result<(StageReport, StageReport, StageReport), PipelineError> {
        let score = joined(self.score).await;
        let sink = joined(self.sink).await;
        let sellers = joined(self.sellers).await;
        Ok((score?, sink?, sellers?))
    }
}

async fn joined<T>(task: JoinHandle<Result<T, PipelineError>>) -> Result<T, PipelineError> {
    task.await.map_err(|e| PipelineError::Join(e.to_string()))?
}
