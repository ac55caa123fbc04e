//! Linking seller accounts on realistic Vietnamese listings.

use soi_link::{keys, Cluster, LinkKind, Linker, SellerKey};
use soi_model::{Listing, Seller};

fn listing(market: &str, seller: &str, id: &str, title: &str, desc: &str) -> Listing {
    Listing {
        id: id.into(),
        marketplace: market.into(),
        title: title.into(),
        description: Some(desc.into()),
        seller: Some(Seller::new(market, seller)),
        ..Default::default()
    }
}

fn named(mut l: Listing, name: &str) -> Listing {
    if let Some(s) = l.seller.as_mut() {
        s.name = Some(name.into());
    }
    l
}

fn key(market: &str, id: &str) -> SellerKey {
    SellerKey::new(market, id)
}

/// Clusters as sorted lists of "marketplace/id", sorted: comparable across runs.
fn shape(linker: &Linker) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = linker
        .clusters()
        .map(|c: Cluster| c.sellers.iter().map(ToString::to_string).collect())
        .collect();
    out.sort();
    out
}

const SHOE_DESC: &str = "Giày thể thao nam nữ phong cách Hàn Quốc, đế cao su chống trơn trượt, \
    vải lưới thoáng khí, đủ size từ 36 đến 44, giao hàng toàn quốc, nhận hàng kiểm tra rồi mới \
    thanh toán, liên hệ shop để được tư vấn chọn size phù hợp với chân của bạn";

#[test]
fn same_phone_written_differently_links_across_marketplaces_with_both_quotes() {
    let mut lk = Linker::new();
    let a = listing(
        "shopee",
        "s100",
        "l1",
        "Đồng hồ Rolex siêu cấp",
        "Liên hệ 0901 234 567 để đặt cọc",
    );
    let b = listing(
        "lazada",
        "z200",
        "l2",
        "Đồng hồ nam cao cấp",
        "Gọi ngay +84901234567 giảm 50%",
    );
    assert_eq!(lk.add(&a).unwrap(), 0);
    assert_eq!(lk.add(&b).unwrap(), 1);
    let c = lk.cluster(&key("lazada", "z200"));
    assert_eq!(c.sellers, [key("lazada", "z200"), key("shopee", "s100")]);
    let link = &c.links[0];
    assert_eq!(link.kind, LinkKind::Phone);
    assert_eq!(link.value, "0901234567");
    assert_eq!(link.a.seller, key("shopee", "s100"));
    assert_eq!(link.a.listing, "l1");
    assert_eq!(link.a.evidence.quote, "0901 234 567");
    assert_eq!(link.a.evidence.field, "description");
    assert_eq!(link.b.evidence.quote, "+84901234567");
    let e = &link.b.evidence;
    let d = b.description.as_deref().unwrap_or_default();
    assert_eq!(soi_model::char_slice(d, e.start, e.end), e.quote);
}

#[test]
fn shared_zalo_number_links_different_marketplaces() {
    let mut lk = Linker::new();
    lk.add(&listing(
        "tiki",
        "t1",
        "a",
        "Túi xách",
        "Ib Zalo: 0988.777.666 để được giá sỉ",
    ))
    .unwrap();
    lk.add(&listing(
        "chotot",
        "c9",
        "b",
        "Túi da",
        "kết bạn zalo.me/0988777666 nha",
    ))
    .unwrap();
    let c = lk.cluster(&key("tiki", "t1"));
    assert_eq!(c.sellers.len(), 2);
    assert!(c.links.iter().any(|l| l.kind == LinkKind::Zalo
        && l.value == "0988777666"
        && l.a.evidence.quote == "Zalo: 0988.777.666"
        && l.b.evidence.quote == "zalo.me/0988777666"));
}

#[test]
fn shared_bank_account_links() {
    let mut lk = Linker::new();
    lk.add(&listing(
        "shopee",
        "a",
        "1",
        "iPhone 15 Pro Max giá sốc",
        "Đặt cọc 30% qua STK 19036543210011 Techcombank chủ TK Nguyen Van A",
    ))
    .unwrap();
    lk.add(&listing(
        "lazada",
        "b",
        "2",
        "Samsung S24 Ultra",
        "CK trước vào Techcombank: 1903 6543 2100 11",
    ))
    .unwrap();
    let c = lk.cluster(&key("shopee", "a"));
    assert_eq!(c.sellers.len(), 2);
    assert_eq!(c.links[0].kind, LinkKind::BankAccount);
    assert_eq!(c.links[0].value, "19036543210011");
    assert_eq!(c.links[0].b.evidence.quote, "1903 6543 2100 11");
}

