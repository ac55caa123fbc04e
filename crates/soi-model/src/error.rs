use thiserror::Error;

/// What was wrong with a record handed to `soi` from outside.
#[derive(Debug, Error)]
pub enum ModelError {
    /// The text is not JSON, or its shape does not match the record.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A required field is absent or empty.
    #[error("missing required field `{0}`")]
    Missing(&'static str),
    /// A field holds a value outside its allowed range.
    #[error("field `{field}` is invalid: {why}")]
    Invalid { field: &'static str, why: String },
    /// A message carries a schema version this build does not understand.
    #[error("unsupported schema version {found} (this build reads up to {supported})")]
    Version { found: u32, supported: u32 },
}
