//! The parts of `soi` that are cargo features (all on by default): `kafka` (the distributed bus,
//! librdkafka built with cmake), `clickhouse` (the ClickHouse store) and `encoder` (the
//! transformer tier, candle-transformers and tokenizers). Each module here is the one place
//! that names its feature's crate; built without it, the same functions answer with an error that
//! names the missing feature, so an embedded build (`--no-default-features`: in-process bus,
//! SQLite, fast tier) needs neither cmake nor librdkafka.

pub mod clickhouse;
pub mod encoder;
pub mod kafka;

/// The error of a command that needs a feature this binary was built without.
#[allow(dead_code)] // unused when every feature is on
pub fn missing(feature: &str, what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{what} needs the `{feature}` feature, which this soi was built without \
         (rebuild with `cargo build --release -p soi-cli --features {feature}`)"
    )
}
