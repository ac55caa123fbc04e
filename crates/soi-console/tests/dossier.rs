//! A case's printable HTML dossier over real HTTP on SQLite (`/cases/{id}/dossier.html`): an
//! attachment with the strict Content-Security-Policy, holding the seller's flagged listings
//! (not the others) with the quoted evidence and its sha256 escaped, the seller's linked
//! account; the same bytes twice; each download on the audit log as an export and on the
//! custody log with its sha256; linked from the case page; read by a liaison officer only once
//! the case is referred to them.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use sha2::{Digest, Sha256};
use soi_evidence::custody::Custody;
use soi_model::{Listing, Reason, Scored, Seller, Verdict};
use soi_store::links::{LinkBatch, LinkRow, LinkSide, SellerRef};

const EVIDENCE: &str = "zalo <script>alert(1)</script> & 0901234567";
const TITLE: &str = "Giày <b>chính hãng</b> & rẻ";
const LOW: &str = "Low risk sentinel";

fn sha_of(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A listing of `demo/x`, a seller with a hostile name, its one reason quoting `quote`.
fn listing(id: &str, title: &str, risk: f64, quote: &str) -> Scored {
    let mut s = Seller::new("demo", "x");
    s.name = Some("Shop <script>x</script> & Co".into());
    s.country = Some("CN".into());
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
    let description = format!("Liên hệ {quote}");
    let start = "Liên hệ ".chars().count();
    Scored {
        listing: Listing {
            id: id.into(),
            marketplace: "demo".into(),
            title: title.into(),
            description: Some(description),
            observed_at: Some(t),
            evidence_sha256: Some(sha_of(id)),
            seller: Some(s),
            ..Default::default()
        },
        verdict: Verdict {
            listing_id: id.into(),
            marketplace: "demo".into(),
            seller_id: Some("x".into()),
            risk,
            reasons: vec![Reason {
                code: "off_platform_contact".into(),
                message: "Asks to talk off the platform".into(),
                message_vi: "Kéo người mua ra ngoài sàn".into(),
                field: "description".into(),
                start,
                end: start + quote.chars().count(),
                evidence: quote.into(),
                ..Default::default()
            }],
            model: "test".into(),
            scored_at: t,
            ..Default::default()
        },
    }
}

/// The console over a store that also holds `demo/x` (one flagged listing, one not), linked to
/// `demo/c` by a Zalo number.
async fn dossier_console() -> Console {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("soi.db")).unwrap());
    store
        .put_scored(vec![
            listing("x1", TITLE, 0.92, EVIDENCE),
            listing("x2", LOW, 0.3, "không có gì"),
        ])
        .await
        .unwrap();
    let c = console_on(
        Stores::all(store),
        dir,
        Expiry::default(),
        ThrottleConfig::default(),
        None,
    )
    .await;
    let side = |seller: &str, listing: &str| LinkSide {
        seller: SellerRef::new("demo", seller),
        listing_id: listing.into(),
        field: "description".into(),
        start: 0,
        end: 7,
        quote: "zalo 09".into(),
    };
    let batch = LinkBatch {
        links: vec![LinkRow {
            kind: "zalo".into(),
            value: "0901234567".into(),
            a: side("x", "x1"),
            b: side("c", "4"),
            found_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap(),
        }],
        ..Default::default()
    };
    assert_eq!(c.links.put_link_batch(&batch).await.unwrap(), 1);
    c
}

const PATH: &str = "/cases/C-0001/dossier.html";

