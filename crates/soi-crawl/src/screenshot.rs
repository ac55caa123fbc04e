//! Screenshots of captured listing pages: what the page looked like, kept as evidence.
//!
//! Why from the stored body and not the live site: the screenshot must show the capture that
//! was hashed, signed and timestamped, not whatever the site serves a minute later. So headless
//! Chromium (Debian's package) renders the stored bytes from a local file with the network off
//! (every request goes to a proxy that does not exist, names resolve to nothing) and scripts off
//! by default (a `script-src 'none'` policy put in front of the page: a page written by the
//! people we investigate runs no code here, and pages built by scripts show their
//! server-rendered part). The PNG is stored in the evidence store like a
//! fetched body, content-addressed, under the URL `urn:screenshot:PAGE-URL` with the header
//! `X-Soi-Screenshot-Of: CAPTURE-SHA256`, so it is sealed into the same signed batches, exported
//! as a WARC `resource` record and packaged with the capture it shows.
//!
//! Off unless a marketplace config asks for it (`[screenshots] enabled = true`); at most
//! `concurrency` renders at once, each killed after `timeout_secs`; a page already shot is not
//! shot again. A missing Chromium is one warning, never a failed crawl.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::evidence::{EvidenceRecord, EvidenceStore};
use crate::PageIssue;

/// The URL prefix of screenshot records.
pub const URN: &str = "urn:screenshot:";
/// The header naming the capture (body sha256) a screenshot shows.
pub const OF_HEADER: &str = "X-Soi-Screenshot-Of";

/// `[screenshots]` of a marketplace config.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenshotConfig {
    #[serde(default)]
    pub enabled: bool,
    /// Renders at once.
    #[serde(default = "d_concurrency")]
    pub concurrency: usize,
    /// A render still running after this is killed (and reported).
    #[serde(default = "d_timeout")]
    pub timeout_secs: u64,
    #[serde(default = "d_width")]
    pub width: u32,
    #[serde(default = "d_height")]
    pub height: u32,
    /// Let the page's own scripts run (still without network). Off: safer, and the same
    /// picture every time.
    #[serde(default)]
    pub scripts: bool,
}

fn d_concurrency() -> usize {
    2
}
fn d_timeout() -> u64 {
    30
}
fn d_width() -> u32 {
    1280
}
fn d_height() -> u32 {
    1600
}

impl Default for ScreenshotConfig {
    fn default() -> Self {
        ScreenshotConfig {
            enabled: false,
            concurrency: d_concurrency(),
            timeout_secs: d_timeout(),
            width: d_width(),
            height: d_height(),
            scripts: false,
        }
    }
}

impl ScreenshotConfig {
    /// What is wrong with the values, if anything.
    pub fn problem(&self) -> Option<String> {
        if !(1..=16).contains(&self.concurrency) {
            return Some(format!(
                "screenshots.concurrency must be 1 to 16, not {}",
                self.concurrency
            ));
        }
        if !(1..=600).contains(&self.timeout_secs) {
            return Some(format!(
                "screenshots.timeout_secs must be 1 to 600, not {}",
                self.timeout_secs
            ));
        }
        for (what, v) in [("width", self.width), ("height", self.height)] {
            if !(200..=8000).contains(&v) {
                return Some(format!(
                    "screenshots.{what} must be 200 to 8000 pixels, not {v}"
                ));
            }
        }
        None
    }
}

/// Headless Chromium: `SOI_CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on
/// the `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SOI_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Why one render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("could not start {browser}: {source}")]
    Start {
        browser: String,
        source: std::io::Error,
    },
    #[error("the render took longer than {0} s and was stopped")]
    Timeout(u64),
    #[error("chromium exited with {status} and wrote no screenshot: {stderr}")]
    Failed { status: String, stderr: String },
    #[error("temporary render folder: {0}")]
    Io(#[from] std::io::Error),
}

/// Renders `html` (bytes as stored) to PNG bytes with the network and, unless `cfg.scripts`,
/// the page's scripts off.
pub async fn render(
    browser: &Path,
    html: &[u8],
    cfg: &ScreenshotConfig,
) -> Result<Vec<u8>, RenderError> {
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("page.html");
    if cfg.scripts {
        std::fs::write(&page, html)?;
    } else {
        std::fs::write(&page, without_scripts(html))?;
    }
    let png = dir.path().join("shot.png");
    let mut cmd = tokio::process::Command::new(browser);
    cmd.arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--hide-scrollbars")
        .arg("--no-first-run")
        .arg("--disable-extensions")
        .arg("--disable-background-networking")
        .arg("--disable-sync")
        .arg("--mute-audio")
        // No network: every request to a proxy that is not there, loopback included, and no
        // name resolves.
        .arg("--proxy-server=http://127.0.0.1:9")
        .arg("--proxy-bypass-list=<-loopback>")
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--window-size={},{}", cfg.width, cfg.height))
        .arg(format!("--screenshot={}", png.display()));
    cmd.arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().map_err(|source| RenderError::Start {
        browser: browser.display().to_string(),
        source,
    })?;
    let out = tokio::time::timeout(
        Duration::from_secs(cfg.timeout_secs),
        child.wait_with_output(),
    )
    .await
    .map_err(|_| RenderError::Timeout(cfg.timeout_secs))??;
    match std::fs::read(&png) {
        Ok(bytes) if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Ok(bytes),
        _ => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            Err(RenderError::Failed {
                status: out.status.to_string(),
                stderr: last.chars().take(300).collect(),
            })
        }
    }
}

