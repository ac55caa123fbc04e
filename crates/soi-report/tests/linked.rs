//! Dossiers name the seller's linked accounts and the complaints naming it, from a SQLite store
//! written through `LinkStore` and `ComplaintStore`:
//! - `dossier_names_linked_accounts_and_complaints`: the HTML and JSON of a seller with a link
//!   and a complaint name the other account, both quotes and the complaint; a seller with
//!   neither says so plainly; the CSV counts them; hostile quotes are escaped; a second run is
//!   byte-identical.
//! - `plain_report_says_nothing_about_links`: `cross_border` without extras shows no section
//!   (nothing was looked up, so nothing is claimed).
//! - `capped_network_says_so`: a walk stopped at its cap says "at least".

mod common;

use std::path::Path;

use common::{day, files, json, params, read, row};
use soi_report::{cross_border, cross_border_with, DossierExtras};
use soi_sqlite::SqliteStore;
use soi_store::links::{LinkBatch, LinkRow, LinkSide, SellerRef};
use soi_store::{LinkStore, Store};

fn side(mkt: &str, sid: &str, listing: &str, quote: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new(mkt, sid),
        listing_id: listing.into(),
        field: "description".into(),
        start: 5,
        end: 5 + quote.chars().count(),
        quote: quote.into(),
    }
}

fn link(kind: &str, value: &str, a: LinkSide, b: LinkSide, d: u32) -> LinkRow {
    LinkRow {
        kind: kind.into(),
        value: value.into(),
        a,
        b,
        found_at: day(11, d),
    }
}

const CN1: (&str, &str, bool) = ("cn1", "CN", true);
const CN2: (&str, &str, bool) = ("cn2", "CN", true);
const CONTACT: &[&str] = &["off_platform_contact"];
const QUOTE_A: &str = "zalo 0900 000 101";
const QUOTE_B: &str = "Zalo: 0900000101 <script>x</script>";

/// `shopee/cn1` (CN) shares a Zalo account with `lazada/y` and is named by complaint `HL-1`;
/// `shopee/cn2` (CN) has neither.
async fn store(dir: &Path) -> SqliteStore {
    let store = SqliteStore::open(&dir.join("soi.db")).unwrap();
    store
        .put_scored(vec![
            row("shopee", CN1, "1", 0.9, CONTACT, day(11, 3)),
            row("shopee", CN2, "2", 0.9, CONTACT, day(11, 3)),
        ])
        .await
        .unwrap();
    let batch = LinkBatch {
        links: vec![link(
            "zalo",
            "0900000101",
            side("shopee", "cn1", "1", QUOTE_A),
            side("lazada", "y", "L9", QUOTE_B),
            4,
        )],
        ..Default::default()
    };
    assert_eq!(store.put_link_batch(&batch).await.unwrap(), 1);
    common::put_hl1_complaint(&store).await;
    store
}

#[tokio::test]
async fn dossier_names_linked_accounts_and_complaints() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path()).await;
    let out = tmp.path().join("r1");
    let extras = DossierExtras::stores(&store, &store);
    cross_border_with(&store, &extras, &params(None), &out, &|_| {})
        .await
        .unwrap();

    let html = read(out.join("CN/dossiers/shopee--cn1.html"));
    assert!(
        html.contains(
            "1 tài khoản liên kết trên lazada dùng chung tài khoản Zalo với người bán này."
        ),
        "{html}"
    );
    assert!(
        html.contains("1 linked account on lazada shares this seller&#39;s Zalo account."),
        "{html}"
    );
    assert!(html.contains("lazada/y"), "the linked account is named");
    assert!(
        html.contains(&format!("[5..22]<br><span class=\"q\">“{QUOTE_A}”</span>")),
        "the seller's quote, in the link's cell"
    );
    assert!(
        html.contains("“Zalo: 0900000101 &lt;script&gt;x&lt;/script&gt;”"),
        "the other side's quote, escaped"
    );
    assert!(!html.contains("<script"), "nothing unescaped");
    assert!(html.contains("tài khoản Zalo / Zalo account: 0900000101"));
    assert!(html.contains("HL-1") && html.contains("“zalo 0900000101”"));
    assert!(html.contains("1 complaint names this seller; declared losses 1.500.000 ₫."));
    assert!(html.contains("2026-11-06 09:30 UTC"));
    assert!(
        !html.contains("mất liên lạc"),
        "only the quoted part of a complaint is copied"
    );

    let d = json(out.join("CN/dossiers/shopee--cn1.json"));
    assert_eq!(d["links_checked"], true);
    assert_eq!(d["linked_capped"], false);
    let acc = &d["linked"][0];
    assert_eq!(acc["seller"]["marketplace"], "lazada");
    assert_eq!(acc["seller"]["seller_id"], "y");
    assert_eq!(acc["hops"], 1);
    let l = &acc["links"][0];
    assert_eq!(l["kind"], "zalo");
    assert_eq!(l["value"], "0900000101");
    assert_eq!(l["this"]["quote"], QUOTE_B);
    assert_eq!(l["this"]["listing_id"], "L9");
    assert_eq!(l["other"]["quote"], QUOTE_A);
    assert_eq!(l["other"]["seller"]["seller_id"], "cn1");
    assert_eq!(d["linked"].as_array().unwrap().len(), 1);
    let c = &d["complaints"][0];
    assert_eq!(c["complaint_id"], "HL-1");
    assert_eq!(c["channel"], "phone");
    assert_eq!(c["received_at"], "2026-11-06T09:30:00Z");
    assert_eq!(c["kind"], "zalo");
    assert_eq!(c["value"], "0900000101");
    assert_eq!(c["quote"], "zalo 0900000101");
    assert_eq!(c["amount"], 1_500_000.0);
    assert!(c.get("text").is_none());

    // The seller with neither says so plainly, in the dossier and on the country page.
    let plain = read(out.join("CN/dossiers/shopee--cn2.html"));
    assert!(plain.contains("Không tìm thấy tài khoản liên kết nào."));
    assert!(plain.contains("No linked accounts found."));
    assert!(plain.contains("No complaints name this seller."));
    let d2 = json(out.join("CN/dossiers/shopee--cn2.json"));
    assert_eq!(d2["linked"], serde_json::json!([]));
    assert_eq!(d2["complaints"], serde_json::json!([]));
    assert_eq!(d2["complaints_checked"], true);
    let country = read(out.join("CN/report.html"));
    assert!(country.contains("lazada/y") && country.contains("No linked accounts found."));

    // sellers.csv counts them.
    let mut r = csv::Reader::from_path(out.join("CN/sellers.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let at = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (li, ci) = (at("linked_accounts"), at("complaints"));
    let rows: Vec<(String, String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[2].to_string(), x[li].to_string(), x[ci].to_string())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("cn1".to_string(), "1".to_string(), "1".to_string()),
            ("cn2".to_string(), "0".to_string(), "0".to_string()),
        ]
    );

    let out2 = tmp.path().join("r2");
    cross_border_with(&store, &extras, &params(None), &out2, &|_| {})
        .await
        .unwrap();
    assert_eq!(files(&out2), files(&out), "two runs give identical bytes");
}

