//! `soi alerts` and `soi report` through the real binary:
//! - `demo_run_drops_alerts_once_and_reports_are_identical`: `soi run` on the demo raises alerts
//!   through the store and drops them under HOME/alerts/outbox; a second run adds none; the
//!   dropped bundles pass `stix2`; the drop folder is 0700 and its files 0600 (TLP:RED); two
//!   cross-border reports are byte-identical, and a TLP:RED one is owner-only too.
//! - `verify_accepts_a_signed_payload_and_rejects_tampering`: `soi alerts verify`.
//! - `the_report_reads_clickhouse`: `soi report cross-border --store clickhouse://...` after a
//!   demo run into ClickHouse (when the test engines run) writes the CN seller's dossier.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{free_port, repo_root, run_expect as run, soi};

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

#[test]
fn demo_run_drops_alerts_once_and_reports_are_identical() {
    let home = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let out = run(soi(home.path()).args(["run", "--demo-port", &port]), 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("alerts: "), "{stdout}");
    let drop_dir = home.path().join("alerts/outbox");
    let first = files(&drop_dir);
    assert!(first.len() >= 5, "alerts dropped: {}", first.len());

    run(soi(home.path()).args(["run", "--demo-port", &port]), 0);
    assert_eq!(
        files(&drop_dir),
        first,
        "a second run of the same input raises nothing"
    );

    let out = run(soi(home.path()).args(["alerts", "list", "--json"]), 0);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), first.len());
    assert!(lines
        .iter()
        .all(|l| l["status"] == "delivered" && l["route"] == "drop"));
    let s09 = lines
        .iter()
        .any(|l| l["seller_id"] == "s09" && l["rule"] == "cross-border-seller");
    assert!(
        s09,
        "the cross-border demo seller raises a cross-border alert"
    );

    owner_only(&drop_dir);

    let script = repo_root().join("crates/soi-alert/tests/check_stix.py");
    let check = Command::new("python3")
        .arg(&script)
        .arg(&drop_dir)
        .output()
        .expect("python3 is needed; run deploy/install-test-tools.sh");
    assert!(
        check.status.success(),
        "stix2 (run deploy/install-test-tools.sh if missing): {}",
        String::from_utf8_lossy(&check.stderr)
    );

    let report = |dir: &Path| {
        run(
            soi(home.path())
                .args(["report", "cross-border", "--from", "2000-01-01"])
                .args(["--to", "2100-01-01", "--out"])
                .arg(dir),
            0,
        )
    };
    let (r1, r2) = (home.path().join("r1"), home.path().join("r2"));
    let out = report(&r1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("CN: 1 flagged sellers"));
    report(&r2);
    let a = files(&r1);
    assert!(a.contains_key(Path::new("CN/dossiers/demo--s09.html")));
    assert_eq!(a, files(&r2), "byte-identical reports");

    let r3 = home.path().join("r3");
    run(
        soi(home.path())
            .args(["report", "cross-border", "--from", "2000-01-01"])
            .args(["--to", "2100-01-01", "--tlp", "red", "--out"])
            .arg(&r3),
        0,
    );
    owner_only(&r3);
}

/// Every folder under `dir` (and `dir`) is 0700 and every file 0600 (unix).
fn owner_only(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
        for rel in files(dir).keys() {
            let p = dir.join(rel);
            assert_eq!(mode(&p), 0o600, "{}", p.display());
            assert_eq!(mode(p.parent().unwrap()), 0o700, "{}", p.display());
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[test]
fn verify_accepts_a_signed_payload_and_rejects_tampering() {
    let home = tempfile::tempdir().unwrap();
    let body = home.path().join("body.json");
    std::fs::write(&body, br#"{"summary":{"risk":0.97}}"#).unwrap();
    let now = chrono::Utc::now().timestamp();
    let sig = soi_alert::sign::sign(b"shared-secret", now, &std::fs::read(&body).unwrap());
    let verify = |ts: i64| {
        let mut c = soi(home.path());
        c.env("SOI_POLICE_WEBHOOK_SECRET", "shared-secret")
            .args(["alerts", "verify", "--signature", &sig, "--timestamp"])
            .arg(ts.to_string())
            .arg("--body")
            .arg(&body);
        c
    };
    run(&mut verify(now), 0);
    run(&mut verify(now - 3600), 1);
    std::fs::write(&body, br#"{"summary":{"risk":0.17}}"#).unwrap();
    let out = run(&mut verify(now), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not match"));
}

#[test]
fn the_report_reads_clickhouse() {
    let Some(url) = crate::support::clickhouse_database("report") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let on_ch = || {
        let mut c = soi(home.path());
        c.args(["--store", &url]);
        c
    };
    run(on_ch().args(["run", "--demo-port", &port]), 0);
    let dir = home.path().join("r");
    let out = run(
        on_ch()
            .args(["report", "cross-border", "--from", "2000-01-01"])
            .args(["--to", "2100-01-01", "--out"])
            .arg(&dir),
        0,
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("CN: 1 flagged sellers"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(files(&dir).contains_key(Path::new("CN/dossiers/demo--s09.html")));
}
