//! How `soi`'s classifier tiers learn and how well they do: training, calibration, metrics,
//! evaluation and benchmarks.
//!
//! Why a crate apart from `soi-score`: the scorer is the seam every pipeline stage compiles, and
//! it only needs to *run* a trained model. Training needs candle, the labelled sets and the
//! metrics; both tiers (the fast n-gram tier here, the encoder tier in `soi-encoder`) train,
//! calibrate and report the same way, so that lives here once, and the pipeline never compiles it.
//!
//! - [`train`]: trains the fast tier's heads on the shared labelled sets with candle, folds them
//!   into one model folder (written by `soi_score::fast::FastModel::save`) and writes its card.
//! - [`calibrate`]: Platt scaling, temperature scaling and decision thresholds on held-out data.
//! - [`metrics`]: accuracy, macro-F1, PR-AUC and calibration error (`soi eval`'s report).
//! - [`eval`] and [`bench`]: `soi eval` and `soi bench score` over a trained fast model.

pub mod bench;
pub mod calibrate;
mod error;
pub mod eval;
pub mod metrics;
pub mod train;

pub use error::LearnError;