#[tokio::test]
async fn plain_report_says_nothing_about_links() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path()).await;
    let out = tmp.path().join("r");
    cross_border(&store, &params(None), &out, &|_| {})
        .await
        .unwrap();
    let html = read(out.join("CN/dossiers/shopee--cn1.html"));
    assert!(!html.contains("Linked accounts") && !html.contains("Hotline complaints"));
    let d = json(out.join("CN/dossiers/shopee--cn1.json"));
    assert_eq!(d["links_checked"], false);
    assert_eq!(d["complaints_checked"], false);
    let mut r = csv::Reader::from_path(out.join("CN/sellers.csv")).unwrap();
    let first = r.records().next().unwrap().unwrap();
    assert_eq!((&first[10], &first[11]), ("", ""), "not looked up: empty");
}

#[tokio::test]
async fn capped_network_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path()).await;
    // cn1 - lazada/y (stored above) - tiki/z - sendo/w: a chain of four.
    let batch = LinkBatch {
        links: vec![
            link(
                "bank_account",
                "0123",
                side("lazada", "y", "L9", "stk 0123"),
                side("tiki", "z", "T1", "STK: 0123"),
                5,
            ),
            link(
                "near_text",
                "band:7:abcd",
                side("tiki", "z", "T1", "y hệt"),
                side("sendo", "w", "S1", "y hệt"),
                6,
            ),
        ],
        ..Default::default()
    };
    assert_eq!(store.put_link_batch(&batch).await.unwrap(), 2);
    let out = tmp.path().join("r");
    let mut extras = DossierExtras::stores(&store, &store);
    cross_border_with(&store, &extras, &params(None), &out, &|_| {})
        .await
        .unwrap();
    let d = json(out.join("CN/dossiers/shopee--cn1.json"));
    let hops: Vec<(String, u64)> = d["linked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = &a["seller"];
            (
                format!("{}/{}", s["marketplace"], s["seller_id"]).replace('"', ""),
                a["hops"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            ("lazada/y".to_string(), 1),
            ("sendo/w".to_string(), 3),
            ("tiki/z".to_string(), 2),
        ]
    );
    let html = read(out.join("CN/dossiers/shopee--cn1.html"));
    assert!(
        html.contains("3 linked accounts on lazada, sendo and tiki are tied to this seller by"),
        "{html}"
    );
    assert!(!html.contains("band:7:abcd"), "no near-text value is shown");
    assert!(html.contains("qua 2 tài khoản / through 2 accounts"));
    assert!(html.contains("qua 1 tài khoản / through 1 account<"));

    extras.max_accounts = 2;
    let capped = tmp.path().join("capped");
    cross_border_with(&store, &extras, &params(None), &capped, &|_| {})
        .await
        .unwrap();
    let d = json(capped.join("CN/dossiers/shopee--cn1.json"));
    assert_eq!(d["linked_capped"], true);
    assert_eq!(d["linked"].as_array().unwrap().len(), 2);
    let html = read(capped.join("CN/dossiers/shopee--cn1.html"));
    assert!(html.contains("At least: the search stopped at 2 accounts."));
    assert!(html.contains("Ít nhất: việc tìm kiếm dừng ở 2 tài khoản."));
}
