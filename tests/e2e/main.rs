//! End-to-end tests of the `soi` binary. One line per module:
mod alerts_report; // `soi alerts` and `soi report`: demo alerts dropped once, stix2-valid, identical reports
mod analyst_labels; // console labels through the API change the next `soi train`'s scam thresholds; `soi labels eval`
mod analyst_tools; // `soi sellers` and `soi listing` on a store filled by `soi run`
mod bench_serve; // `soi bench serve` on a small store: it fills, serves, every page answers 200, percentiles reported
mod browser_smoke; // the WebDriver client against headless chromium: typing, a click, cookies, a frame, a PNG
mod console_browser; // the console in headless Chromium: triage, label, cases, referral, the liaison's view, a sandboxed capture
#[cfg(all(feature = "kafka", feature = "clickhouse"))]
mod distributed; // Kafka + ClickHouse as separate processes: same answers, nothing lost or doubled
mod drift; // `soi drift`: a store whose scores moved gets its PSI, a warning and exit 2
#[cfg(feature = "encoder")]
mod encoder; // the encoder tier: bench figures, eval per tier, folder errors, the band reaching it
mod evidence_case; // `soi evidence package --case`: a console case's sellers packaged, verified, in the custody log
mod evidence_cli; // `soi keys` and `soi evidence verify`: a demo crawl signed, changes named
mod evidence_custody; // every evidence export, package and verification chained in the custody log
mod evidence_package; // `soi evidence package`: a demo listing as WACZ, validated, verified, tampering named
mod hostile_input; // bad bytes, long lines, wild dates, huge fields: only their line fails
mod metrics_embedded; // `--metrics` on crawl --every and alerts dispatch --follow; bad addresses named
mod network; // `soi network`, `soi sellers`, `soi complaints`: shared identifiers across marketplaces make one network, decoys stay alone, hotline complaints name the linked sellers
#[cfg(all(feature = "kafka", feature = "clickhouse"))]
mod observability; // Prometheus scrapes the stages: consumed, scored, written, lag to zero; /readyz follows the broker; dashboard queries valid
mod rescore; // `soi rescore` after a policy change: verdicts cleared, the earlier ones kept in each listing's history, reruns change nothing
mod run_demo; // `soi run` on the demo marketplace: flags, reasons, idempotence
mod score_cli; // `soi score`: the JSON Lines contract and malformed input
mod screenshots; // demo listing pages shot by headless Chromium, sealed, packaged in the WACZ
mod support; // running the binary, free ports, temporary homes
mod validate; // `soi validate`: shipped files pass, mistakes named with file and line
mod webdriver; // a dependency-free W3C WebDriver client driving headless chromium through chromedriver
