//! [`crate::LinkStore`]: first holders kept, signatures read back, links stored once, found from
//! either side, and walked into a network with its cap.

use chrono::{DateTime, Utc};

use crate::links::{network, KeyHolder, LinkBatch, LinkRow, LinkSide, ListingSignature, SellerRef};
use crate::LinkStore;

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000 + secs, 0).expect("time")
}

fn side(market: &str, seller: &str, listing: &str, quote: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new(market, seller),
        listing_id: listing.into(),
        field: "description".into(),
        start: 4,
        end: 4 + quote.chars().count(),
        quote: quote.into(),
    }
}

fn holder(kind: &str, value: &str, side: LinkSide, secs: i64) -> KeyHolder {
    KeyHolder {
        kind: kind.into(),
        value: value.into(),
        side,
        seen_at: t(secs),
    }
}

fn link(kind: &str, value: &str, a: LinkSide, b: LinkSide, secs: i64) -> LinkRow {
    LinkRow {
        kind: kind.into(),
        value: value.into(),
        a,
        b,
        found_at: t(secs),
    }
}

fn keys(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The whole section, on an empty store.
pub async fn links_are_kept_once_and_walked(s: &dyn LinkStore) {
    let phone = keys(&[("phone", "0901234567"), ("phone", "0999999999")]);
    assert!(s.key_holders(&phone).await.expect("holders").is_empty());
    let a1 = side("shopee", "a", "a1", "0901 234 567");
    let b1 = side("lazada", "b", "b1", "0901.234.567");
    let b2 = side("lazada", "b", "b2", "zalo.me/0912345678");
    let c1 = side("tiki", "c", "c1", "Zalo 0912345678");
    let first = LinkBatch {
        holders: vec![
            holder("phone", "0901234567", a1.clone(), 0),
            holder("near_text", "123456789", a1.clone(), 0),
        ],
        signatures: vec![ListingSignature {
            marketplace: "shopee".into(),
            listing_id: "a1".into(),
            signature: (0..64).map(|i| i * 1000).collect(),
            field: "description".into(),
            start: 0,
            end: 60,
            quote: "Giày thể thao nam nữ phong cách Hàn Quốc, đế cao su chống".into(),
        }],
        links: vec![],
    };
    assert_eq!(s.put_link_batch(&first).await.expect("put"), 0);
    // A later holder of a held key does not replace the first.
    let later = LinkBatch {
        holders: vec![
            holder("phone", "0901234567", b1.clone(), 10),
            holder("zalo", "0912345678", b2.clone(), 10),
        ],
        signatures: vec![],
        links: vec![link("phone", "0901234567", a1.clone(), b1.clone(), 10)],
    };
    assert_eq!(s.put_link_batch(&later).await.expect("put"), 1);
    let held = s.key_holders(&phone).await.expect("holders");
    assert_eq!(held, vec![holder("phone", "0901234567", a1.clone(), 0)]);
    let mut both = s
        .key_holders(&keys(&[("zalo", "0912345678"), ("near_text", "123456789")]))
        .await
        .expect("holders");
    both.sort_by(|x, y| x.kind.cmp(&y.kind));
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(both[0].side, a1, "the near-text band's holder");
    assert_eq!(both[1].side, b2, "the zalo holder, with its evidence");

    let sigs = s
        .signatures(&keys(&[("shopee", "a1"), ("shopee", "zz")]))
        .await
        .expect("signatures");
    assert_eq!(sigs, first.signatures, "signatures read back exactly");

    let bc = link("zalo", "0912345678", b2.clone(), c1.clone(), 20);
    let third = LinkBatch {
        links: vec![bc.clone()],
        ..LinkBatch::default()
    };
    assert_eq!(s.put_link_batch(&third).await.expect("put"), 1);
    assert_eq!(
        s.put_link_batch(&later).await.expect("replay"),
        0,
        "a batch delivered twice adds no link"
    );
    let ab = link("phone", "0901234567", a1.clone(), b1.clone(), 10);
    let of_a = s
        .links_touching(&[SellerRef::new("shopee", "a")])
        .await
        .expect("links");
    assert_eq!(of_a, vec![ab.clone()]);
    let of_c = s
        .links_touching(&[SellerRef::new("tiki", "c")])
        .await
        .expect("links");
    assert_eq!(of_c, vec![bc.clone()], "found from its b side too");
    let mut pairs = s.link_pairs().await.expect("pairs");
    pairs.sort();
    assert_eq!(pairs.len(), 2, "{pairs:?}");

    let net = network(s, &SellerRef::new("tiki", "c"), 100)
        .await
        .expect("network");
    assert_eq!(
        net.sellers,
        vec![
            SellerRef::new("lazada", "b"),
            SellerRef::new("shopee", "a"),
            SellerRef::new("tiki", "c"),
        ]
    );
    assert_eq!(net.links, vec![ab, bc], "oldest first");
    assert!(!net.truncated);
    assert_eq!(
        net.per_marketplace(),
        vec![
            ("lazada".into(), 1),
            ("shopee".into(), 1),
            ("tiki".into(), 1)
        ]
    );
    let capped = network(s, &SellerRef::new("tiki", "c"), 2)
        .await
        .expect("network");
    assert_eq!(capped.sellers.len(), 2);
    assert!(capped.truncated, "the cap is said");
    let alone = network(s, &SellerRef::new("tiki", "nobody"), 100)
        .await
        .expect("network");
    assert_eq!(alone.sellers.len(), 1);
    assert!(alone.links.is_empty());
}
