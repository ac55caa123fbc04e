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
    /// The message is bigger than the bus accepts. Nothing was sent; resending cannot succeed, so
    /// a stage dead-letters the work instead of retrying it.
    #[error("message `{key}` for `{topic}` is {bytes} bytes, over the bus limit of {max} bytes")]
    TooLarge {
        topic: String,
        key: String,
        bytes: usize,
        max: usize,
    },
}
