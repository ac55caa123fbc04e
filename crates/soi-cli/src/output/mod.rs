//! How analysts see results: aligned text tables, JSON and CSV.

mod listing;
pub mod network;
mod sellers;
mod terminal;
mod text;

pub use listing::write_listing;
pub use sellers::{write_sellers, SellerSignals};
pub use terminal::clean;

/// Output format of list commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}
