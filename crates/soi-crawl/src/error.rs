use std::path::PathBuf;

use thiserror::Error;

/// A problem in a pipeline file, with where it is.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{}{}: {problem}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based line, when the problem can be pinned to one.
    pub line: Option<usize>,
    pub problem: String,
}

/// Why one fetch failed. The crawl records it and goes on with the next page.
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("`{0}` is not an http(s) URL")]
    BadUrl(String),
    #[error("host `{0}` is not in the marketplace's allowed hosts")]
    HostNotAllowed(String),
    #[error("`{0}` resolves to a private or loopback address; set limits.allow_private (or --allow-loopback) to crawl it")]
    PrivateAddress(String),
    #[error("robots.txt of {host} disallows `{url}` for our user agent")]
    RobotsDisallowed { host: String, url: String },
    #[error("body of `{url}` is larger than the {limit}-byte cap")]
    TooLarge { url: String, limit: u64 },
    #[error("`{url}` answered HTTP {status}")]
    Status { url: String, status: u16 },
    /// Network, TLS, timeout or redirect-policy failure, with its cause chain.
    #[error("`{url}`: {message}")]
    Http { url: String, message: String },
    #[error("`{url}`: gave up after {attempts} attempts; last: {last}")]
    Exhausted {
        url: String,
        attempts: u32,
        last: String,
    },
    #[error("evidence store: {0}")]
    Evidence(#[from] EvidenceError),
}

/// Why the evidence store failed.
#[derive(Debug, Error)]
pub enum EvidenceError {
    #[error("evidence store at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A stored body whose bytes do not hash to its name (a torn write, a damaged disk).
    #[error("evidence body {path} is corrupt: it holds {why}")]
    Corrupt { path: PathBuf, why: String },
}

/// Why a whole crawl could not run (single page failures are in the report instead).
#[derive(Debug, Error)]
pub enum CrawlError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("bus: {0}")]
    Bus(#[from] soi_bus::BusError),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error("crawl state in {path}: {why}")]
    State { path: PathBuf, why: String },
}
