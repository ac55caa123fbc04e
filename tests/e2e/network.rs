//! Seller linking through the binary: listings of three marketplaces that share a phone and a
//! bank account are stored by `soi run`, `soi network` shows the one network with the quoted
//! evidence of both sides, `soi sellers` counts the linked accounts, and decoys (a bare "Zalo",
//! a platform's hotline word, a generic shop name) link nobody. A second run changes nothing.

use std::path::Path;

use crate::support::{run_expect, soi};

fn line(
    market: &str,
    seller: &str,
    shop: &str,
    id: &str,
    title: &str,
    description: &str,
) -> String {
    serde_json::json!({
        "id": id,
        "marketplace": market,
        "title": title,
        "description": description,
        "price": 150000,
        "currency": "VND",
        "seller": {"id": seller, "marketplace": market, "name": shop},
    })
    .to_string()
}

fn input(dir: &Path) -> String {
    let lines = [
        line(
            "shopee",
            "s1",
            "Đồng Hồ Hiệu Giá Rẻ 88",
            "a1",
            "Đồng hồ Rolex fake 1:1 giá sốc",
            "Hàng fake 1:1, chuyển khoản trước 100%, liên hệ 0901 234 567 để nhận giá sốc",
        ),
        line(
            "lazada",
            "l7",
            "Kho Sỉ Minh Tâm",
            "b1",
            "Túi xách hàng hiệu replica",
            "Gọi 0901.234.567, đặt cọc 30% trước khi giao hàng, hàng replica loại 1",
        ),
        line(
            "lazada",
            "l7",
            "Kho Sỉ Minh Tâm",
            "b2",
            "Giày thể thao giá kho",
            "Đặt cọc qua STK 19036543210011 Techcombank chủ TK Nguyen Van A",
        ),
        line(
            "tiki",
            "t3",
            "Phụ Kiện Hải Đăng",
            "c1",
            "Tai nghe không dây",
            "Thanh toán trước: STK 1903 6543 2100 11 Techcombank, giao trong 2 ngày",
        ),
        // Decoys: the words without the identifiers, and a generic shop name.
        line(
            "sendo",
            "d1",
            "Shop",
            "d1",
            "Nồi chiên không dầu",
            "Hàng chính hãng, thanh toán MoMo, ib Zalo, hotline Shopee",
        ),
        line(
            "shopee",
            "d2",
            "Shop",
            "d2",
            "Quạt điện mini",
            "Chính hãng, thanh toán MoMo hoặc ZaloPay, inbox zalo",
        ),
    ];
    let path = dir.join("listings.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write input");
    path.display().to_string()
}

fn network_json(home: &Path, seller: &str) -> serde_json::Value {
    let out = run_expect(soi(home).args(["network", seller, "--json"]), 0);
    serde_json::from_slice(&out.stdout).expect("network JSON")
}

