//! The ClickHouse store's link state ([`soi_store::LinkStore`]) and complaints
//! ([`soi_store::ComplaintStore`]) and crawl health ([`soi_store::CrawlHealthStore`]) against a
//! real ClickHouse server (started by
//! `deploy/engines/start.sh`, address in `SOI_TEST_CLICKHOUSE`): the seams' conformance sections,
//! and batches of thousands of keys with characters that need escaping (they travel in several
//! queries). Each test uses its own database. Without a server the tests
//! skip with a message, unless `SOI_REQUIRE_ENGINES=1`.

mod common;

use chrono::{DateTime, Utc};
use common::store;
use soi_store::complaints::ComplaintLink;
use soi_store::conformance;
use soi_store::links::{KeyHolder, LinkBatch, LinkRow, LinkSide, ListingSignature, SellerRef};
use soi_store::{ComplaintStore, LinkStore};

#[tokio::test]
async fn links_are_kept_once_and_walked() {
    let Some(s) = store("links").await else {
        return;
    };
    conformance::links::links_are_kept_once_and_walked(&s).await;
}

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000 + secs, 0).expect("time")
}

/// A value no literal can carry unescaped.
fn odd(i: usize) -> String {
    format!(
        "it's a \\ ? `x` \t tab\nline ünï {i:05} {}",
        "x".repeat(i % 7)
    )
}

fn side(i: usize, listing: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new("shopee", &format!("s'{i}\\")),
        listing_id: listing.into(),
        field: "description".into(),
        start: i,
        end: i + 3,
        quote: odd(i),
    }
}

const N: usize = 2500;

#[tokio::test]
async fn thousands_of_odd_keys_travel_in_chunks() {
    let Some(s) = store("link_chunks").await else {
        return;
    };
    // Each key twice in the batch, the later sighting first: the earliest is kept.
    let mut holders: Vec<KeyHolder> = Vec::new();
    for i in 0..N {
        for (secs, listing) in [(50, "late"), (5, "early")] {
            holders.push(KeyHolder {
                kind: "phone".into(),
                value: odd(i),
                side: side(i, listing),
                seen_at: t(secs + i as i64),
            });
        }
    }
    // A chain of links, each seller linked to the next; the first one twice.
    let mut links: Vec<LinkRow> = (0..N)
        .map(|i| LinkRow {
            kind: "phone".into(),
            value: odd(i),
            a: side(i, "early"),
            b: side(i + 1, "b"),
            found_at: t((N - i) as i64),
        })
        .collect();
    links.push(links[0].clone());
    // A signature per listing, its quote odd; each twice, the second one dropped.
    let signature = |i: usize, quote: String| ListingSignature {
        marketplace: "shopee".into(),
        listing_id: odd(i),
        signature: (0..64).map(|j| (i * 64 + j) as u16).collect(),
        field: "description".into(),
        start: i,
        end: i + 40,
        quote,
    };
    let mut signatures: Vec<ListingSignature> = (0..N).map(|i| signature(i, odd(i))).collect();
    signatures.extend((0..N).map(|i| signature(i, "later".into())));
    let batch = LinkBatch {
        holders,
        signatures,
        links,
    };
    assert_eq!(s.put_link_batch(&batch).await.expect("put"), N);
    assert_eq!(s.put_link_batch(&batch).await.expect("replay"), 0);

    let keys: Vec<(String, String)> = (0..N).map(|i| ("phone".into(), odd(i))).collect();
    let mut held = s.key_holders(&keys).await.expect("holders");
    held.sort_by_key(|h| h.side.start);
    assert_eq!(held.len(), N);
    for (i, h) in held.iter().enumerate() {
        assert_eq!(h.value, odd(i));
        assert_eq!(
            h.side,
            side(i, "early"),
            "the earliest holder, read back exactly"
        );
        assert_eq!(h.seen_at, t(5 + i as i64));
    }

    let listings: Vec<(String, String)> = (0..N).map(|i| ("shopee".into(), odd(i))).collect();
    let mut sigs = s.signatures(&listings).await.expect("signatures");
    sigs.sort_by_key(|g| g.start);
    assert_eq!(
        sigs,
        batch.signatures[..N],
        "the first of each, read back exactly"
    );

    let sellers: Vec<SellerRef> = (0..=N).map(|i| side(i, "").seller).collect();
    let touching = s.links_touching(&sellers).await.expect("links");
    assert_eq!(touching.len(), N, "each link once");
    assert!(touching.windows(2).all(|w| w[0].found_at <= w[1].found_at));
    assert_eq!(touching[0].value, odd(N - 1), "oldest first");
    assert_eq!(touching[N - 1], batch.links[0]);
    assert_eq!(s.link_pairs().await.expect("pairs").len(), N);
}

#[tokio::test]
async fn complaints_are_kept_once_and_counted() {
    let Some(s) = store("complaints").await else {
        return;
    };
    conformance::complaints::complaints_are_kept_once_and_counted(&s).await;
}

#[tokio::test]
async fn crawl_health_rows_read_back_newest_first() {
    let Some(s) = store("crawl_health").await else {
        return;
    };
    conformance::crawl_health::crawl_health_rows_read_back_newest_first(&s).await;
}

#[tokio::test]
async fn thousands_of_odd_complaints_travel_in_chunks() {
    let Some(s) = store("complaint_chunks").await else {
        return;
    };
    let complaints: Vec<soi_model::Complaint> = (0..N)
        .map(|i| soi_model::Complaint {
            id: odd(i),
            received_at: t(i as i64),
            channel: "web".into(),
            text: odd(i),
            phone: None,
            shop_name: Some(odd(i + 1)),
            url: None,
            amount: None,
        })
        .collect();
    // Each complaint names two sellers, the second shared with the next complaint.
    let links: Vec<ComplaintLink> = (0..N)
        .flat_map(|i| [side(i, "").seller, side(i + 1, "").seller])
        .enumerate()
        .map(|(j, seller)| ComplaintLink {
            complaint_id: odd(j / 2),
            seller,
            kind: "phone".into(),
            value: odd(j),
            field: "text".into(),
            start: 0,
            end: 3,
            quote: odd(j),
        })
        .collect();
    let put = s.put_complaints(&complaints, &links).await.expect("put");
    assert_eq!((put.complaints, put.links), (N, 2 * N));
    let again = s.put_complaints(&complaints, &links).await.expect("replay");
    assert_eq!((again.complaints, again.links), (0, 0));

    let sellers: Vec<SellerRef> = (0..=N).map(|i| side(i, "").seller).collect();
    let of = s.complaints_of(&sellers).await.expect("complaints of");
    assert_eq!(of.len(), 2 * N, "each link once");
    assert!(of
        .windows(2)
        .all(|w| w[0].complaint.received_at >= w[1].complaint.received_at));
    assert_eq!(
        of[0].complaint,
        complaints[N - 1],
        "newest first, read back exactly"
    );
    assert_eq!(of[2 * N - 1].link, links[1], "then by kind and value");
    let counts = s.complaint_counts().await.expect("counts");
    assert_eq!(counts.len(), N + 1);
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<usize>(), 2 * N);
}
