//! `soi drift` through the real binary, on a store filled by `soi run` on the demo: half of the
//! verdicts are moved three days back with a low risk (the store's history, written with Python's
//! sqlite3), so today's risks differ from the reference window's: the table shows the PSI, a
//! warning names the marketplace, head and day, and the exit status is 2; a high threshold
//! quiets it (exit 0); a bad threshold is refused by name.

use std::process::Command;

use crate::support::{free_port, run_demo, run_expect, soi};

/// Moves every other verdict three days before the newest one with risk 0.02; the newest day.
fn age_half_of_the_verdicts(db: &std::path::Path) -> String {
    let script = r#"
import sqlite3, sys, datetime
c = sqlite3.connect(sys.argv[1])
last = max(r[0] for r in c.execute("SELECT scored_at FROM verdicts"))
day = datetime.date.fromisoformat(last[:10])
old = (day - datetime.timedelta(days=3)).isoformat() + "T12:00:00+00:00"
c.execute("UPDATE verdicts SET scored_at = ?, risk = 0.02 WHERE rowid % 2 = 0", (old,))
c.commit()
print(day.isoformat())
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(db)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn drift_names_the_day_whose_scores_moved_and_exits_2() {
    let home = tempfile::tempdir().expect("tempdir");
    run_demo(home.path(), free_port());
    let today = age_half_of_the_verdicts(&home.path().join("soi.db"));
    let args = [
        "drift",
        "--days",
        "1",
        "--reference-days",
        "7",
        "--min-listings",
        "5",
        "--today",
        &today,
    ];

    let out = run_expect(soi(home.path()).args(args), 2);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let risk = stdout
        .lines()
        .find(|l| l.starts_with("demo ") && l.split_whitespace().nth(1) == Some("risk"))
        .unwrap_or_else(|| panic!("no demo risk row:\n{stdout}"));
    let cols: Vec<&str> = risk.split_whitespace().collect();
    assert_eq!(cols[2], today, "{risk}");
    let (verdicts, reference): (u64, u64) =
        (cols[3].parse().expect("n"), cols[5].parse().expect("ref n"));
    assert!(
        verdicts >= 10 && reference >= 10,
        "both halves counted: {risk}"
    );
    let psi: f64 = cols[7].parse().unwrap_or_else(|_| panic!("a PSI: {risk}"));
    assert!(psi > 0.25, "{risk}");
    assert!(
        stderr.contains(&format!("warning: demo risk on {today}: PSI")),
        "{stderr}"
    );

    let quiet = ["--threshold", "1000"];
    let out = run_expect(soi(home.path()).args(args).args(quiet).arg("--json"), 0);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let risk = rows.iter().find(|r| r["head"] == "risk").expect("risk row");
    assert!(
        risk["psi"]
            .as_f64()
            .is_some_and(|p| (p - psi).abs() < 0.001),
        "{risk}"
    );
    assert!(
        rows.iter().any(|r| r["head"] == "scam"),
        "heads are checked too"
    );

    let out = run_expect(soi(home.path()).args(["drift", "--threshold=-1"]), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threshold"));
}
