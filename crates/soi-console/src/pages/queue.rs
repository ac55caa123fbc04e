//! The queue: sellers with flagged listings, riskiest first, filtered and paged, each with the
//! number of other accounts it is linked to and of the hotline complaints naming it. The API's
//! `GET /api/sellers` answers the same query as JSON.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use soi_store::console::{LabelTarget, LabelValue};
use soi_store::links::SellerRef;
use soi_store::{SellerQuery, SellerSummary};

use super::complaints::complaint_pairs;
use super::links::linked_pairs;
use super::{distinct_counts, pct, render, seg, when, Chrome};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::{AppState, ConsoleError, PAGE_SIZE};

/// The filters, as query parameters (all optional).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    pub marketplace: Option<String>,
    pub country: Option<String>,
    pub min_risk: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// `yes` or `no`.
    pub cross_border: Option<String>,
    /// `none` (not labelled), `scam`, `not_scam` or `unsure`: the seller's latest label.
    pub label: Option<String>,
    pub page: Option<usize>,
    pub limit: Option<usize>,
}

/// The most sellers read from the store to filter by cross-border and label state.
const SCAN: usize = 10_000;

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(name: &str, s: Option<&str>) -> Result<Option<DateTime<Utc>>, ConsoleError> {
    s.map(|s| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
            .map_err(|_| ConsoleError::Invalid(format!("{name}: `{s}` is not a date (YYYY-MM-DD)")))
    })
    .transpose()
}

/// The latest seller label of every labelled seller.
pub async fn seller_labels(
    state: &AppState,
) -> Result<HashMap<(String, String), LabelValue>, ConsoleError> {
    let mut m = HashMap::new();
    for l in state.console.labels().await? {
        if l.target == LabelTarget::Seller {
            m.insert((l.marketplace, l.id), l.label);
        }
    }
    Ok(m)
}

/// Sellers matching `f`, for page `f.page` (from 0): the rows, and whether there are more.
pub async fn find(
    state: &AppState,
    f: &Filters,
) -> Result<
    (
        Vec<SellerSummary>,
        bool,
        HashMap<(String, String), LabelValue>,
    ),
    ConsoleError,
> {
    let min_risk = match blank(&f.min_risk) {
        Some(s) => s
            .parse::<f64>()
            .ok()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| {
                ConsoleError::Invalid(format!("min_risk: `{s}` is not between 0 and 1"))
            })?,
        None => crate::FLAG_THRESHOLD,
    };
    let cross = match blank(&f.cross_border) {
        None => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(s) => {
            return Err(ConsoleError::Invalid(format!(
                "cross_border: `{s}` is not yes or no"
            )))
        }
    };
    let label = match blank(&f.label) {
        None => None,
        Some("none") => Some(None),
        Some(s) => Some(Some(
            s.parse::<LabelValue>()
                .map_err(|e| ConsoleError::Invalid(e.to_string()))?,
        )),
    };
    let size = f.limit.unwrap_or(PAGE_SIZE).clamp(1, 500);
    let page = f.page.unwrap_or(0);
    let filtered = cross.is_some() || label.is_some();
    let q = SellerQuery {
        min_risk,
        marketplace: blank(&f.marketplace).map(str::to_string),
        country: blank(&f.country).map(|c| c.to_ascii_uppercase()),
        since: date("since", blank(&f.since))?,
        until: date("until", blank(&f.until))?,
        // Filtered here (cross-border, label state): the store's first SCAN rows, paged below.
        // Otherwise the store pages: this page's rows and one more (is there a next page?).
        offset: if filtered { 0 } else { page * size },
        limit: if filtered { SCAN } else { size + 1 },
    };
    let labels = seller_labels(state).await?;
    let rows: Vec<SellerSummary> = state
        .store
        .flagged_sellers(&q)
        .await?
        .into_iter()
        .filter(|s| cross.is_none_or(|c| s.cross_border == c))
        .filter(|s| {
            label.is_none_or(|want| {
                labels
                    .get(&(s.marketplace.clone(), s.seller_id.clone()))
                    .copied()
                    == want
            })
        })
        .collect();
    let skip = if filtered { page * size } else { 0 };
    let more = rows.len() > skip + size;
    let rows = rows.into_iter().skip(skip).take(size).collect();
    Ok((rows, more, labels))
}

