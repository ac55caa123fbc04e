//! `soi validate`: every pipeline file checked, each problem with its file and line.

mod common;

use soi_crawl::validate_pipelines;

#[test]
fn the_repository_pipelines_are_valid() {
    let problems = validate_pipelines(&common::pipelines());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn problems_name_file_line_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("marketplaces");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("typo.toml"),
        "id = \"typo\"\ncountry = \"VN\"\nseeds = [\"https://x.vn/\"]\n\n[limits]\nmax_page = 3\n",
    )
    .unwrap();
    std::fs::write(
        m.join("bad.toml"),
        "id = \"bad\"\ncountry = \"Vietnam\"\nseeds = [\"https://x.vn/\"]\n[links]\nlisting = ['(unclosed']\n\
         [extract.listing]\n[extract.listing.fields]\ntitle = \"h1[\"\ncolour = \"h2\"\n",
    )
    .unwrap();
    std::fs::write(
        m.join("named.toml"),
        "id = \"other\"\ncountry = \"VN\"\nseeds = [\"{base}/\"]\n\n\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("scoring.toml"), "a = [1,\n").unwrap();
    let problems: Vec<String> = validate_pipelines(dir.path())
        .iter()
        .map(|p| p.to_string())
        .collect();
    let has = |s: &str| problems.iter().any(|p| p.contains(s));
    let bad = m.join("bad.toml").display().to_string();
    assert!(has(&format!("{bad}:2: country `Vietnam`")), "{problems:#?}");
    assert!(
        has(&format!("{bad}:5: links.listing: bad regex")),
        "{problems:#?}"
    );
    assert!(
        has(&format!(
            "{bad}:8: extract.listing.fields.title: bad CSS selector"
        )),
        "{problems:#?}"
    );
    assert!(
        has(&format!(
            "{bad}:9: extract.listing.fields: unknown field `colour`"
        )),
        "{problems:#?}"
    );
    let typo = m.join("typo.toml").display().to_string();
    assert!(
        has(&format!("{typo}:6: unknown field `max_page`")),
        "{problems:#?}"
    );
    assert!(
        has("named.toml:1: marketplace id `other` differs"),
        "{problems:#?}"
    );
    assert!(has("`{base}` is used but neither"), "{problems:#?}");
    assert!(has("scoring.toml:"), "{problems:#?}");
    std::fs::write(
        m.join("site.toml"),
        "id = \"site\"\ncountry = \"VN\"\nlocal_site = \"../nowhere\"\nseeds = [\"{base}/\"]\n",
    )
    .unwrap();
    let problems = validate_pipelines(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.line == Some(3) && p.problem.contains("has no index.html")),
        "{problems:#?}"
    );
}

#[test]
fn huge_durations_and_a_zero_item_cap_are_config_errors() {
    for (line, expected) in [
        (
            "timeout_secs = 9223372036854775807",
            "limits.timeout_secs = 9223372036854775807 is more than the most allowed, 3600",
        ),
        (
            "backoff_ms = 9223372036854775807",
            "limits.backoff_ms = 9223372036854775807 is more than",
        ),
        (
            "max_retry_after_secs = 9223372036854775807",
            "limits.max_retry_after_secs = 9223372036854775807 is more than",
        ),
        (
            "max_items_per_page = 0",
            "limits.max_items_per_page must be at least 1",
        ),
    ] {
        let text = format!(
            "id = \"t\"\ncountry = \"VN\"\nseeds = [\"https://x.vn/\"]\n[limits]\n{line}\n"
        );
        let err = soi_crawl::MarketplaceConfig::parse(&text, std::path::Path::new("t.toml"))
            .expect_err(line);
        assert!(err.to_string().contains(expected), "{line}: {err}");
        assert_eq!(err.line, Some(5), "{err}");
    }
}
