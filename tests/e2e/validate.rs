//! `soi validate` over the whole pipelines folder: the shipped files pass; a mistake in the alert
//! rules, the scoring policy or a training config is named with its file and line.

use crate::support::{copy_dir, repo_root, run_expect, soi};

#[test]
fn shipped_pipelines_pass_and_mistakes_are_located() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run_expect(soi(home.path()).arg("validate"), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("all pipeline files are valid"));

    let copy = home.path().join("pipelines");
    copy_dir(&repo_root().join("pipelines"), &copy);
    let alerts = copy.join("alerts.toml");
    let text = std::fs::read_to_string(&alerts).expect("alerts.toml");
    let broken = text.replacen("severity = \"high\"", "severity = \"urgent\"", 1);
    std::fs::write(&alerts, broken).expect("write");
    let out = run_expect(
        soi(home.path()).args(["--pipelines", copy.to_str().expect("utf-8"), "validate"]),
        1,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("alerts.toml"), "{err}");
    assert!(err.contains("urgent"), "{err}");
    assert!(err.contains("line"), "{err}");

    // The encoder's training config too: a misspelt key is named with its line.
    let enc = copy.join("train-encoder.toml");
    let text = std::fs::read_to_string(&enc).expect("train-encoder.toml");
    std::fs::write(&enc, text.replacen("confidence = ", "confidense = ", 1)).expect("write");
    let out = run_expect(
        soi(home.path()).args(["--pipelines", copy.to_str().expect("utf-8"), "validate"]),
        1,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("train-encoder.toml") && err.contains("confidense"),
        "{err}"
    );
    assert!(err.contains("2 problem(s)"), "both files reported: {err}");
}
