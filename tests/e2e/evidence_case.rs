//! `soi evidence package --case`: a case of the analysts' console packaged whole (every listing
//! of its sellers) as a WACZ that verifies, recorded in the custody log with the case; an
//! unknown case is refused by name.

use soi_store::console::{Case, CaseStatus};
use soi_store::{ConsoleStore, Store};

use crate::evidence_package::soi_k;
use crate::support::free_port;

#[test]
fn a_console_case_packages_every_listing_of_its_sellers() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    soi_k(h, &["keys", "init"], 0);
    soi_k(h, &["run", "--demo-port", &free_port().to_string()], 0);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listings = rt.block_on(async {
        let store = soi_sqlite::SqliteStore::open(&h.join("soi.db")).expect("store");
        let now = chrono::Utc::now();
        let sellers = vec![
            ("demo".to_string(), "s06".to_string()),
            ("demo".into(), "s09".into()),
        ];
        let mut n = 0;
        for (m, s) in &sellers {
            n += store
                .seller_listings(Some(m), s)
                .await
                .expect("listings")
                .len();
        }
        let case = Case {
            id: "C-0001".into(),
            version: 1,
            title: "deposit ring".into(),
            sellers,
            status: CaseStatus::Open,
            assignee: None,
            referred_to: None,
            referral_requested_by: None,
            referral_approved_by: None,
            notes: vec![],
            created_by: "ana".into(),
            created_at: now,
            updated_by: "ana".into(),
            updated_at: now,
        };
        store.put_case(&case).await.expect("case");
        n
    });
    assert!(listings >= 2, "the demo sellers have listings");
    let out = h.join("case.wacz");
    let out = out.to_str().expect("path");
    let made = soi_k(
        h,
        &["evidence", "package", "--case", "C-0001", "--out", out],
        0,
    );
    let said = String::from_utf8_lossy(&made.stderr);
    assert!(said.contains(&format!("{listings} listing(s)")), "{said}");
    soi_k(h, &["evidence", "verify", out], 0);
    let log = soi_k(h, &["evidence", "log", "--json"], 0);
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&log.stdout)
            .lines()
            .next()
            .expect("entry"),
    )
    .expect("JSON");
    assert_eq!(first["action"], "package");
    assert_eq!(first["cases"], serde_json::json!(["C-0001"]));
    let refused = soi_k(
        h,
        &["evidence", "package", "--case", "C-9", "--out", out],
        1,
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no case `C-9`"));
}