#[tokio::test]
async fn the_html_dossier_is_an_audited_attachment_with_the_flagged_evidence() {
    let c = dossier_console().await;
    let ana = c.login("ana").await;
    let form = [
        ("csrf", ana.csrf.as_str()),
        ("title", "Giày giả"),
        ("seller", "demo/x"),
        ("seller", "demo/a"),
    ];
    let r = c.post_form(&ana, "/cases", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let r = c.get(Some(&ana), PATH).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = |k: &str| r.headers()[k].to_str().unwrap().to_string();
    assert_eq!(h("content-type"), "text/html; charset=utf-8");
    assert_eq!(
        h("content-disposition"),
        "attachment; filename=\"soi-C-0001.html\""
    );
    assert_eq!(
        h("content-security-policy"),
        "default-src 'none'; style-src 'unsafe-inline'"
    );
    assert_eq!(h("x-frame-options"), "DENY");
    let html = r.text().await.unwrap();
    for want in [
        "Giày &lt;b&gt;chính hãng&lt;/b&gt; &amp; rẻ",
        "“zalo &lt;script&gt;alert(1)&lt;/script&gt; &amp; 0901234567”",
        "Shop &lt;script&gt;x&lt;/script&gt; &amp; Co (x)",
        "Kéo người mua ra ngoài sàn",
        "<tr><th>Mã vụ việc / Case id</th><td>C-0001</td></tr>",
        "<strong>TLP:AMBER</strong>",
        "listing 1 ib zalo",
        "demo/c",
    ] {
        assert!(html.contains(want), "{want} not in {html}");
    }
    assert!(html.contains(&sha_of("x1")), "the evidence page's sha256");
    assert!(!html.contains(LOW), "a listing below 0.5 is not flagged");
    assert!(!html.contains("<script"), "nothing unescaped");

    let again = c.get(Some(&ana), PATH).await.bytes().await.unwrap();
    assert_eq!(
        &again[..],
        html.as_bytes(),
        "the same case gives the same bytes"
    );

    let rows = c.records.audit(0, 1000).await.unwrap();
    let exports = rows
        .iter()
        .filter(|e| e.action == "export" && e.target == "case C-0001" && e.detail == "dossier-html")
        .count();
    assert_eq!(exports, 2, "every download is on the record");
    assert_eq!(
        verify_audit(c.records.as_ref()).await.unwrap(),
        Ok(rows.len() as u64)
    );
    let chain = Custody::open(&c.dir.path().join("evidence"))
        .read()
        .unwrap();
    let sha = sha_of(&html);
    let custody: Vec<_> = chain
        .entries
        .iter()
        .filter(|e| e.record.path.as_deref() == Some("console dossier soi-C-0001.html"))
        .collect();
    assert_eq!(custody.len(), 2);
    assert_eq!(custody[0].record.sha256.as_deref(), Some(sha.as_str()));
    assert_eq!(custody[0].record.cases, vec!["C-0001".to_string()]);
    assert!(chain.broken.is_none());

    // The JSON dossier is still there, as it was.
    let r = c.get(Some(&ana), "/cases/C-0001/dossier").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"soi-C-0001.json\""
    );
    let rows = c.records.audit(0, 1000).await.unwrap();
    assert!(rows
        .iter()
        .any(|e| e.action == "export" && e.target == "case C-0001" && e.detail == "dossier"));

    // The case page links both, in both languages.
    let en = c.page(&ana, "/cases/C-0001", "en").await;
    assert!(
        en.contains("href=\"/cases/C-0001/dossier.html\">Dossier to print (HTML"),
        "{en}"
    );
    assert!(en.contains("href=\"/cases/C-0001/dossier\">"), "{en}");
    let vi = c.page(&ana, "/cases/C-0001", "vi").await;
    assert!(vi.contains(">Hồ sơ để in (HTML"), "{vi}");

    assert_eq!(c.get(None, PATH).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_liaison_officer_gets_the_html_dossier_only_of_a_case_referred_to_them() {
    let c = dossier_console().await;
    let (ana, sup, police, agency) = (
        c.login("ana").await,
        c.login("sup").await,
        c.login("police").await,
        c.login("agency").await,
    );
    let form = [("csrf", ana.csrf.as_str()), ("seller", "demo/x")];
    assert_eq!(
        c.post_form(&ana, "/cases", &form).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        c.get(Some(&police), PATH).await.status(),
        StatusCode::NOT_FOUND,
        "not referred yet"
    );
    let r = c
        .post_form(
            &ana,
            "/cases/C-0001/refer",
            &[("csrf", &ana.csrf), ("referred_to", "police")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(Some(&police), PATH).await.status(),
        StatusCode::NOT_FOUND,
        "asked for, not approved"
    );
    let r = c
        .post_form(&sup, "/cases/C-0001/approve", &[("csrf", &sup.csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(Some(&police), PATH).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("đã chuyển / referred") && html.contains("police"));
    assert_eq!(
        c.get(Some(&agency), PATH).await.status(),
        StatusCode::NOT_FOUND,
        "another officer's case"
    );
    let rows = c.records.audit(0, 1000).await.unwrap();
    assert!(rows
        .iter()
        .any(|e| e.user == "police" && e.action == "export"));
    assert!(!rows
        .iter()
        .any(|e| e.user == "agency" && e.action == "export"));
}