#[test]
fn shared_phone_and_bank_account_make_one_network_and_decoys_stay_alone() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = input(home.path());
    run_expect(soi(home.path()).args(["run", "--input", &file]), 0);

    let net = network_json(home.path(), "tiki/t3");
    let sellers: Vec<String> = net["sellers"]
        .as_array()
        .expect("sellers")
        .iter()
        .map(|s| {
            format!(
                "{}/{}",
                s["marketplace"].as_str().unwrap_or(""),
                s["seller_id"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(sellers, ["lazada/l7", "shopee/s1", "tiki/t3"], "{net:#}");
    let links = net["links"].as_array().expect("links");
    let kinds: Vec<&str> = links.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert!(
        kinds.contains(&"phone") && kinds.contains(&"bank_account"),
        "{kinds:?}"
    );
    let phone = links
        .iter()
        .find(|l| l["kind"] == "phone")
        .expect("phone link");
    assert_eq!(phone["value"], "0901234567");
    assert_eq!(
        phone["a"]["quote"], "0901 234 567",
        "the first holder's own words"
    );
    assert_eq!(phone["b"]["quote"], "0901.234.567");
    assert_eq!(phone["b"]["listing_id"], "b1");
    assert!(
        !net["flagged_listings"]
            .as_array()
            .expect("flagged")
            .is_empty(),
        "{net:#}"
    );

    let text = run_expect(soi(home.path()).args(["network", "shopee/s1"]), 0);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("3 accounts in one network (lazada 1, shopee 1, tiki 1)"),
        "{text}"
    );
    assert!(text.contains("\"0901.234.567\""), "{text}");

    for decoy in ["sendo/d1", "shopee/d2"] {
        let alone = network_json(home.path(), decoy);
        assert_eq!(
            alone["sellers"].as_array().map(Vec::len),
            Some(1),
            "{decoy}: {alone:#}"
        );
    }

    let out = run_expect(
        soi(home.path()).args(["sellers", "--format", "json", "--min-risk", "0"]),
        0,
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sellers JSON");
    let linked = |id: &str| {
        rows.as_array()
            .and_then(|r| r.iter().find(|s| s["seller_id"] == id))
            .map(|s| s["linked_accounts"].clone())
    };
    assert_eq!(linked("l7"), Some(serde_json::json!(2)), "{rows:#}");
    assert_eq!(linked("d1").unwrap_or(serde_json::json!(0)), 0);

    // The same input again: nothing new is linked.
    run_expect(soi(home.path()).args(["run", "--input", &file]), 0);
    let again = network_json(home.path(), "tiki/t3");
    assert_eq!(
        again["links"], net["links"],
        "a second run links nothing new"
    );
}

#[test]
fn a_seller_without_a_marketplace_or_unknown_is_named() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run_expect(soi(home.path()).args(["network", "s1"]), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MARKETPLACE/SELLER_ID"), "{err}");
    let out = run_expect(soi(home.path()).args(["network", "shopee/nobody"]), 3);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no seller `shopee/nobody`"), "{err}");
}

#[test]
fn complaints_name_linked_sellers_and_reimporting_changes_nothing() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = input(home.path());
    run_expect(soi(home.path()).args(["run", "--input", &file]), 0);
    let csv = home.path().join("hotline.csv");
    std::fs::write(
        &csv,
        "id,received_at,channel,text,phone,amount\n\
         C1,2026-11-20 09:15,phone,\"Đặt đồng hồ, chuyển khoản trước rồi shop chặn số\",0901 234 567,\"1.500.000đ\"\n\
         C2,21/11/2026,web,\"Chuyển 2 triệu vào STK 19036543210011 Techcombank, không nhận được hàng\",,\n\
         C3,2026-11-22,web,\"Shop lừa đảo, nhắn Zalo không trả lời\",,\n\
         C4,hôm qua,web,\"x\",,\n",
    )
    .expect("write csv");
    let csv = csv.display().to_string();
    let out = run_expect(soi(home.path()).args(["complaints", "import", &csv]), 2);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stderr.contains("line 5:") && stderr.contains("hôm qua"),
        "{stderr}"
    );
    assert!(
        stdout.contains("read 3 complaints")
            && stdout.contains("3 new or changed")
            && stdout.contains("2 complaints name 3 known sellers, 1 name none yet"),
        "{stdout}"
    );

    let list = run_expect(
        soi(home.path()).args(["complaints", "list", "lazada/l7", "--json"]),
        0,
    );
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON");
    let ids: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["complaint"]["id"].as_str())
        .collect();
    assert_eq!(ids, ["C2", "C1"], "both name l7, newest first: {rows:#}");
    assert_eq!(rows[0]["link"]["kind"], "bank_account");
    assert_eq!(rows[1]["link"]["field"], "phone");
    assert_eq!(rows[1]["complaint"]["amount"], 1_500_000.0);

    let out = run_expect(
        soi(home.path()).args(["sellers", "--format", "json", "--min-risk", "0"]),
        0,
    );
    let sellers: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sellers JSON");
    let count = |id: &str| {
        sellers
            .as_array()
            .and_then(|r| r.iter().find(|s| s["seller_id"] == id))
            .map(|s| s["complaints"].clone())
    };
    assert_eq!(count("l7"), Some(serde_json::json!(2)), "{sellers:#}");
    assert_eq!(count("t3"), Some(serde_json::json!(1)));
    let table = run_expect(soi(home.path()).args(["sellers", "--min-risk", "0"]), 0);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("hotline_complaints (2x)"), "{table}");

    let listing = run_expect(
        soi(home.path()).args(["listing", "b1", "--marketplace", "lazada"]),
        0,
    );
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.contains("Hotline complaints naming this seller (2)"),
        "{listing}"
    );

    let out = run_expect(soi(home.path()).args(["complaints", "import", &csv]), 2);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("0 new or changed, 0 new links"),
        "re-import changes nothing: {stdout}"
    );
}
