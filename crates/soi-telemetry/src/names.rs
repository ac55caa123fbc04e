//! Every metric soi exports, in one table: the stages record through these constants, the
//! endpoint describes them from [`CATALOG`], and the shipped Grafana dashboard is checked against
//! it (a panel whose query names a metric that is not here fails the test).

/// What kind of series a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One metric: its name, kind, labels and the help line Prometheus shows.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub kind: Kind,
    pub labels: &'static [&'static str],
    pub help: &'static str,
}

macro_rules! metrics_table {
    ($( $(#[$doc:meta])* $id:ident = $name:literal, $kind:ident, [$($label:literal),*], $help:literal; )*) => {
        $( $(#[$doc])* pub const $id: &str = $name; )*
        /// Every metric soi exports.
        pub const CATALOG: &[Metric] = &[
            $( Metric { name: $name, kind: Kind::$kind, labels: &[$($label),*], help: $help }, )*
        ];
    };
}

metrics_table! {
    // Crawling.
    CRAWL_PAGES = "soi_crawl_pages_total", Counter, ["marketplace", "host", "outcome"],
        "Pages asked for, by outcome: fetched, unchanged (same content as last time) or failed.";
    CRAWL_LISTINGS = "soi_crawl_listings_total", Counter, ["marketplace"],
        "Listings extracted from crawled pages and API answers.";
    CRAWL_FILL = "soi_crawl_field_fill_ratio", Gauge, ["marketplace", "field"],
        "Share of the last crawl's listings that had the field (a drop means the site changed).";
    CRAWL_RUNS = "soi_crawl_runs_total", Counter, ["marketplace", "outcome"],
        "Crawl runs finished, by outcome: ok or failed.";
    // The bus, seen by the stages.
    STAGE_CONSUMED = "soi_stage_consumed_total", Counter, ["stage", "topic"],
        "Messages a stage received from the bus.";
    STAGE_PRODUCED = "soi_stage_produced_total", Counter, ["stage", "topic"],
        "Messages a stage published to the bus (accepted by the bus).";
    STAGE_ACKED = "soi_stage_acknowledged_total", Counter, ["stage", "topic"],
        "Messages a stage acknowledged: durably handed on, never delivered to its group again.";
    STAGE_PROCESSED = "soi_stage_processed_total", Counter, ["stage"],
        "Records a stage finished: listings scored, rows written.";
    STAGE_DEAD = "soi_stage_dead_lettered_total", Counter, ["stage"],
        "Messages a stage sent to the dead-letter topic (see `soi dlq`).";
    STAGE_BATCH_SIZE = "soi_stage_batch_size", Histogram, ["stage"],
        "Messages per batch.";
    STAGE_BATCH_SECONDS = "soi_stage_batch_seconds", Histogram, ["stage"],
        "Time to handle one batch, from receipt to acknowledgement.";
    CONSUMER_LAG = "soi_consumer_lag", Gauge, ["group", "topic", "partition"],
        "Messages in a partition that the group has not acknowledged yet.";
    BUS_UP = "soi_bus_up", Gauge, [],
        "1 while the bus answers (broker metadata within 2 s), else 0.";
    // Scoring.
    SCORED = "soi_scorer_listings_total", Counter, ["marketplace"],
        "Listings scored.";
    SCORED_ENCODER = "soi_scorer_encoder_listings_total", Counter, ["marketplace"],
        "Listings the fast tier was unsure of and sent to the encoder tier.";
    RISK = "soi_risk_score", Histogram, ["marketplace", "head"],
        "Scores given: head `risk` is the calibrated risk, the others each head's probability.";
    ENCODER_QUEUE = "soi_encoder_queue_tokens", Gauge, [],
        "Tokens accepted by the encoder queue and not yet answered.";
    ENCODER_TOKENS = "soi_encoder_tokens_total", Counter, [],
        "Tokens the encoder ran.";
    ENCODER_OVERLOADED = "soi_encoder_overloaded_total", Counter, [],
        "Requests the encoder queue answered Overloaded (the scorer waits and asks again).";
    // The store.
    STORE_WRITE_SECONDS = "soi_store_write_seconds", Histogram, ["stage"],
        "Time of one store write (a batch insert).";
    STORE_RETRIES = "soi_store_retries_total", Counter, ["store", "operation"],
        "Store operations tried again after an error that may pass (server down, timeout).";
    STORE_UP = "soi_store_up", Gauge, [],
        "1 while the store answers, else 0.";
    // Alerts.
    ALERTS_RAISED = "soi_alerts_raised_total", Counter, ["route"],
        "Alert deliveries queued in the outbox.";
    ALERTS_DELIVERED = "soi_alerts_delivered_total", Counter, ["route"],
        "Alerts a route accepted.";
    ALERTS_FAILED = "soi_alerts_failed_total", Counter, ["route"],
        "Delivery attempts that failed (retried later, or failed for good).";
    ALERTS_PENDING = "soi_alerts_pending", Gauge, ["route"],
        "Alerts waiting for delivery or a retry.";
    // Every process.
    UP_SINCE = "soi_process_start_time_seconds", Gauge, ["command"],
        "Unix time the command started.";
}

/// The entry for `name`, also for a histogram's `_bucket`, `_sum` and `_count` series.
pub fn lookup(name: &str) -> Option<&'static Metric> {
    CATALOG.iter().find(|m| {
        m.name == name
            || (m.kind == Kind::Histogram
                && ["_bucket", "_sum", "_count"]
                    .iter()
                    .any(|s| name.strip_suffix(s) == Some(m.name)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_prometheus_names() {
        let mut seen = std::collections::BTreeSet::new();
        for m in CATALOG {
            assert!(seen.insert(m.name), "{} twice", m.name);
            assert!(m.name.starts_with("soi_"), "{}", m.name);
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                m.name
            );
            assert_eq!(
                m.kind == Kind::Counter,
                m.name.ends_with("_total"),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn histogram_series_resolve_to_their_metric() {
        assert_eq!(lookup("soi_risk_score_bucket").map(|m| m.name), Some(RISK));
        assert_eq!(
            lookup("soi_stage_batch_seconds_count").map(|m| m.name),
            Some(STAGE_BATCH_SECONDS)
        );
        assert!(lookup("soi_scorer_listings_total_bucket").is_none());
        assert!(lookup("soi_nothing").is_none());
    }
}
