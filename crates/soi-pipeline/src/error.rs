use thiserror::Error;

/// Why a stage stopped. Bad messages do not stop a stage (they are dead-lettered); only a failing
/// bus or store does.
#[derive(Debug, Error)]
pub enum PipelineError {
    #[error(transparent)]
    Bus(#[from] soi_bus::BusError),
    #[error(transparent)]
    Store(#[from] soi_store::StoreError),
    #[error("scoring task failed: {0}")]
    Task(String),
    /// A stage of an in-process run panicked or was cancelled.
    #[error("stage task failed: {0}")]
    Join(String),
    /// The dead-letter file of an in-process run cannot be written.
    #[error("writing dead letters to {}: {source}", path.display())]
    DeadLetterFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}
