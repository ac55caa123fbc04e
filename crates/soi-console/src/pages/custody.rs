//! The evidence chain of custody (`soi_evidence::custody`, the same log `soi evidence log`
//! shows): every export, package and verification, whether made on the command line or as a
//! dossier download here, and whether the chain still holds. Supervisors only.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use soi_evidence::custody::{Action, Custody, Record, Who};
use soi_store::console::Case;

use super::{render, when, Chrome};
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::{AppState, ConsoleError};

/// Puts a dossier download on the custody log: who (the console user, on this host), which
/// case, the file it left as (`soi-C-0001.json`, `soi-C-0001.html`), the sha256 and size of
/// what left.
pub fn record_export(
    state: &AppState,
    u: &User,
    case: &Case,
    file: &str,
    body: &[u8],
) -> Result<(), ConsoleError> {
    let mut rec = Record::new(Action::Export);
    rec.cases = vec![case.id.clone()];
    rec.path = Some(format!("console dossier {file}"));
    rec.sha256 = Some(soi_crawl::evidence::sha256_hex(body));
    rec.bytes = Some(body.len() as u64);
    let who = Who {
        operator: format!("console:{}", u.name()),
        host: Who::current().host,
    };
    Custody::open(&state.evidence_dir)
        .append(rec, &who, chrono::Utc::now())
        .map_err(|e| ConsoleError::Internal(format!("writing the custody log: {e}")))?;
    Ok(())
}

pub struct Row {
    pub seq: u64,
    pub at: String,
    pub who: String,
    pub action: &'static str,
    pub what: String,
    pub sha: String,
}

#[derive(Template)]
#[template(path = "custody.html")]
struct CustodyPage {
    c: Chrome,
    rows: Vec<Row>,
    broken: String,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
) -> Result<Response, PageError> {
    u.require_supervisor("read the chain of custody")?;
    let chain = Custody::open(&state.evidence_dir)
        .read()
        .map_err(|e| ConsoleError::Internal(format!("reading the custody log: {e}")))?;
    let rows = chain
        .entries
        .iter()
        .map(|e| Row {
            seq: e.seq,
            at: when(&e.at),
            who: format!("{}@{}", e.operator, e.host),
            action: e.record.action.as_str(),
            what: e.record.what(),
            sha: e.record.sha256.clone().unwrap_or_default(),
        })
        .collect();
    let broken = chain.broken.map(|b| b.to_string()).unwrap_or_default();
    let c = Chrome::new(&headers, Some(&u), "/custody");
    render(&CustodyPage { c, rows, broken }, StatusCode::OK)
}
