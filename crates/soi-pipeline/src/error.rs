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
}