/// The page with a Content-Security-Policy that runs none of its scripts, inserted right after a
/// leading `<!doctype …>` (so the page keeps its rendering mode) or at the start. (Chromium's own
/// switch for this also stops its headless screenshot.)
fn without_scripts(html: &[u8]) -> Vec<u8> {
    const CSP: &[u8] =
        b"<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">";
    let start = html
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let rest = &html[start..];
    let at = if rest.len() > 9 && rest[..9].eq_ignore_ascii_case(b"<!doctype") {
        rest.iter()
            .position(|b| *b == b'>')
            .map_or(0, |i| start + i + 1)
    } else {
        0
    };
    let mut out = Vec::with_capacity(html.len() + CSP.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(CSP);
    out.extend_from_slice(&html[at..]);
    out
}

/// What [`shoot`] did.
#[derive(Debug, Default)]
pub struct ShotReport {
    pub taken: usize,
    /// Pages already shot in an earlier crawl, or not HTML.
    pub skipped: usize,
    pub failed: Vec<PageIssue>,
}

/// Screenshots of the captured pages `(url, body sha256)` that have none yet, stored as
/// evidence. `browser` `None`: no Chromium, one warning and nothing shot.
pub async fn shoot(
    store: &EvidenceStore,
    pages: &[(String, String)],
    cfg: &ScreenshotConfig,
    browser: Option<&Path>,
) -> ShotReport {
    let mut report = ShotReport::default();
    if pages.is_empty() {
        return report;
    }
    let Some(browser) = browser else {
        tracing::warn!(
            "screenshots asked for but no Chromium found (install Debian's `chromium` or set \
             SOI_CHROMIUM); the crawl goes on without them"
        );
        report.failed.push(PageIssue {
            url: String::new(),
            message:
                "screenshots skipped: no Chromium found (install `chromium` or set SOI_CHROMIUM)"
                    .into(),
        });
        return report;
    };
    let records = match store.records() {
        Ok(r) => r,
        Err(e) => {
            report.failed.push(PageIssue {
                url: String::new(),
                message: format!("screenshots skipped: {e}"),
            });
            return report;
        }
    };
    let shot: std::collections::HashSet<&str> = records.iter().filter_map(shows).collect();
    let html: std::collections::HashSet<&str> = records
        .iter()
        .filter(|r| is_html(r))
        .map(|r| r.sha256.as_str())
        .collect();
    let mut todo: Vec<&(String, String)> = Vec::new();
    for p in pages {
        if shot.contains(p.1.as_str())
            || !html.contains(p.1.as_str())
            || todo.iter().any(|t| t.1 == p.1)
        {
            report.skipped += 1;
        } else {
            todo.push(p);
        }
    }
    let gate = Arc::new(Semaphore::new(cfg.concurrency.max(1)));
    let renders = todo.into_iter().map(|(url, sha)| {
        let gate = gate.clone();
        async move {
            let _permit = gate.acquire().await;
            let result = match store.body(sha) {
                Ok(body) => render(browser, &body, cfg).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            (url, sha, result)
        }
    });
    for (url, sha, result) in futures::future::join_all(renders).await {
        let stored = result.and_then(|png| {
            let headers = vec![
                ("Content-Type".to_string(), "image/png".to_string()),
                (OF_HEADER.to_string(), sha.clone()),
            ];
            store
                .put(
                    &format!("{URN}{url}"),
                    200,
                    &headers,
                    &png,
                    chrono::Utc::now(),
                )
                .map_err(|e| e.to_string())
        });
        match stored {
            Ok(_) => report.taken += 1,
            Err(message) => {
                tracing::warn!(%url, %message, "screenshot failed; the capture is kept");
                report.failed.push(PageIssue {
                    url: url.clone(),
                    message: format!("screenshot: {message}"),
                });
            }
        }
    }
    report
}

/// The capture a screenshot record shows (`None` for other records).
pub fn shows(r: &EvidenceRecord) -> Option<&str> {
    if !r.url.starts_with(URN) {
        return None;
    }
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(OF_HEADER))
        .map(|(_, v)| v.as_str())
}

fn is_html(r: &EvidenceRecord) -> bool {
    r.status != 304
        && !r.url.starts_with(URN)
        && r.headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("content-type") && v.to_ascii_lowercase().contains("html")
        })
}

#[cfg(test)]
mod tests {
    use super::{without_scripts, ScreenshotConfig};

    #[test]
    fn out_of_range_settings_are_named() {
        assert_eq!(ScreenshotConfig::default().problem(), None);
        let zero = ScreenshotConfig {
            concurrency: 0,
            ..Default::default()
        };
        assert!(zero
            .problem()
            .is_some_and(|p| p.contains("screenshots.concurrency")));
        let tiny = ScreenshotConfig {
            width: 10,
            ..Default::default()
        };
        assert!(tiny
            .problem()
            .is_some_and(|p| p.contains("screenshots.width") && p.contains("10")));
        let cfg: ScreenshotConfig = toml::from_str("enabled = true\nheight = 900").expect("toml");
        assert!(cfg.enabled && cfg.height == 900 && !cfg.scripts);
        assert!(
            toml::from_str::<ScreenshotConfig>("enable = true").is_err(),
            "unknown keys refused"
        );
    }

    #[test]
    fn the_policy_goes_after_the_doctype_or_first() {
        let out = without_scripts(b"\n<!DOCTYPE html><p>x");
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.starts_with("\n<!DOCTYPE html><meta http-equiv"),
            "{text}"
        );
        assert!(text.ends_with("'none'\"><p>x"), "{text}");
        let out = without_scripts(b"<p>x");
        assert!(out.starts_with(b"<meta http-equiv") && out.ends_with(b"<p>x"));
    }
}
