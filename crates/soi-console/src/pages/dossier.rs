//! A case's dossier as a download, in two formats: JSON (`/cases/{id}/dossier`, what a referral
//! sends: the case, its sellers' listings with every reason and a STIX 2.1 bundle, see
//! [`super::refer::dossier`]) and a printable bilingual HTML page (`/cases/{id}/dossier.html`,
//! made by the report generator, [`soi_report::case`], like the cross-border dossiers).
//!
//! Why one path for both: a dossier that leaves the console is an export of evidence, whatever
//! its format. It is read under the case's access rules (a liaison officer only for a case
//! referred to them, [`super::cases::get`]), put on the audit log as an `export` (its detail
//! naming the format) and on the evidence chain of custody with the sha256 of the exact bytes
//! that left, and sent as an attachment named after the case. [`send`] does all of that; each
//! format only makes its bytes.
//!
//! The HTML page goes out with a Content-Security-Policy that allows its inline stylesheet and
//! nothing else ([`CASE_CSP`]): it holds text scraped from scam listings, and must run nothing
//! even if something in it escaped the escaping.

use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use soi_model::Seller;
use soi_report::{CaseParams, DossierExtras, CASE_CSP};
use soi_store::console::Case;
use soi_store::{ReportRow, Tlp};

use super::cases::get;
use super::seller::SellerDetail;
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::{AppState, ConsoleError, FLAG_THRESHOLD};

/// How one format of the dossier leaves.
struct Format {
    /// The audit row's detail: which format was exported.
    detail: &'static str,
    /// The file name's extension.
    ext: &'static str,
    content_type: &'static str,
    /// More headers of the answer.
    headers: &'static [(HeaderName, &'static str)],
}

const JSON: Format = Format {
    detail: "dossier",
    ext: "json",
    content_type: "application/json",
    headers: &[],
};

const HTML: Format = Format {
    detail: "dossier-html",
    ext: "html",
    content_type: "text/html; charset=utf-8",
    headers: &[
        (header::CONTENT_SECURITY_POLICY, CASE_CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
    ],
};

/// The case's sellers as the console knows them, in the case's order; a seller the store no
/// longer has is left out.
pub async fn case_sellers(
    state: &AppState,
    case: &Case,
) -> Result<Vec<SellerDetail>, ConsoleError> {
    let mut out = Vec::with_capacity(case.sellers.len());
    for (m, s) in &case.sellers {
        match super::seller::load(state, m, s).await {
            Ok(d) => out.push(d),
            Err(ConsoleError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// `soi-{id}.{ext}`, the id made a plain file name (a case id is `C-0001`, kept as it is).
fn file_name(case: &Case, ext: &str) -> String {
    format!("soi-{}.{ext}", soi_report::names::file_name(&case.id))
}

/// Puts `body`, the dossier of `case` in format `f`, on the audit log and the custody log, then
/// answers it as an attachment.
async fn send(
    state: &AppState,
    u: &User,
    case: &Case,
    f: &Format,
    body: Vec<u8>,
) -> Result<Response, ConsoleError> {
    state
        .audit
        .record(
            u.name(),
            "export",
            format!("case {}", case.id),
            f.detail,
            &u.addr,
        )
        .await?;
    let file = file_name(case, f.ext);
    super::custody::record_export(state, u, case, &file, &body)?;
    let mut r = (
        [
            (header::CONTENT_TYPE, f.content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response();
    for (k, v) in f.headers {
        r.headers_mut()
            .insert(k.clone(), HeaderValue::from_static(v));
    }
    Ok(r)
}

/// `GET /cases/{id}/dossier`: the dossier as JSON.
pub async fn json_download(state: &AppState, u: &User, id: &str) -> Result<Response, ConsoleError> {
    let case = get(state, u, id).await?;
    let d = super::refer::dossier(state, &case).await?;
    let body = serde_json::to_vec_pretty(&d).map_err(|e| ConsoleError::Internal(e.to_string()))?;
    send(state, u, &case, &JSON, body).await
}

pub async fn json_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(json_download(&state, &u, &id).await?)
}

/// The rows the report generator makes dossiers of: every listing of the case's sellers that has
/// a verdict (it keeps those at or above the threshold it is given), each carrying its seller's
/// one record keyed as the case names it, so that a seller is one dossier however its listings
/// carry it.
fn report_rows(sellers: Vec<SellerDetail>) -> Vec<ReportRow> {
    let mut rows = vec![];
    for d in sellers {
        let mut seller = d
            .seller
            .unwrap_or_else(|| Seller::new(&d.marketplace, &d.seller_id));
        seller.marketplace = d.marketplace;
        seller.id = d.seller_id;
        for l in d.listings {
            if let Some(verdict) = l.verdict {
                rows.push(ReportRow {
                    listing: l.listing,
                    verdict,
                    seller: seller.clone(),
                });
            }
        }
    }
    rows
}

/// `GET /cases/{id}/dossier.html`: the printable dossier, TLP:AMBER, of the listings flagged at
/// the console's threshold, with the sellers' linked accounts and complaints.
pub async fn html_download(state: &AppState, u: &User, id: &str) -> Result<Response, ConsoleError> {
    let case = get(state, u, id).await?;
    let rows = report_rows(case_sellers(state, &case).await?);
    let p = CaseParams {
        case: &case,
        min_risk: FLAG_THRESHOLD,
        tlp: Tlp::Amber,
    };
    let extras = DossierExtras::stores(state.links.as_ref(), state.complaints.as_ref());
    let body = soi_report::case_dossier(&p, rows, &extras).await?;
    send(state, u, &case, &HTML, body.into_bytes()).await
}

pub async fn html_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(html_download(&state, &u, &id).await?)
}
