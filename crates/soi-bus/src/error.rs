use thiserror::Error;

/// Why a bus operation failed.
#[derive(Debug, Error)]
pub enum BusError {
    #[error("topic `{0}` is closed; nothing more can be published to it")]
    Closed(String),
    #[error("topic `{topic}` already has a subscriber in group `{group}`")]
    AlreadySubscribed { topic: String, group: String },
    #[error("bus backend error: {0}")]
    Backend(String),
}
