//! The analysts' console in real headless Chromium through its WebDriver, on a store filled by
//! `soi run` on the demo marketplace: an analyst logs in, works the queue, opens a seller and a
//! listing, labels it, builds two cases and asks to refer one; a supervisor approves; the
//! liaison officer it went to sees that case only. A captured page whose script would change
//! the title runs nothing in the evidence frame.
//!
//! With `SOI_CONSOLE_SCREENSHOTS=DIR`, the pages are also saved there as PNG (the README's).

use std::path::Path;
use std::time::Duration;

use soi_store::Store;

use crate::support::{add_console_user, free_port, run_demo, serve_console, soi};
use crate::webdriver::Driver;

const PW: &str = "a long console password";

const HOSTILE: &str =
    "<!doctype html><html><head><meta charset=utf-8><title>captured</title></head>\
<body><h1 id=marker>Giày chính hãng giá sốc, ib zalo 0901234567</h1>\
<script>document.title='pwned';document.body.insertAdjacentHTML('beforeend','<p id=ran>ran</p>');\
try{parent.document.title='pwned-parent'}catch(e){}</script></body></html>";

/// Gives the first listing of demo seller `seller` a capture holding a script; its id.
fn plant_hostile_capture(home: &Path, seller: &str) -> String {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = soi_sqlite::SqliteStore::open(&home.join("soi.db")).expect("store");
        let (m, id) = store
            .seller_listings(Some("demo"), seller)
            .await
            .expect("listings")[0]
            .clone();
        let d = store
            .listing(Some(&m), &id)
            .await
            .expect("read")
            .expect("listing");
        let ev = soi_crawl::EvidenceStore::open(home.join("evidence")).expect("evidence");
        let url = d.listing.url.clone().unwrap_or_default();
        let headers = vec![(
            "content-type".to_string(),
            "text/html; charset=utf-8".to_string(),
        )];
        let rec = ev
            .put(&url, 200, &headers, HOSTILE.as_bytes(), chrono::Utc::now())
            .expect("put");
        let mut listing = d.listing.clone();
        listing.evidence_sha256 = Some(rec.sha256);
        let verdict = d.verdict.expect("verdict");
        store
            .put_scored(vec![soi_model::Scored { listing, verdict }])
            .await
            .expect("write");
        id
    })
}

fn shot(d: &Driver, name: &str) {
    if let Ok(dir) = std::env::var("SOI_CONSOLE_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            Path::new(&dir).join(format!("{name}.png")),
            d.screenshot_png(),
        )
        .expect("png");
    }
}

fn login(d: &Driver, base: &str, user: &str) {
    d.goto(&format!("{base}/login"));
    d.find("#username").send_keys(user);
    d.find("#password").send_keys(PW);
    d.find("#login").click();
    assert!(
        d.wait_until(Duration::from_secs(5), |d| !d
            .current_url()
            .ends_with("/login")),
        "{user} not logged in: {}",
        d.page_source()
    );
}

fn logout(d: &Driver) {
    d.find("#logout").click();
    assert!(d.wait_until(Duration::from_secs(5), |d| d
        .current_url()
        .ends_with("/login")));
}

