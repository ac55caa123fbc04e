//! The crawler of `soi`: polite, config-driven marketplace crawling with evidence capture.
//!
//! (Work in progress: the static server in [`serve`] comes first so `soi run` can serve the demo
//! marketplace.)

pub mod serve;
