//! Bus faults during a crawl: a failed flush or a refused message loses no listing.

mod common;

use async_trait::async_trait;
use common::{catalog_site, config, try_run, Collect};
use soi_bus::{BusError, Publisher};

/// Accepts every message, then fails the flush (the broker went away before acknowledging).
struct FlushFails(Collect);

#[async_trait]
impl Publisher for FlushFails {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        self.0.publish(topic, key, payload).await
    }
    async fn flush(&self) -> Result<(), BusError> {
        Err(BusError::Backend("broker unreachable at flush".into()))
    }
}

/// Refuses the messages whose key ends with `refused` (a message too large for Kafka).
struct Refuses(Collect, &'static str);

#[async_trait]
impl Publisher for Refuses {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        if key.ends_with(self.1) {
            return Err(BusError::Backend("message too large".into()));
        }
        self.0.publish(topic, key, payload).await
    }
    async fn flush(&self) -> Result<(), BusError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failed_flush_leaves_the_state_unsaved_so_the_next_crawl_emits_again() {
    let (srv, _) = catalog_site(3).await;
    let state = tempfile::tempdir().unwrap();
    let cfg = config("");
    let failing = FlushFails(Collect::default());
    let err = try_run(&cfg, &srv.base_url(), state.path(), &failing)
        .await
        .expect_err("a failed flush fails the crawl");
    assert!(err.to_string().contains("broker unreachable"), "{err}");
    let bus = Collect::default();
    let report = try_run(&cfg, &srv.base_url(), state.path(), &bus)
        .await
        .unwrap();
    assert_eq!(bus.listings().len(), 3, "{report:?}");
}

#[tokio::test]
async fn a_refused_listing_is_counted_and_the_crawl_goes_on() {
    let (srv, _) = catalog_site(3).await;
    let state = tempfile::tempdir().unwrap();
    let cfg = config("");
    // catalog_site's product ids are the page paths: `/listings/1.html`, escaped into the
    // unambiguous id `%2Flistings%2F1.html`.
    let refusing = Refuses(Collect::default(), "%2Flistings%2F1.html");
    let report = try_run(&cfg, &srv.base_url(), state.path(), &refusing)
        .await
        .expect("one refused message does not stop the crawl");
    assert_eq!(refusing.0.listings().len(), 2, "{report:?}");
    assert_eq!(report.listings, 2);
    assert_eq!(report.publish_failures.len(), 1, "{report:?}");
    let f = &report.publish_failures[0];
    assert!(f.url.ends_with("/listings/1.html"), "{f:?}");
    assert!(f.message.contains("message too large"), "{f:?}");
    // The refused listing is not remembered as sent: the next crawl tries it again.
    let bus = Collect::default();
    let again = try_run(&cfg, &srv.base_url(), state.path(), &bus)
        .await
        .unwrap();
    let ids: Vec<String> = bus.listings().into_iter().map(|l| l.id).collect();
    assert_eq!(ids, ["%2Flistings%2F1.html"], "{again:?}");
}
