//! The fast tier: hashed word and character n-grams into per-bucket head weights.

pub mod features;
pub mod model;

pub use features::{HashConfig, Scratch};
pub use model::{FastConfig, FastModel, HeadSpec, LANES};