#[test]
fn analysts_triage_label_and_refer_and_the_officer_sees_only_the_referral() {
    let Some(d) = Driver::start() else { return };
    let home = tempfile::tempdir().expect("home");
    run_demo(home.path(), free_port());
    let listing_id = plant_hostile_capture(home.path(), "s08");
    for (n, r) in [
        ("ana", "analyst"),
        ("sup", "supervisor"),
        ("police", "liaison"),
        ("agency", "liaison"),
    ] {
        add_console_user(home.path(), n, r, PW);
    }
    let (server, base) = serve_console(home.path());

    // The analyst works the queue, riskiest first.
    login(&d, &base, "ana");
    let cookie = d
        .cookies()
        .into_iter()
        .find(|c| c.name == "soi_session")
        .expect("cookie");
    assert!(cookie.http_only, "the session cookie is HttpOnly");
    assert_eq!(cookie.same_site.as_deref(), Some("Strict"));
    let rows = d.find_all("#queue tr.seller-row");
    assert!(rows.len() >= 3, "the demo's scammers are queued");
    let sellers: Vec<String> = d
        .find_all("a.seller-link")
        .iter()
        .map(|a| a.text())
        .collect();
    assert!(sellers.iter().any(|s| s == "s06"), "{sellers:?}");
    shot(&d, "queue");

    // A seller: every listing, reasons quoted in context.
    d.find("a.seller-link[href='/sellers/demo/s06']").click();
    assert_eq!(d.find("#seller-id").text(), "s06");
    assert!(
        !d.find_all("#listings mark").is_empty(),
        "the quoted evidence is highlighted"
    );
    shot(&d, "seller");

    // A listing as captured (shown in the README), then one whose capture holds a script: in
    // the sandboxed frame, the script ran nowhere.
    d.find("a.listing-link").click();
    d.find("#evidence-frame");
    d.execute("window.scrollTo(0, 120)", vec![]);
    shot(&d, "listing");
    d.goto(&format!("{base}/listings/demo/{listing_id}"));
    let frame = d.find("#evidence-frame");
    assert_eq!(
        frame.attr("sandbox").as_deref(),
        Some(""),
        "the frame is sandboxed"
    );
    assert_eq!(d.find("#evidence-sha").text().len(), 64);
    std::thread::sleep(Duration::from_millis(500));
    let title = d.title();
    assert!(
        !title.contains("pwned"),
        "the console page's title changed: {title}"
    );
    d.switch_to_frame(&frame);
    assert!(
        d.find("#marker").text().contains("ib zalo"),
        "the capture is shown"
    );
    assert!(
        d.try_find("#ran").is_none(),
        "the capture's script ran in the frame"
    );
    d.switch_to_parent_frame();

    // Label the listing: scam, reasons confirmed.
    d.find("#label-form input[name=label][value=scam]").click();
    for r in d.find_all("#label-form input[value=confirm]") {
        r.click();
    }
    d.find("#label-form textarea[name=note]")
        .send_keys("Liên hệ ngoài sàn, đặt cọc");
    d.find("#save-label").click();
    assert!(
        d.find("#labels li.scam").text().contains("ana"),
        "the label and who gave it"
    );

    // Two cases from the queue; the first is asked to go to the police.
    for (who, title) in [("s06", "Zalo deposit ring"), ("s08", "Other")] {
        d.goto(&format!("{base}/"));
        d.find(&format!("input[name=seller][value='demo/{who}']"))
            .click();
        d.find("#case-title").send_keys(title);
        d.find("#create-case").click();
        d.find("#case-id");
    }
    d.goto(&format!("{base}/cases/C-0001"));
    d.find("#referred-to-select option[value=police]").click();
    d.find("#request-referral").click();
    // Read the page whole (an element found mid-navigation goes stale): the request form is gone
    // once the case waits for approval.
    assert!(d.wait_until(Duration::from_secs(5), |d| !d
        .page_source()
        .contains("id=\"request-referral\"")));
    let status = d.find("#case-status").text();
    assert!(
        ["waiting for approval", "chờ phê duyệt"].contains(&status.as_str()),
        "{status}"
    );
    shot(&d, "case");
    logout(&d);

    // The supervisor approves: the referral is sent through the file-drop route.
    login(&d, &base, "sup");
    d.goto(&format!("{base}/cases/C-0001"));
    d.find("#approve-referral").click();
    assert!(d.wait_until(Duration::from_secs(5), |d| d
        .try_find("#approve-referral")
        .is_none()));
    let dropped = std::fs::read_dir(home.path().join("alerts/outbox"))
        .expect("drops")
        .count();
    assert!(dropped >= 1, "the referral was dropped");
    d.goto(&format!("{base}/audit"));
    let audit = d.find("#audit").text();
    for a in [
        "login",
        "view_seller",
        "view_evidence",
        "label",
        "case_create",
        "refer_request",
        "refer_approve",
    ] {
        assert!(audit.contains(a), "{a} missing from the audit log");
    }
    logout(&d);

    // The officer it went to sees that case and nothing else.
    login(&d, &base, "police");
    assert!(d.current_url().ends_with("/cases"));
    let cases: Vec<String> = d.find_all("a.case-link").iter().map(|a| a.text()).collect();
    assert_eq!(cases, vec!["C-0001"]);
    assert!(d.try_find("#nav-queue").is_none());
    d.goto(&format!("{base}/cases/C-0002"));
    assert!(
        d.page_source().contains("404"),
        "another case is not theirs to see"
    );
    d.goto(&format!("{base}/cases"));
    logout(&d);
    login(&d, &base, "agency");
    assert!(
        d.try_find("a.case-link").is_none(),
        "nothing referred to the agency"
    );
    drop(server);

    let out = soi(home.path())
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
