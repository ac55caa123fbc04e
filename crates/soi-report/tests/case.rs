//! The console case's dossier page over a SQLite store written through `LinkStore` and
//! `ComplaintStore`:
//! - `case_page_names_linked_accounts_and_complaints_and_repeats_its_bytes`: each seller's
//!   section carries its flagged listings (reasons, quoted evidence, sha256), its linked
//!   account and the complaint naming it, hostile text escaped; two renderings are identical.

mod common;

use chrono::TimeZone;
use common::{day, row};
use soi_model::Scored;
use soi_report::{case_dossier, CaseParams, DossierExtras};
use soi_sqlite::SqliteStore;
use soi_store::console::{Case, CaseStatus};
use soi_store::links::{LinkBatch, LinkRow, LinkSide, SellerRef};
use soi_store::{LinkStore, ReportRow, Tlp};

const CN1: (&str, &str, bool) = ("cn1", "CN", true);
const VN1: (&str, &str, bool) = ("vn1", "VN", false);
const HOSTILE: &str = "Zalo: 0900000101 <script>x</script> & more";

fn side(mkt: &str, sid: &str, listing: &str, quote: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new(mkt, sid),
        listing_id: listing.into(),
        field: "description".into(),
        start: 0,
        end: quote.chars().count(),
        quote: quote.into(),
    }
}

fn report_row(s: Scored) -> ReportRow {
    let seller = s.listing.seller.clone().unwrap_or_default();
    ReportRow {
        listing: s.listing,
        verdict: s.verdict,
        seller,
    }
}

fn case() -> Case {
    let t = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 7, 0, 0).unwrap();
    Case {
        id: "C-0001".into(),
        version: 2,
        title: "Zalo ring".into(),
        sellers: vec![
            ("shopee".into(), "vn1".into()),
            ("shopee".into(), "cn1".into()),
        ],
        status: CaseStatus::Open,
        assignee: None,
        referred_to: None,
        referral_requested_by: None,
        referral_approved_by: None,
        notes: vec![],
        created_by: "ana".into(),
        created_at: t,
        updated_by: "ana".into(),
        updated_at: t,
    }
}

/// `shopee/cn1` shares a Zalo account with `lazada/y` and is named by complaint `HL-1`;
/// `shopee/vn1` has neither.
async fn store(dir: &std::path::Path) -> SqliteStore {
    let store = SqliteStore::open(&dir.join("soi.db")).unwrap();
    let batch = LinkBatch {
        links: vec![LinkRow {
            kind: "zalo".into(),
            value: "0900000101".into(),
            a: side("shopee", "cn1", "1", "zalo 0900 000 101"),
            b: side("lazada", "y", "L9", HOSTILE),
            found_at: day(11, 4),
        }],
        ..Default::default()
    };
    assert_eq!(store.put_link_batch(&batch).await.unwrap(), 1);
    common::put_hl1_complaint(&store).await;
    store
}

#[tokio::test]
async fn case_page_names_linked_accounts_and_complaints_and_repeats_its_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path()).await;
    let rows = || {
        vec![
            report_row(row(
                "shopee",
                CN1,
                "1",
                0.9,
                &["off_platform_contact"],
                day(11, 3),
            )),
            report_row(row("shopee", VN1, "2", 0.6, &["fake_giveaway"], day(11, 2))),
            report_row(row("shopee", VN1, "3", 0.1, &["fake_giveaway"], day(11, 2))),
        ]
    };
    let case = case();
    let p = CaseParams {
        case: &case,
        min_risk: 0.5,
        tlp: Tlp::Amber,
    };
    let extras = DossierExtras::stores(&store, &store);
    let html = case_dossier(&p, rows(), &extras).await.unwrap();

    let (vn, cn) = (
        html.find("id=\"shopee--vn1\"").unwrap(),
        html.find("id=\"shopee--cn1\"").unwrap(),
    );
    assert!(vn < cn, "the case's order of sellers");
    let cn1 = &html[cn..];
    assert!(cn1.contains("lazada/y"), "the linked account is named");
    assert!(
        cn1.contains("“Zalo: 0900000101 &lt;script&gt;x&lt;/script&gt; &amp; more”"),
        "the other side's quote, escaped"
    );
    assert!(cn1.contains("HL-1") && cn1.contains("“zalo 0900000101”"));
    assert!(cn1.contains("Tin 1 hàng chính hãng"));
    assert!(cn1.contains("“zalo 0900 000 101”"), "the quoted evidence");
    assert!(cn1.contains(&hex_sha("1")), "the evidence page's sha256");
    let vn1 = &html[vn..cn];
    assert!(vn1.contains("Tin 2 hàng chính hãng"));
    assert!(!html.contains("Tin 3 hàng"), "below the threshold");
    assert!(vn1.contains("No linked accounts found."));
    assert!(vn1.contains("No complaints name this seller."));
    assert!(!html.contains("<script"), "nothing unescaped");
    assert!(
        html.contains("Cửa hàng cn1 &lt;b&gt;&amp;"),
        "the seller's name, escaped"
    );
    assert!(
        !html.contains("mất liên lạc"),
        "only a complaint's quoted part"
    );

    let mut shuffled = rows();
    shuffled.reverse();
    let again = case_dossier(&p, shuffled, &extras).await.unwrap();
    assert_eq!(again, html, "same case, same store: same bytes");
}

fn hex_sha(id: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(id.as_bytes()))
}
