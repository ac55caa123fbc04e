//! The scorer end to end on hand-written listings: each scam pattern yields its reason code with
//! the evidence span on the triggering text, and honest listings stay low.

use soi_model::{char_slice, Listing, Seller};
use soi_score::{Scorer, ScoringConfig, SoiScorer};

fn listing(id: &str, title: &str, desc: &str, price: Option<f64>) -> Listing {
    Listing {
        id: id.into(),
        marketplace: "demo".into(),
        title: title.into(),
        description: (!desc.is_empty()).then(|| desc.into()),
        price,
        currency: price.map(|_| "VND".into()),
        seller: Some(Seller {
            id: format!("s-{id}"),
            marketplace: "demo".into(),
            country: Some("VN".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn scorer() -> SoiScorer {
    SoiScorer::new(ScoringConfig::builtin().unwrap())
}

/// The reason with `code` and the text its span points at.
fn reason(l: &Listing, v: &soi_model::Verdict, code: &str) -> Option<String> {
    let r = v.reasons.iter().find(|r| r.code == code)?;
    let text = l.field_text(&r.field).unwrap_or("");
    let quoted = char_slice(text, r.start, r.end).to_string();
    if r.end > r.start {
        assert_eq!(quoted, r.evidence, "evidence repeats the span");
    }
    Some(quoted)
}

#[test]
fn each_scam_pattern_gives_its_reason_with_the_span() {
    let mut cross = listing(
        "6",
        "Túi xách nữ da thật",
        "Hàng Việt Nam chất lượng cao, kho Hà Nội giao ngay",
        Some(450_000.0),
    );
    if let Some(s) = cross.seller.as_mut() {
        s.country = Some("CN".into());
    }
    let ls = vec![
        listing(
            "1",
            "iPhone 15 Pro Max",
            "Liên hệ kết bạn zalo 0912 345 678 để có giá tốt",
            Some(9_000_000.0),
        ),
        listing(
            "2",
            "Laptop Dell giá sốc",
            "Vui lòng CK trước 100% rồi shop gửi hàng",
            Some(8_000_000.0),
        ),
        listing(
            "3",
            "Điện thoại Samsung Galaxy S24 chính hãng",
            "Bảo hành 12 tháng",
            Some(1_200_000.0),
        ),
        listing(
            "4",
            "Tai nghe bluetooth",
            "Tặng miễn phí tai nghe cho 100 khách đầu tiên, chỉ cần trả phí ship",
            None,
        ),
        listing(
            "5",
            "Trà thảo mộc",
            "Uống 2 tuần trị dứt điểm tiểu đường, cam kết khỏi hẳn",
            Some(300_000.0),
        ),
        cross,
        listing(
            "7",
            "Giày thể thao nam",
            "Đăng ký nhận voucher tại https://shopee-sale.xyz/vn",
            Some(500_000.0),
        ),
    ];
    let v = scorer().score(&ls);
    assert_eq!(v.len(), ls.len());
    assert_eq!(
        reason(&ls[0], &v[0], "off_platform_contact").as_deref(),
        Some("zalo 0912 345 678")
    );
    assert_eq!(
        reason(&ls[1], &v[1], "deposit_before_delivery").as_deref(),
        Some("CK trước")
    );
    assert_eq!(
        reason(&ls[2], &v[2], "genuine_claim_low_price").as_deref(),
        Some("chính hãng")
    );
    assert_eq!(
        reason(&ls[3], &v[3], "fake_giveaway").as_deref(),
        Some("Tặng miễn phí")
    );
    assert_eq!(
        reason(&ls[4], &v[4], "health_cure_claim").as_deref(),
        Some("trị dứt điểm")
    );
    assert_eq!(
        reason(&ls[5], &v[5], "cross_border_posing_local").as_deref(),
        Some("Hàng Việt Nam")
    );
    assert_eq!(
        reason(&ls[6], &v[6], "lookalike_domain").as_deref(),
        Some("https://shopee-sale.xyz/vn")
    );
    for (l, v) in ls.iter().zip(&v) {
        assert!(
            v.risk >= 0.5,
            "{} risk {} reasons {:?}",
            l.id,
            v.risk,
            v.reasons
        );
        assert_eq!(v.listing_id, l.id);
    }
}

#[test]
fn english_patterns() {
    let ls = vec![
        listing(
            "e1",
            "Rolex Submariner authentic",
            "100% genuine, ships today",
            Some(40.0 * 25_000.0),
        ),
        listing(
            "e2",
            "Wireless earbuds",
            "Contact me on WhatsApp for a better price. A deposit is required before delivery.",
            None,
        ),
        listing("e3", "Herbal capsules", "Cures diabetes in 30 days", None),
    ];
    let v = scorer().score(&ls);
    assert_eq!(
        reason(&ls[0], &v[0], "genuine_claim_low_price").as_deref(),
        Some("authentic")
    );
    assert_eq!(
        reason(&ls[1], &v[1], "off_platform_contact").as_deref(),
        Some("WhatsApp")
    );
    assert_eq!(
        reason(&ls[1], &v[1], "deposit_before_delivery").as_deref(),
        Some("deposit")
    );
    assert_eq!(
        reason(&ls[2], &v[2], "health_cure_claim").as_deref(),
        Some("Cures")
    );
}

#[test]
fn honest_listings_stay_low() {
    let ls = vec![
        listing(
            "h1",
            "Áo thun cotton nam basic",
            "Chất cotton 100%, đổi trả trong 7 ngày, thanh toán khi nhận hàng (COD).",
            Some(159_000.0),
        ),
        listing(
            "h2",
            "Điện thoại Samsung Galaxy A15 chính hãng",
            "Bảo hành chính hãng 12 tháng tại trung tâm Samsung.",
            Some(4_490_000.0),
        ),
        listing(
            "h3",
            "Stainless steel water bottle 750ml",
            "Keeps drinks cold for 24 hours. Free returns within 30 days.",
            Some(250_000.0),
        ),
        listing(
            "h4",
            "Sách Đắc Nhân Tâm",
            "Bìa mềm, NXB Tổng hợp TP.HCM, giao hàng toàn quốc",
            Some(86_000.0),
        ),
        listing(
            "h5",
            "Nồi cơm điện Sharp 1.8L",
            "Miễn phí vận chuyển đơn từ 300k",
            Some(990_000.0),
        ),
    ];
    let v = scorer().score(&ls);
    for (l, v) in ls.iter().zip(&v) {
        assert!(
            v.risk < 0.2,
            "{} risk {} reasons {:?}",
            l.id,
            v.risk,
            v.reasons
        );
    }
}

#[test]
fn batch_median_replaces_the_reference_table() {
    let mut cfg = ScoringConfig::builtin().unwrap();
    cfg.price.min_batch = 3;
    // In this batch phones sell around 2M, so 1.5M is not far below the median.
    let mut ls: Vec<Listing> = (0..4)
        .map(|i| {
            listing(
                &format!("p{i}"),
                "Điện thoại cũ chính hãng",
                "",
                Some(2_000_000.0 + i as f64),
            )
        })
        .collect();
    ls.push(listing(
        "p9",
        "Điện thoại chính hãng",
        "",
        Some(1_500_000.0),
    ));
    let v = SoiScorer::new(cfg).score(&ls);
    assert!(v[4]
        .reasons
        .iter()
        .all(|r| r.code != "genuine_claim_low_price"));
}
