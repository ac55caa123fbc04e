//! Typed errors, one enum per concern, so a caller can tell a missing key from a refusing TSA.

use std::path::PathBuf;

use soi_crawl::EvidenceError;
use thiserror::Error;

/// Why the signing key could not be made or read.
#[derive(Debug, Error)]
pub enum KeyError {
    #[error("signing key {path} exists already; `soi keys init` never overwrites a key")]
    Exists { path: PathBuf },
    #[error("signing key {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("signing key from {origin} is not an Ed25519 PKCS#8 PEM key: {why}")]
    Invalid { origin: String, why: String },
    #[error("no signing key: run `soi keys init` (or set {env})")]
    Missing { env: &'static str },
    #[error("randomness for a new key: {0}")]
    Random(String),
}

/// Why `pipelines/evidence.toml` could not be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {why}")]
    Invalid { path: PathBuf, why: String },
}

/// Why a batch could not be sealed.
#[derive(Debug, Error)]
pub enum SealError {
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error("batch file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("batch manifest {path} is unreadable: {why}")]
    Manifest { path: PathBuf, why: String },
}

/// What is wrong with a time-stamping answer or token (outside input: every path is an error,
/// never a panic).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TspError {
    #[error("the timestamp answer is {len} bytes, over the {max}-byte limit")]
    TooLarge { len: usize, max: usize },
    #[error("malformed DER: {0}")]
    Der(String),
    #[error("the TSA refused: status {status}{text}")]
    Refused { status: String, text: String },
    #[error("the TSA's answer carries no token")]
    NoToken,
    #[error("the token is not a signed TSTInfo: {0}")]
    NotTstInfo(String),
    #[error("the token timestamps a hash by {0}, not sha256")]
    Algorithm(String),
    #[error("the token timestamps another message (imprint {got}, manifest sha256 {want})")]
    Imprint { got: String, want: String },
    #[error("the token's nonce is not the request's")]
    Nonce,
    #[error("the token's signature does not verify: {0}")]
    Signature(String),
}

impl From<der::Error> for TspError {
    fn from(e: der::Error) -> TspError {
        TspError::Der(e.to_string())
    }
}

/// Why a batch could not be timestamped.
#[derive(Debug, Error)]
pub enum TimestampError {
    #[error("TSA {url}: {why}")]
    Http { url: String, why: String },
    #[error("TSA {url}: {source}")]
    Tsp {
        url: String,
        #[source]
        source: TspError,
    },
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Where the custody log's hash chain breaks ([`crate::custody::verify_chain`]); entries are
/// numbered from 1, by line.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ChainBreak {
    #[error("custody entry {entry} was changed after it was written: {why}")]
    Changed { entry: usize, why: String },
    #[error(
        "custody entry {entry} is numbered {seq}: an entry before it was removed or one inserted"
    )]
    Renumbered { entry: usize, seq: u64 },
    #[error("custody entry {entry} is not a custody entry: {why}")]
    Malformed { entry: usize, why: String },
    #[error(
        "custody entry {entry} is torn: the last line ends without a newline (a crash while it \
         was written)"
    )]
    Torn { entry: usize },
}

/// Why the custody log could not be read or added to.
#[derive(Debug, Error)]
pub enum CustodyError {
    #[error("custody log {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("custody log {path}: {source}; nothing more is recorded until that line is looked at")]
    Torn {
        path: PathBuf,
        #[source]
        source: ChainBreak,
    },
}

/// Anything this crate's entry points can fail with.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error(transparent)]
    Custody(#[from] CustodyError),
}

/// Why a WACZ package could not be written or read at all (what fails inside a readable package
/// is a [`crate::Failure`], not an error).
#[derive(Debug, Error)]
pub enum PackageError {
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("no stored capture has sha256 {0}")]
    NoCapture(String),
    #[error("writing the package: {0}")]
    Write(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the package is {len} bytes, over the {max}-byte limit")]
    TooLarge { len: u64, max: u64 },
}
