//! The stages between the crawler and the analysts: score (listings in, scored listings out) and
//! sink (scored listings and seller facts into the store).
//!
//! Why a crate of its own: the same stage code runs inside `soi run` on the in-process bus
//! ([`embedded`]: every stage in one process, dead letters in a file, shutdown as a future) and as
//! separate processes on Kafka; it only sees the [`soi_bus::Bus`] and [`soi_store::Store`] seams.
//!
//! Delivery rules every stage keeps:
//! - a message is acknowledged only after the next stage (or the store) has accepted its result,
//!   so a crash re-delivers it instead of losing it (at-least-once);
//! - a message that cannot be parsed goes to the dead-letter topic with the error and where it
//!   came from, and is then acknowledged: nothing is dropped silently, nothing blocks the stream;
//! - the sink checks every message before it stores it ([`sink_check`]): the bus is not trusted;
//! - a message the store refuses for its own content is dead-lettered, not retried forever;
//! - work is batched: a batch closes when it is full or when no message arrived for a short wait.

mod batch;
pub mod complaint_link;
mod dead_letter;
mod dead_letter_file;
pub mod embedded;
mod error;
pub mod link;
mod measure;
mod score_stage;
pub mod sink_check;
mod sink_stage;
mod stage;

pub use batch::{next_batch, BatchOptions};
pub use dead_letter::{dead_letter, parse_or_dead_letter, DeadLetter};
pub use dead_letter_file::spawn_dead_letter_file;
pub use embedded::{run_embedded, EmbeddedOptions, EmbeddedReport};
pub use error::PipelineError;
pub use score_stage::run_score_stage;
pub use sink_stage::{run_scored_sink, run_scored_sink_linked, run_seller_sink};
pub use stage::{run_stage, BatchHandler, BatchOutcome};

/// What a stage did, for progress lines and reports.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageReport {
    /// Messages received.
    pub received: u64,
    /// Messages whose result was passed on (scored, or stored).
    pub processed: u64,
    /// Messages sent to the dead-letter topic.
    pub dead_lettered: u64,
    /// Rows the store actually changed (sink stages).
    pub changed: u64,
    /// Seconds from the first message received to the last batch done (idle waits excluded at
    /// both ends), for throughput figures.
    pub active_secs: f64,
}

impl StageReport {
    /// Messages processed per active second.
    pub fn rate(&self) -> f64 {
        if self.active_secs > 0.0 {
            self.processed as f64 / self.active_secs
        } else {
            0.0
        }
    }
}
