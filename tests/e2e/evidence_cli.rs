//! `soi keys` and `soi evidence verify`: a crawl of the demo seals a signed batch that verifies,
//! and a changed signature or body makes `verify --all` fail, naming it.

use crate::support::{run_expect, soi};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn keys_init_once_crawl_signs_and_verify_names_what_was_changed() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let keys = |args: &[&str], code| {
        let mut c = soi(h);
        c.env_remove("SOI_EVIDENCE_KEY").arg("keys").args(args);
        run_expect(&mut c, code)
    };
    let init = text(&keys(&["init"], 0).stdout);
    assert!(init.starts_with("-----BEGIN PUBLIC KEY-----"), "{init}");
    let again = keys(&["init"], 1);
    assert!(
        text(&again.stderr).contains("exists already"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(text(&keys(&["show"], 0).stdout), init);

    let crawl = run_expect(
        soi(h).env_remove("SOI_EVIDENCE_KEY").args([
            "crawl",
            "--marketplace",
            "demo",
            "--output",
            "-",
        ]),
        0,
    );
    assert!(
        text(&crawl.stderr).contains("evidence batch 000001 signed"),
        "{}",
        text(&crawl.stderr)
    );
    let verify = |code| {
        run_expect(
            soi(h)
                .env_remove("SOI_EVIDENCE_KEY")
                .args(["evidence", "verify", "--all"]),
            code,
        )
    };
    let ok = verify(0);
    assert!(
        text(&ok.stderr).contains("1 batches") && text(&ok.stderr).contains("0 failures"),
        "{}",
        text(&ok.stderr)
    );

    let sig = h.join("evidence/batches/000001.sig");
    let good = std::fs::read(&sig).unwrap();
    let mut bad = good.clone();
    bad[0] ^= 0x80;
    std::fs::write(&sig, &bad).unwrap();
    let out = text(&verify(1).stdout);
    assert!(
        out.contains("FAIL batch 000001: signature check failed"),
        "{out}"
    );
    std::fs::write(&sig, &good).unwrap();

    let body = std::fs::read_dir(h.join("evidence/bodies"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    std::fs::write(&body, b"changed").unwrap();
    let out = text(&verify(1).stdout);
    let name = body.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        out.contains("body hash check failed") && out.contains(&name),
        "{out}"
    );
}
