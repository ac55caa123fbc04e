//! A seller: every listing with every reason, the quoted evidence highlighted in the text it was
//! found in, the accounts it is linked to (with the evidence of each link), the hotline complaints
//! naming it, and the labels given to the seller and its listings.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use soi_model::Seller;
use soi_store::console::{Label, LabelTarget};
use soi_store::links::SellerRef;
use soi_store::{HistoryOf, ListingDetail};

use super::complaints::{complaints_view, ComplaintsView};
use super::history::HistoryRow;
use super::labels::LabelView;
use super::links::{network_view, NetworkView};
use super::{pct, render, seg, Chrome};
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::{AppState, ConsoleError};

/// Everything known of one seller (the API's `GET /api/sellers/{marketplace}/{id}`).
#[derive(Serialize)]
pub struct SellerDetail {
    pub marketplace: String,
    pub seller_id: String,
    pub seller: Option<Seller>,
    pub listings: Vec<ListingDetail>,
    pub labels: Vec<Label>,
    /// Every verdict the store held for the seller's listings, by listing, oldest first.
    pub verdict_history: Vec<soi_model::Verdict>,
}

pub async fn load(state: &AppState, m: &str, id: &str) -> Result<SellerDetail, ConsoleError> {
    let mut listings = state.store.seller_details(m, id).await?;
    if listings.is_empty() {
        return Err(ConsoleError::NotFound(format!("no seller `{id}` on `{m}`")));
    }
    // Riskiest first.
    listings.sort_by(|a, b| {
        let r = |d: &ListingDetail| d.verdict.as_ref().map_or(0.0, |v| v.risk);
        r(b).total_cmp(&r(a))
    });
    let seller = listings.iter().find_map(|d| d.seller.clone());
    let labels = state.console.labels_for(LabelTarget::Seller, m, id).await?;
    let verdict_history = state
        .store
        .verdict_history(m, HistoryOf::Seller(id))
        .await?;
    Ok(SellerDetail {
        marketplace: m.to_string(),
        seller_id: id.to_string(),
        seller,
        listings,
        labels,
        verdict_history,
    })
}

/// One reason as shown: the code, the message in the page's language, where, and the quoted
/// evidence highlighted in context (HTML, escaped).
pub struct ReasonView {
    pub code: String,
    pub message: String,
    pub field: String,
    pub quoted: String,
    pub contribution: String,
}

pub fn reasons(d: &ListingDetail, vi: bool) -> Vec<ReasonView> {
    let Some(v) = &d.verdict else { return vec![] };
    v.reasons
        .iter()
        .map(|r| {
            let text = d.listing.field_text(&r.field).unwrap_or("");
            ReasonView {
                code: r.code.clone(),
                message: if vi && !r.message_vi.is_empty() {
                    r.message_vi.clone()
                } else {
                    r.message.clone()
                },
                field: r.field.clone(),
                quoted: crate::html::highlight(text, r.start, r.end, &r.evidence, 60),
                contribution: format!("{:+.2}", r.contribution),
            }
        })
        .collect()
}

pub struct ListingRow {
    pub href: String,
    pub id: String,
    pub title: String,
    pub risk: String,
    pub model: String,
    pub reasons: Vec<ReasonView>,
}

#[derive(Template)]
#[template(path = "seller.html")]
struct SellerPage {
    c: Chrome,
    marketplace: String,
    seller_id: String,
    name: String,
    country: String,
    ship_from: String,
    listings: Vec<ListingRow>,
    codes: Vec<String>,
    labels: Vec<LabelView>,
    net: NetworkView,
    complaints: ComplaintsView,
    history: Vec<HistoryRow>,
}

/// A seller as an analyst views it (on a page or through the API, named by `via`): the role
/// checked, the view on the record.
pub async fn view(
    state: &AppState,
    u: &User,
    m: &str,
    id: &str,
    via: &str,
) -> Result<SellerDetail, ConsoleError> {
    super::audited_view(state, u, "seller", (m, id), via, load(state, m, id)).await
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
    Path((m, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let d = view(&state, &u, &m, &id, "page").await?;
    let here = format!("/sellers/{}/{}", seg(&m), seg(&id));
    let c = Chrome::new(&headers, Some(&u), &here);
    let vi = c.lang == "vi";
    let me = SellerRef::new(&m, &id);
    let net = network_view(&state, &c.tr, &me).await?;
    let complaints = complaints_view(&state, &c.tr, &me).await?;
    let mut codes: Vec<String> = vec![];
    let listings = d
        .listings
        .iter()
        .map(|l| {
            let rs = reasons(l, vi);
            for r in &rs {
                if !codes.contains(&r.code) {
                    codes.push(r.code.clone());
                }
            }
            ListingRow {
                href: format!(
                    "/listings/{}/{}",
                    seg(&l.listing.marketplace),
                    seg(&l.listing.id)
                ),
                id: l.listing.id.clone(),
                title: l.listing.title.clone(),
                risk: l.verdict.as_ref().map(|v| pct(v.risk)).unwrap_or_default(),
                model: l
                    .verdict
                    .as_ref()
                    .map(|v| v.model.clone())
                    .unwrap_or_default(),
                reasons: rs,
            }
        })
        .collect();
    let seller = d.seller.unwrap_or_else(|| Seller::new(&m, &id));
    let labels = d.labels.iter().map(|l| LabelView::of(l, &c.tr)).collect();
    let history = super::history::rows(&d.verdict_history);
    render(
        &SellerPage {
            marketplace: m,
            seller_id: id,
            name: seller.name.unwrap_or_default(),
            country: seller.country.unwrap_or_default(),
            ship_from: seller.ship_from.unwrap_or_default(),
            listings,
            codes,
            labels,
            net,
            complaints,
            history,
            c,
        },
        StatusCode::OK,
    )
}
