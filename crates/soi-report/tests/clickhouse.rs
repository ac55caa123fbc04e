//! The same report from ClickHouse as from SQLite, byte for byte: the same listings, a seller
//! link and a hotline complaint written to both stores (ClickHouse started by
//! `deploy/engines/start.sh`, address in `SOI_TEST_CLICKHOUSE`; without it the test skips with a
//! message, unless `SOI_REQUIRE_ENGINES=1`), and every file of the two reports compared.

mod common;

use common::{day, files, params};
use soi_clickhouse::ClickHouseStore;
use soi_report::{cross_border_with, DossierExtras};
use soi_sqlite::SqliteStore;
use soi_store::links::{LinkBatch, LinkRow, LinkSide, SellerRef};
use soi_store::{ComplaintStore, LinkStore, ReportSource, Store};

/// A fresh database on the test server, or `None` (skip).
async fn clickhouse() -> Option<ClickHouseStore> {
    let opts = soi_clickhouse::fresh_test_database("report")
        .await
        .expect("test database")?;
    Some(ClickHouseStore::connect(opts).await.expect("connect"))
}

fn side(seller: &str, listing: &str, quote: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new("shopee", seller),
        listing_id: listing.into(),
        field: "description".into(),
        start: 5,
        end: 5 + quote.chars().count(),
        quote: quote.into(),
    }
}

/// The known rows, `shopee/cn1` linked to `shopee/kr1` by a Zalo account, complaint `HL-1`.
async fn fill<S: Store + LinkStore + ComplaintStore>(s: &S) {
    s.put_scored(common::known_rows()).await.expect("rows");
    let batch = LinkBatch {
        links: vec![LinkRow {
            kind: "zalo".into(),
            value: "0900000101".into(),
            a: side("cn1", "1", "zalo 0900 000 101"),
            b: side("kr1", "8", "Zalo: 0900000101 <b>"),
            found_at: day(11, 12),
        }],
        ..Default::default()
    };
    assert_eq!(s.put_link_batch(&batch).await.expect("links"), 1);
    common::put_hl1_complaint(s).await;
}

async fn report<S: ReportSource + LinkStore + ComplaintStore>(
    s: &S,
    out: &std::path::Path,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    let extras = DossierExtras::stores(s, s);
    cross_border_with(s, &extras, &params(None), out, &|_| {})
        .await
        .expect("report");
    files(out)
}

#[tokio::test]
async fn the_report_from_clickhouse_equals_the_report_from_sqlite() {
    let Some(ch) = clickhouse().await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&tmp.path().join("soi.db")).unwrap();
    fill(&sqlite).await;
    fill(&ch).await;
    let from_sqlite = report(&sqlite, &tmp.path().join("sqlite")).await;
    let from_clickhouse = report(&ch, &tmp.path().join("clickhouse")).await;
    assert!(
        from_sqlite.contains_key("CN/dossiers/shopee--cn1.html"),
        "{:?}",
        from_sqlite.keys()
    );
    let linked = String::from_utf8_lossy(&from_sqlite["CN/dossiers/shopee--cn1.html"]);
    assert!(
        linked.contains("HL-1") && linked.contains("kr1"),
        "{linked}"
    );
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&from_clickhouse),
        names(&from_sqlite),
        "the same files"
    );
    for (name, bytes) in &from_sqlite {
        assert!(
            from_clickhouse.get(name) == Some(bytes),
            "{name} differs:\n--- sqlite\n{}\n--- clickhouse\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&from_clickhouse[name])
        );
    }
}