#[test]
fn shared_domain_links_but_marketplace_domains_do_not() {
    let mut lk = Linker::new();
    lk.add(&listing(
        "shopee",
        "a",
        "1",
        "Nước hoa",
        "Xem thêm mẫu tại nuochoa-auth.vip",
    ))
    .unwrap();
    lk.add(&listing(
        "tiki",
        "b",
        "2",
        "Nước hoa Pháp",
        "Mua rẻ hơn ở https://www.nuochoa-auth.vip/sale",
    ))
    .unwrap();
    lk.add(&listing(
        "shopee",
        "c",
        "3",
        "Son môi",
        "Xem shop khác tại shopee.vn/son",
    ))
    .unwrap();
    lk.add(&listing(
        "lazada",
        "d",
        "4",
        "Son dưỡng",
        "Mua tại shopee.vn/son nhé",
    ))
    .unwrap();
    assert_eq!(lk.cluster_size(&key("tiki", "b")), 2);
    assert_eq!(
        lk.cluster(&key("tiki", "b")).links[0].kind,
        LinkKind::Domain
    );
    assert_eq!(lk.cluster_size(&key("shopee", "c")), 1);
    assert_eq!(lk.cluster_size(&key("lazada", "d")), 1);
}

#[test]
fn near_duplicate_descriptions_link_and_shared_common_words_do_not() {
    let mut lk = Linker::new();
    lk.add(&listing("shopee", "a", "1", "Giày sneaker", SHOE_DESC))
        .unwrap();
    let changed = SHOE_DESC.replace("Hàn Quốc", "Nhật Bản");
    lk.add(&listing("lazada", "b", "2", "Giày thể thao", &changed))
        .unwrap();
    let other = "Nồi chiên không dầu dung tích lớn 6 lít, giao hàng toàn quốc, bảo hành chính \
        hãng 12 tháng, nhận hàng kiểm tra rồi mới thanh toán, tặng kèm sách công thức nấu ăn";
    lk.add(&listing("tiki", "c", "3", "Nồi chiên", other))
        .unwrap();
    let c = lk.cluster(&key("shopee", "a"));
    assert_eq!(c.sellers, [key("lazada", "b"), key("shopee", "a")]);
    assert_eq!(
        c.links.len(),
        1,
        "one near-text link per pair: {:?}",
        c.links
    );
    assert_eq!(c.links[0].kind, LinkKind::NearText);
    assert!(c.links[0]
        .a
        .evidence
        .quote
        .starts_with("Giày thể thao nam nữ"));
    assert_eq!(c.links[0].a.evidence.end, SHOE_DESC.chars().count());
    assert_eq!(lk.cluster_size(&key("tiki", "c")), 1);
}

#[test]
fn one_shared_common_word_never_links() {
    let mut lk = Linker::new();
    for (i, (name, desc)) in [
        (
            "Shop Chính Hãng",
            "Hàng chính hãng, thanh toán MoMo, ib Zalo",
        ),
        (
            "Official Store",
            "Chính hãng, thanh toán MoMo hoặc ZaloPay, inbox zalo",
        ),
        ("Shop Uy Tín", "freeship, chính hãng, xem tại shopee.vn"),
    ]
    .into_iter()
    .enumerate()
    {
        let l = named(
            listing(
                "shopee",
                &format!("s{i}"),
                &format!("l{i}"),
                "Áo thun",
                desc,
            ),
            name,
        );
        lk.add(&l).unwrap();
    }
    assert_eq!(lk.clusters().count(), 0);
    assert!(lk.links().is_empty());
}

#[test]
fn shop_names_normalise_to_one_key_and_link() {
    let a = named(
        listing("shopee", "a", "1", "Giày", "x"),
        "Shop Giày Hà Nội Chính Hãng",
    );
    let b = named(listing("lazada", "b", "2", "Giày", "y"), "giày hà nội");
    let ka: Vec<_> = keys(&a)
        .into_iter()
        .filter(|k| k.kind == LinkKind::ShopName)
        .collect();
    let kb: Vec<_> = keys(&b)
        .into_iter()
        .filter(|k| k.kind == LinkKind::ShopName)
        .collect();
    assert_eq!(ka[0].value, kb[0].value);
    assert_eq!(ka[0].evidence.field, "seller.name");
    let mut lk = Linker::new();
    lk.add(&a).unwrap();
    lk.add(&b).unwrap();
    let c = lk.cluster(&key("shopee", "a"));
    assert_eq!(c.links[0].a.evidence.quote, "Shop Giày Hà Nội Chính Hãng");
    assert_eq!(c.links[0].b.evidence.quote, "giày hà nội");
}

