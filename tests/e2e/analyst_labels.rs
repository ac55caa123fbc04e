//! The analyst ⇄ model loop, end to end: `soi run` fills a store from the demo marketplace, an
//! analyst labels its listings through the console's JSON API (`soi serve`), and the next
//! `soi train --analyst-labels` learns from them: the demo marketplace gets its own scam
//! threshold in the model's config, the report carries the analyst set, and `soi labels eval`
//! measures the new model on the labels. Trains the scam head only (`--head scam`, the head the
//! labels train) to keep the two trainings short. Needs the shared sets: skips with a message
//! without them, fails without them when SOI_REQUIRE_DATA=1 (CI).

use std::path::Path;
use std::process::Command;

use crate::support::{add_console_user, free_port, run_demo, run_expect, serve_console, soi};

const PW: &str = "a long console password";
const SCAMMERS: [&str; 7] = ["s06", "s07", "s08", "s09", "s10", "s11", "s12"];

/// The shared data folder, or `None` (with a message) when it is absent.
fn shared_data() -> Option<std::path::PathBuf> {
    let dir = soi_learn::train::shared_data_dir()
        .filter(|d| d.join("vi_smishing_ie403/train.csv").is_file());
    if dir.is_none() {
        let why = "the shared labelled sets (SOI_SHARED_DATA or ../shared/data) are absent";
        assert!(
            std::env::var("SOI_REQUIRE_DATA").as_deref() != Ok("1"),
            "SOI_REQUIRE_DATA=1 but {why}"
        );
        eprintln!("skipping: {why}");
    }
    dir
}

/// `curl` POST of JSON with a cookie jar; (status, body).
fn post(url: &str, jar: &Path, csrf: Option<&str>, body: &serde_json::Value) -> (u16, String) {
    let mut c = Command::new("curl");
    c.args(["-s", "-m", "10", "-w", "\n%{http_code}", "-X", "POST"])
        .args(["-H", "content-type: application/json"])
        .arg("-c")
        .arg(jar)
        .arg("-b")
        .arg(jar)
        .args(["--data-binary", &body.to_string()]);
    if let Some(t) = csrf {
        c.args(["-H", &format!("x-csrf-token: {t}")]);
    }
    let out = c.arg(url).output().expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

/// (listing id, seller id) of every demo listing in the store.
fn listings(db: &Path) -> Vec<(String, String)> {
    let c = rusqlite::Connection::open(db).expect("store");
    let mut st = c
        .prepare("SELECT id, seller_id FROM listings WHERE marketplace = 'demo' ORDER BY id")
        .expect("query");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

fn train(home: &Path, data: &Path, out: &Path, labels: bool) -> Vec<serde_json::Value> {
    let mut c = soi(home);
    c.args(["train", "--head", "scam", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out);
    if labels {
        c.arg("--analyst-labels");
    }
    let o = run_expect(&mut c, 0);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON report line"))
        .collect()
}

fn config(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("config.json")).expect("config.json");
    serde_json::from_str(&text).expect("config JSON")
}

#[test]
fn console_labels_change_the_next_trainings_thresholds() {
    let Some(data) = shared_data() else { return };
    let home = tempfile::tempdir().expect("tempdir");
    run_demo(home.path(), free_port());

    add_console_user(home.path(), "ana", "analyst", PW);
    let (server, base) = serve_console(home.path());
    let jar = home.path().join("cookies.txt");
    let (code, body) = post(
        &format!("{base}/api/session"),
        &jar,
        None,
        &serde_json::json!({"username": "ana", "password": PW}),
    );
    assert_eq!(code, 200, "{body}");
    let session: serde_json::Value = serde_json::from_str(&body).expect("session JSON");
    let csrf = session["csrf_token"]
        .as_str()
        .expect("csrf_token")
        .to_string();

    // The analyst labels every demo listing by its shop: the scam shops' listings scam.
    let all = listings(&home.path().join("soi.db"));
    assert!(all.len() >= 25, "{} demo listings", all.len());
    for (id, seller) in &all {
        let label = if SCAMMERS.contains(&seller.as_str()) {
            "scam"
        } else {
            "not_scam"
        };
        let (code, body) = post(
            &format!("{base}/api/labels"),
            &jar,
            Some(&csrf),
            &serde_json::json!({"target": "listing", "marketplace": "demo", "id": id, "label": label}),
        );
        assert_eq!(code, 201, "labelling {id}: {body}");
    }
    server.stop("soi serve");

    let before_dir = home.path().join("before");
    let after_dir = home.path().join("after");
    let before = train(home.path(), &data, &before_dir, false);
    assert!(before.iter().all(|l| l.get("analyst").is_none()));
    let after = train(home.path(), &data, &after_dir, true);
    let a = after
        .iter()
        .find_map(|l| l.get("analyst"))
        .unwrap_or_else(|| panic!("no analyst line: {after:?}"));
    assert_eq!(a["labels"], all.len(), "{a:#}");
    assert_eq!(
        a["scam"].as_u64().unwrap() + a["not_scam"].as_u64().unwrap(),
        all.len() as u64
    );
    assert!(a["held_out"].as_u64().unwrap() >= 1, "{a:#}");
    assert!(
        a["held_out_at_threshold"]["n"].as_u64().unwrap() >= 1,
        "{a:#}"
    );
    assert_eq!(a["marketplaces"]["demo"]["source"], "marketplace", "{a:#}");

    // Before: no per-marketplace threshold; after: the demo marketplace has its own, and it is
    // not the head's global one.
    let (cb, ca) = (config(&before_dir), config(&after_dir));
    assert!(cb.get("thresholds_by_marketplace").is_none(), "{cb:#}");
    let global = cb["heads"][0]["threshold"].as_f64().expect("threshold");
    let demo = ca["thresholds_by_marketplace"]["scam"]["demo"]
        .as_f64()
        .unwrap_or_else(|| panic!("no demo threshold: {ca:#}"));
    assert_eq!(a["marketplaces"]["demo"]["threshold"].as_f64(), Some(demo));
    assert!(
        (demo - global).abs() > 1e-9,
        "demo {demo} vs global {global}"
    );
    let card = std::fs::read_to_string(after_dir.join("README.md")).expect("card");
    assert!(card.contains("## Analysts' labels"), "{card}");

    // `soi labels eval` reads the same labels and uses the demo threshold.
    let o = run_expect(
        soi(home.path())
            .args(["labels", "eval", "--model-dir"])
            .arg(&after_dir),
        0,
    );
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).expect("eval JSON");
    assert_eq!(e["labels"], all.len(), "{e:#}");
    assert_eq!(e["marketplaces"]["demo"]["threshold"].as_f64(), Some(demo));
    assert_eq!(e["marketplaces"]["demo"]["source"], "marketplace");
    assert!(e["overall"]["recall"].is_number(), "{e:#}");
    eprintln!("analyst: {a}\neval: {e}");
    // `soi eval --labels` is the same measurement.
    #[cfg(feature = "encoder")]
    {
        let o = run_expect(
            soi(home.path())
                .args(["eval", "--labels", "--model-dir"])
                .arg(&after_dir),
            0,
        );
        let same: serde_json::Value = serde_json::from_slice(&o.stdout).expect("eval JSON");
        assert_eq!(same, e, "soi eval --labels and soi labels eval differ");
        let o = run_expect(
            soi(home.path()).args(["eval", "--labels", "--head", "scam"]),
            2,
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--head"), "{err}");
    }
}
