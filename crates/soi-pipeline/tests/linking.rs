//! Linking against a real SQLite store: batches stored one after another link to what earlier
//! batches left in the store, a replayed batch finds nothing new, and a complaint names the
//! holder of its phone and every seller linked to it by that phone.

use chrono::Utc;
use soi_model::{Complaint, Listing, Scored, Seller, Verdict};
use soi_pipeline::complaint_link::complaint_links;
use soi_pipeline::link::{link_stored, ToLink};
use soi_sqlite::SqliteStore;
use soi_store::links::{network, SellerRef};

fn item(market: &str, seller: &str, id: &str, description: &str) -> ToLink {
    let s = Scored {
        listing: Listing {
            id: id.into(),
            marketplace: market.into(),
            title: format!("Sản phẩm {id}"),
            description: Some(description.into()),
            seller: Some(Seller::new(market, seller)),
            ..Default::default()
        },
        verdict: Verdict::default(),
    };
    ToLink::of(&s).expect("a listing with keys")
}

#[tokio::test]
async fn batches_link_through_the_store_and_complaints_name_the_linked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("s.db")).expect("open");
    let first = vec![item("shopee", "a", "1", "Liên hệ 0901 234 567 đặt hàng")];
    assert_eq!(link_stored(&store, &first).await.expect("link"), 0);
    let second = vec![
        item(
            "lazada",
            "b",
            "2",
            "Gọi 0901.234.567 hoặc zalo.me/0988777666",
        ),
        item("tiki", "c", "3", "kết bạn zalo.me/0988777666 nha"),
    ];
    assert_eq!(link_stored(&store, &second).await.expect("link"), 2);
    assert_eq!(
        link_stored(&store, &second).await.expect("replay"),
        0,
        "replay"
    );

    let net = network(&store, &SellerRef::new("tiki", "c"), 50)
        .await
        .expect("network");
    assert_eq!(net.sellers.len(), 3, "{net:?}");

    let complaint = Complaint {
        id: "C1".into(),
        received_at: Utc::now(),
        channel: "phone".into(),
        text: "Gọi số 0901234567 xong chuyển khoản, không nhận được hàng".into(),
        phone: None,
        shop_name: None,
        url: None,
        amount: None,
    };
    let links = complaint_links(&store, &[complaint])
        .await
        .expect("complaint links");
    let mut named: Vec<String> = links.iter().map(|l| l.seller.to_string()).collect();
    named.sort();
    assert_eq!(
        named,
        ["lazada/b", "shopee/a"],
        "not tiki/c: it shares the Zalo, not the phone"
    );
    assert!(links
        .iter()
        .all(|l| l.kind == "phone" && l.quote == "0901234567" && l.field == "text"));
}