#[test]
fn a_sellers_own_listings_never_self_link() {
    let mut lk = Linker::new();
    lk.add(&listing("shopee", "a", "1", "Giày", "Gọi 0912345678"))
        .unwrap();
    lk.add(&listing("shopee", "a", "2", "Giày", "Gọi 0912 345 678"))
        .unwrap();
    lk.add(&listing("shopee", "a", "3", "Giày", SHOE_DESC))
        .unwrap();
    lk.add(&listing("shopee", "a", "4", "Giày", SHOE_DESC))
        .unwrap();
    assert!(lk.links().is_empty());
    assert_eq!(lk.cluster_size(&key("shopee", "a")), 1);
    assert_eq!(
        lk.cluster(&key("shopee", "a")).sellers,
        [key("shopee", "a")]
    );
    assert_eq!(lk.cluster_size(&key("shopee", "nobody")), 0);
}

#[test]
fn the_same_pair_and_key_is_one_link() {
    let mut lk = Linker::new();
    lk.add(&listing("shopee", "a", "1", "Giày", "Gọi 0912345678"))
        .unwrap();
    lk.add(&listing("tiki", "b", "2", "Giày", "Gọi 0912345678"))
        .unwrap();
    assert_eq!(
        lk.add(&listing("tiki", "b", "3", "Dép", "Gọi 0912.345.678"))
            .unwrap(),
        0
    );
    assert_eq!(lk.links().len(), 1);
}

fn ring() -> Vec<Listing> {
    vec![
        listing("shopee", "A", "a1", "Điện thoại", "Liên hệ 0933 111 222"),
        listing(
            "lazada",
            "B",
            "b1",
            "Điện thoại cũ",
            "sđt 0933.111.222, STK 0451000123456 Vietcombank",
        ),
        listing(
            "tiki",
            "C",
            "c1",
            "Máy tính bảng",
            "Chuyển khoản Vietcombank 0451 000 123 456",
        ),
        listing("sendo", "D", "d1", "Tai nghe", "Gọi 0977 000 999"),
        listing("sendo", "E", "e1", "Loa", SHOE_DESC),
        listing(
            "chotot",
            "F",
            "f1",
            "Giày",
            &SHOE_DESC.replace("36 đến 44", "35 đến 45"),
        ),
        listing(
            "shopee",
            "G",
            "g1",
            "Sạc dự phòng",
            "giao hàng toàn quốc, chính hãng",
        ),
    ]
}

#[test]
fn clusters_are_transitive() {
    let mut lk = Linker::new();
    for l in ring() {
        lk.add(&l).unwrap();
    }
    assert_eq!(
        shape(&lk),
        vec![
            vec!["chotot/F".to_string(), "sendo/E".to_string()],
            vec!["lazada/B".into(), "shopee/A".into(), "tiki/C".into()],
        ]
    );
    let c = lk.cluster(&key("tiki", "C"));
    let kinds: Vec<LinkKind> = c.links.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [LinkKind::Phone, LinkKind::BankAccount]);
    assert_eq!(lk.cluster_size(&key("sendo", "D")), 1);
    assert_eq!(lk.cluster_sizes().len(), 2);
}

#[test]
fn order_of_arrival_does_not_change_the_clusters() {
    let forward = ring();
    let mut backward = ring();
    backward.reverse();
    let mut shuffled = ring();
    shuffled.swap(0, 4);
    shuffled.swap(1, 6);
    let mut shapes = Vec::new();
    for order in [forward, backward, shuffled] {
        let mut lk = Linker::new();
        for l in &order {
            lk.add(l).unwrap();
        }
        shapes.push(shape(&lk));
    }
    assert_eq!(shapes[0], shapes[1]);
    assert_eq!(shapes[0], shapes[2]);
}

#[test]
fn a_listing_without_seller_is_refused_or_given_one() {
    let mut lk = Linker::new();
    let mut l = listing("shopee", "a", "1", "Giày", "Gọi 0912345678");
    l.seller = None;
    let e = lk.add(&l).unwrap_err();
    assert_eq!(e.to_string(), "listing `shopee/1` has no seller to link");
    lk.add_for(&key("shopee", "from-verdict"), &l).unwrap();
    assert_eq!(lk.cluster_size(&key("shopee", "from-verdict")), 1);
    // An embedded seller without a marketplace takes the listing's.
    let mut m = listing("lazada", "b", "2", "Giày", "Gọi 0912345678");
    if let Some(s) = m.seller.as_mut() {
        s.marketplace.clear();
    }
    lk.add(&m).unwrap();
    assert_eq!(lk.cluster_size(&key("lazada", "b")), 2);
}

#[test]
fn links_serialise_as_json() {
    let mut lk = Linker::new();
    for l in ring() {
        lk.add(&l).unwrap();
    }
    let c = lk.cluster(&key("shopee", "A"));
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["links"][0]["kind"], "phone");
    assert_eq!(v["links"][0]["a"]["seller"]["marketplace"], "shopee");
}
