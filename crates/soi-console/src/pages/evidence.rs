//! A captured page, served for the evidence frame of the listing page.
//!
//! Why it is safe to show: the body is served with `Content-Security-Policy: sandbox;
//! default-src 'none'; ...`, so the browser runs none of its scripts, loads nothing from
//! anywhere, and treats it as a unique origin (no cookies, no access to the console's pages);
//! the frame that shows it is `sandbox` too. A capture may be framed by the console only.
//! Its bytes are checked against the sha256 they are stored under before they are served.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use soi_crawl::{EvidenceRecord, EvidenceStore};

use crate::auth::PageUser;
use crate::error::PageError;
use crate::{AppState, ConsoleError};

pub const EVIDENCE_CSP: &str = "sandbox; default-src 'none'; img-src data:; \
     style-src 'unsafe-inline'; frame-ancestors 'self'";

fn is_sha(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The latest capture record of the body `sha`, if the evidence folder has one.
pub fn record(state: &AppState, sha: &str) -> Result<Option<EvidenceRecord>, ConsoleError> {
    if !state.evidence_dir.exists() {
        return Ok(None);
    }
    let store = EvidenceStore::open(&state.evidence_dir)
        .map_err(|e| ConsoleError::Internal(format!("opening the evidence: {e}")))?;
    let recs = store
        .records()
        .map_err(|e| ConsoleError::Internal(format!("reading the evidence log: {e}")))?;
    Ok(recs
        .into_iter()
        .rev()
        .find(|r| r.sha256 == sha && r.status != 304))
}

pub async fn body(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(sha): Path<String>,
) -> Result<Response, PageError> {
    u.require_analyst("read evidence")?;
    if !is_sha(&sha) {
        return Err(ConsoleError::NotFound(format!("`{sha}` is not a sha256")).into());
    }
    let dir = state.evidence_dir.clone();
    let s = sha.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        EvidenceStore::open(&dir).and_then(|store| store.body(&s))
    })
    .await
    .map_err(|e| ConsoleError::Internal(e.to_string()))?
    .map_err(|e| ConsoleError::NotFound(format!("no sound capture {sha}: {e}")))?;
    state
        .audit
        .record(
            u.name(),
            "view_evidence",
            format!("capture {sha}"),
            "",
            &u.addr,
        )
        .await?;
    let kind = record(&state, &sha)?
        .and_then(|r| {
            r.headers
                .into_iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v)
        })
        .filter(|v| v.starts_with("text/html") || v.starts_with("text/plain"))
        .unwrap_or_else(|| "text/html; charset=utf-8".into());
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CONTENT_SECURITY_POLICY, EVIDENCE_CSP.to_string()),
            (header::X_FRAME_OPTIONS, "SAMEORIGIN".to_string()),
        ],
        bytes,
    )
        .into_response())
}
