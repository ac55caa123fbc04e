//! The server-rendered pages. Each module is one page (or one form's handler); the layout
//! every page shares is [`Chrome`].

pub mod admin;
pub mod cases;
pub mod complaints;
pub mod custody;
pub mod dossier;
pub mod evidence;
pub mod history;
pub mod labels;
pub mod links;
pub mod listing;
pub mod login;
pub mod queue;
pub mod refer;
pub mod seller;

use std::collections::{BTreeSet, HashMap};
use std::future::Future;

use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use soi_store::console::Role;
use soi_store::links::SellerRef;

use crate::auth::User;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use crate::ConsoleError;

/// What the layout needs: the language, and who is logged in (with the CSRF token every form
/// carries).
pub struct Chrome {
    pub tr: Tr,
    pub lang: &'static str,
    pub user: String,
    pub role: &'static str,
    pub csrf: String,
    pub supervisor: bool,
    pub liaison: bool,
    /// The path of this page, for the language switch to come back to.
    pub here: String,
}

impl Chrome {
    pub fn new(headers: &HeaderMap, user: Option<&User>, here: &str) -> Chrome {
        let lang = Lang::of(headers);
        Chrome {
            tr: Tr(lang),
            lang: lang.code(),
            user: user.map(|u| u.name().to_string()).unwrap_or_default(),
            role: user.map(|u| u.role().as_str()).unwrap_or(""),
            csrf: user.map(|u| u.session.csrf.clone()).unwrap_or_default(),
            supervisor: user.is_some_and(|u| u.role() == Role::Supervisor),
            liaison: user.is_some_and(|u| u.role() == Role::Liaison),
            here: here.to_string(),
        }
    }
}

/// Renders a template as an HTML answer.
pub fn render(t: &impl Template, status: StatusCode) -> Result<Response, PageError> {
    let body = t
        .render()
        .map_err(|e| ConsoleError::Internal(format!("rendering a page: {e}")))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}

/// A redirect after a form (303, so the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// Formats a time for a page: UTC, to the second.
pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A risk as a percentage.
pub fn pct(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

/// Percent-encodes one path segment (marketplace and ids come from outside).
pub fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How many distinct things each seller is paired with (absent: none).
pub type Counts = HashMap<SellerRef, usize>;

/// What an analyst asked to see (`kind`: `listing` or `seller`, on a page or through the API,
/// named by `via`): the role checked first, then `load` run, then the view put on the record.
pub async fn audited_view<T>(
    state: &crate::AppState,
    u: &User,
    kind: &str,
    (m, id): (&str, &str),
    via: &str,
    load: impl Future<Output = Result<T, ConsoleError>>,
) -> Result<T, ConsoleError> {
    u.require_analyst(&format!("read {kind}s"))?;
    let found = load.await?;
    let target = format!("{kind} {m}/{id}");
    state
        .audit
        .record(u.name(), &format!("view_{kind}"), target, via, &u.addr)
        .await?;
    Ok(found)
}

/// For each of `sellers`, how many distinct things `pairs` pairs it with, passing over the pairs
/// of other sellers. `pairs` (one store call for a whole page) is not run for no sellers.
pub async fn distinct_counts<T, I>(
    sellers: &[SellerRef],
    pairs: impl Future<Output = Result<I, ConsoleError>>,
) -> Result<Counts, ConsoleError>
where
    T: Ord,
    I: IntoIterator<Item = (SellerRef, T)>,
{
    if sellers.is_empty() {
        return Ok(Counts::new());
    }
    let wanted: BTreeSet<&SellerRef> = sellers.iter().collect();
    let mut distinct: HashMap<SellerRef, BTreeSet<T>> = HashMap::new();
    for (seller, thing) in pairs.await? {
        if wanted.contains(&seller) {
            distinct.entry(seller).or_default().insert(thing);
        }
    }
    Ok(distinct.into_iter().map(|(s, t)| (s, t.len())).collect())
}
