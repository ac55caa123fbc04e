//! A listing: its reasons with the evidence highlighted, its labels, and the page as captured
//! in a sandboxed frame beside its sha256 and capture time.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use soi_store::console::{Label, LabelTarget};
use soi_store::{HistoryOf, ListingDetail};

use super::history::HistoryRow;
use super::labels::LabelView;
use super::seller::{reasons, ReasonView};
use super::{pct, render, seg, when, Chrome};
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::{AppState, ConsoleError};

/// The API's `GET /api/listings/{marketplace}/{id}`.
#[derive(Serialize)]
pub struct ListingAnswer {
    #[serde(flatten)]
    pub detail: ListingDetail,
    pub labels: Vec<Label>,
    /// Every verdict the store held for the listing, oldest first, the current one last.
    pub verdict_history: Vec<soi_model::Verdict>,
}

pub async fn load(state: &AppState, m: &str, id: &str) -> Result<ListingAnswer, ConsoleError> {
    let detail = state
        .store
        .listing(Some(m), id)
        .await?
        .ok_or_else(|| ConsoleError::NotFound(format!("no listing `{id}` on `{m}`")))?;
    let labels = state
        .console
        .labels_for(LabelTarget::Listing, m, id)
        .await?;
    let verdict_history = state
        .store
        .verdict_history(m, HistoryOf::Listing(id))
        .await?;
    Ok(ListingAnswer {
        detail,
        labels,
        verdict_history,
    })
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    c: Chrome,
    marketplace: String,
    id: String,
    title: String,
    url: String,
    description: String,
    price: String,
    risk: String,
    model: String,
    seller_href: String,
    seller_id: String,
    reasons: Vec<ReasonView>,
    codes: Vec<String>,
    labels: Vec<LabelView>,
    sha: String,
    captured_at: String,
    history: Vec<HistoryRow>,
}

/// A listing as an analyst views it (page or API, named by `via`): role checked, view recorded.
pub async fn view(
    state: &AppState,
    u: &User,
    m: &str,
    id: &str,
    via: &str,
) -> Result<ListingAnswer, ConsoleError> {
    super::audited_view(state, u, "listing", (m, id), via, load(state, m, id)).await
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
    Path((m, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let a = view(&state, &u, &m, &id, "page").await?;
    let here = format!("/listings/{}/{}", seg(&m), seg(&id));
    let c = Chrome::new(&headers, Some(&u), &here);
    let d = &a.detail;
    let l = &d.listing;
    let sha = l.evidence_sha256.clone().unwrap_or_default();
    let captured_at = if sha.is_empty() {
        String::new()
    } else {
        super::evidence::record(&state, &sha)?
            .map(|r| when(&r.fetched_at))
            .unwrap_or_default()
    };
    let seller_id = d
        .verdict
        .as_ref()
        .and_then(|v| v.seller_id.clone())
        .or_else(|| l.seller.as_ref().map(|s| s.id.clone()))
        .unwrap_or_default();
    let rs = reasons(d, c.lang == "vi");
    let mut codes: Vec<String> = rs.iter().map(|r| r.code.clone()).collect();
    codes.dedup();
    let history = super::history::rows(&a.verdict_history);
    render(
        &ListingPage {
            history,
            reasons: rs,
            codes,
            labels: a.labels.iter().map(|x| LabelView::of(x, &c.tr)).collect(),
            marketplace: m.clone(),
            id: id.clone(),
            title: l.title.clone(),
            url: l.url.clone().unwrap_or_default(),
            description: l.description.clone().unwrap_or_default(),
            price: match (l.price, &l.currency) {
                (Some(p), Some(cur)) => format!("{p} {cur}"),
                (Some(p), None) => p.to_string(),
                _ => String::new(),
            },
            risk: d.verdict.as_ref().map(|v| pct(v.risk)).unwrap_or_default(),
            model: d
                .verdict
                .as_ref()
                .map(|v| v.model.clone())
                .unwrap_or_default(),
            seller_href: if seller_id.is_empty() {
                String::new()
            } else {
                format!("/sellers/{}/{}", seg(&m), seg(&seller_id))
            },
            seller_id,
            sha,
            captured_at,
            c,
        },
        StatusCode::OK,
    )
}
