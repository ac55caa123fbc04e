//! [`crate::ComplaintStore`]: complaints stored once by id (a corrected one replaced), links
//! stored once, read back per seller newest first, counted per seller.

use chrono::{DateTime, Utc};
use soi_model::Complaint;

use crate::complaints::{ComplaintLink, ComplaintsPut};
use crate::links::SellerRef;
use crate::ComplaintStore;

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000 + secs, 0).expect("time")
}

fn complaint(id: &str, secs: i64, text: &str) -> Complaint {
    Complaint {
        id: id.into(),
        received_at: t(secs),
        channel: "phone".into(),
        text: text.into(),
        phone: Some("0901234567".into()),
        shop_name: None,
        url: None,
        amount: Some(1_500_000.0),
    }
}

fn link(
    id: &str,
    market: &str,
    seller: &str,
    kind: &str,
    value: &str,
    quote: &str,
) -> ComplaintLink {
    ComplaintLink {
        complaint_id: id.into(),
        seller: SellerRef::new(market, seller),
        kind: kind.into(),
        value: value.into(),
        field: "text".into(),
        start: 3,
        end: 3 + quote.chars().count(),
        quote: quote.into(),
    }
}

/// The whole section, on an empty store.
pub async fn complaints_are_kept_once_and_counted(s: &dyn ComplaintStore) {
    let a = SellerRef::new("shopee", "a");
    let b = SellerRef::new("lazada", "b");
    assert!(s
        .complaints_of(std::slice::from_ref(&a))
        .await
        .expect("read")
        .is_empty());
    let c1 = complaint(
        "C1",
        0,
        "Gọi 0901 234 567 rồi chuyển khoản, không nhận hàng",
    );
    let c2 = complaint("C2", 60, "STK 19036543210011 của shop, mất 1,5 triệu");
    let links = vec![
        link("C1", "shopee", "a", "phone", "0901234567", "0901 234 567"),
        link("C1", "lazada", "b", "phone", "0901234567", "0901 234 567"),
        link(
            "C2",
            "shopee",
            "a",
            "bank_account",
            "19036543210011",
            "STK 19036543210011",
        ),
    ];
    let put = s
        .put_complaints(&[c1.clone(), c2.clone()], &links)
        .await
        .expect("put");
    assert_eq!(
        put,
        ComplaintsPut {
            complaints: 2,
            links: 3
        }
    );
    let again = s
        .put_complaints(&[c1.clone(), c2.clone()], &links)
        .await
        .expect("again");
    assert_eq!(
        again,
        ComplaintsPut::default(),
        "the same import again changes nothing"
    );
    let corrected = Complaint {
        text: "Gọi 0901 234 567 rồi chuyển khoản 1,5 triệu, không nhận hàng".into(),
        ..c1.clone()
    };
    let put = s
        .put_complaints(std::slice::from_ref(&corrected), &links[..1])
        .await
        .expect("corrected");
    assert_eq!(
        put,
        ComplaintsPut {
            complaints: 1,
            links: 0
        }
    );

    let of_a = s
        .complaints_of(std::slice::from_ref(&a))
        .await
        .expect("read");
    let ids: Vec<&str> = of_a.iter().map(|c| c.complaint.id.as_str()).collect();
    assert_eq!(ids, ["C2", "C1"], "newest first");
    assert_eq!(of_a[0].link, links[2]);
    assert_eq!(of_a[0].complaint, c2, "read back whole");
    assert_eq!(of_a[1].complaint, corrected, "the corrected version");
    let of_b = s
        .complaints_of(std::slice::from_ref(&b))
        .await
        .expect("read");
    assert_eq!(of_b.len(), 1);
    assert_eq!(of_b[0].link.seller, b);

    let mut counts = s.complaint_counts().await.expect("counts");
    counts.sort();
    assert_eq!(counts, vec![(b, 1), (a, 2)]);
}