pub struct Row {
    pub href: String,
    pub marketplace: String,
    pub seller_id: String,
    pub name: String,
    pub country: String,
    pub cross_border: bool,
    pub flagged: usize,
    pub total: usize,
    pub max_risk: String,
    pub reasons: String,
    pub last_seen: String,
    pub label: String,
    pub key: String,
    /// Other sellers one stored link joins this one to.
    pub linked: usize,
    /// Distinct hotline complaints naming this seller.
    pub complaints: usize,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    c: Chrome,
    fv: FilterView,
    rows: Vec<Row>,
    page: usize,
    prev: String,
    next: String,
}

/// The filters as the form shows them back.
struct FilterView {
    marketplace: String,
    country: String,
    min_risk: String,
    since: String,
    until: String,
    cross_border: String,
    label: String,
}

impl FilterView {
    fn of(f: &Filters) -> FilterView {
        let v = |s: &Option<String>| blank(s).unwrap_or("").to_string();
        FilterView {
            marketplace: v(&f.marketplace),
            country: v(&f.country),
            min_risk: v(&f.min_risk),
            since: v(&f.since),
            until: v(&f.until),
            cross_border: v(&f.cross_border),
            label: v(&f.label),
        }
    }
}

fn link(f: &Filters, page: usize) -> String {
    let mut q: Vec<(String, String)> = vec![];
    for (k, v) in [
        ("marketplace", &f.marketplace),
        ("country", &f.country),
        ("min_risk", &f.min_risk),
        ("since", &f.since),
        ("until", &f.until),
        ("cross_border", &f.cross_border),
        ("label", &f.label),
    ] {
        if let Some(v) = blank(v) {
            q.push((k.into(), v.into()));
        }
    }
    q.push(("page".into(), page.to_string()));
    format!("/?{}", serde_urlencoded::to_string(q).unwrap_or_default())
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
    Query(f): Query<Filters>,
) -> Result<Response, PageError> {
    if u.role() == soi_store::console::Role::Liaison {
        return Ok(super::see_other("/cases"));
    }
    u.require_analyst("work the queue")?;
    let (rows, more, labels) = find(&state, &f).await?;
    let refs: Vec<SellerRef> = rows
        .iter()
        .map(|s| SellerRef::new(&s.marketplace, &s.seller_id))
        .collect();
    let linked = distinct_counts(&refs, async {
        Ok(linked_pairs(state.links.links_touching(&refs).await?))
    })
    .await?;
    let complaints = distinct_counts(&refs, async {
        Ok(complaint_pairs(
            state.complaints.complaints_of(&refs).await?,
        ))
    })
    .await?;
    let c = Chrome::new(&headers, Some(&u), "/");
    let rows = rows
        .into_iter()
        .zip(refs)
        .map(|(s, r)| {
            let label = labels
                .get(&(s.marketplace.clone(), s.seller_id.clone()))
                .map(|l| c.tr.get(l.as_str()))
                .unwrap_or("");
            Row {
                href: format!("/sellers/{}/{}", seg(&s.marketplace), seg(&s.seller_id)),
                key: format!("{}/{}", s.marketplace, s.seller_id),
                name: s.name.clone().unwrap_or_default(),
                country: s.country.clone().unwrap_or_default(),
                cross_border: s.cross_border,
                flagged: s.flagged_listings,
                total: s.total_listings,
                max_risk: pct(s.max_risk),
                reasons: s
                    .reasons
                    .iter()
                    .take(3)
                    .map(|r| r.code.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                last_seen: s.last_seen.as_ref().map(when).unwrap_or_default(),
                label: label.to_string(),
                linked: linked.get(&r).copied().unwrap_or(0),
                complaints: complaints.get(&r).copied().unwrap_or(0),
                marketplace: s.marketplace,
                seller_id: s.seller_id,
            }
        })
        .collect();
    let page = f.page.unwrap_or(0);
    let prev = if page > 0 {
        link(&f, page - 1)
    } else {
        String::new()
    };
    let next = if more {
        link(&f, page + 1)
    } else {
        String::new()
    };
    let fv = FilterView::of(&f);
    render(
        &QueuePage {
            c,
            fv,
            rows,
            page,
            prev,
            next,
        },
        StatusCode::OK,
    )
}
