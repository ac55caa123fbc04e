//! Cases: sellers grouped for referral, with notes, an assignee and a status. Every change is a
//! new stored version, on the audit log too. Liaison officers see only the cases referred to
//! them, and any other case answers 404 to them (its existence is not theirs to know).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use soi_store::console::{Case, CaseNote, CaseStatus, Role};

use super::{render, see_other, seg, when, Chrome};
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::{AppState, ConsoleError};

/// Whether `u` may read `c`.
pub fn readable(u: &User, c: &Case) -> bool {
    match u.role() {
        Role::Analyst | Role::Supervisor => true,
        Role::Liaison => {
            c.referred_to.as_deref() == Some(u.name()) && c.referral_approved_by.is_some()
        }
    }
}

/// The cases `u` may read, newest first.
pub async fn visible(state: &AppState, u: &User) -> Result<Vec<Case>, ConsoleError> {
    Ok(state
        .console
        .cases()
        .await?
        .into_iter()
        .filter(|c| readable(u, c))
        .collect())
}

/// The latest version of case `id` if `u` may read it, else 404.
pub async fn get(state: &AppState, u: &User, id: &str) -> Result<Case, ConsoleError> {
    match state.console.case(id).await? {
        Some(c) if readable(u, &c) => Ok(c),
        _ => Err(ConsoleError::NotFound(format!("no case `{id}`"))),
    }
}

/// Stores `next` as the version after `cur`, and puts `action` on the record.
pub async fn save(
    state: &AppState,
    u: &User,
    mut next: Case,
    action: &str,
    detail: String,
) -> Result<Case, ConsoleError> {
    let _g = state.cases_lock.lock().await;
    let latest = state.console.case(&next.id).await?.map_or(0, |c| c.version);
    next.version = latest + 1;
    next.updated_by = u.name().to_string();
    next.updated_at = chrono::Utc::now();
    state.console.put_case(&next).await?;
    state
        .audit
        .record(
            u.name(),
            action,
            format!("case {}", next.id),
            detail,
            &u.addr,
        )
        .await?;
    Ok(next)
}

pub struct CaseRow {
    pub href: String,
    pub id: String,
    pub title: String,
    pub status: String,
    pub sellers: usize,
    pub assignee: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    c: Chrome,
    cases: Vec<CaseRow>,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
) -> Result<Response, PageError> {
    let c = Chrome::new(&headers, Some(&u), "/cases");
    let cases = visible(&state, &u)
        .await?
        .into_iter()
        .map(|k| CaseRow {
            href: format!("/cases/{}", seg(&k.id)),
            status: c.tr.get(k.status.as_str()).to_string(),
            sellers: k.sellers.len(),
            assignee: k.assignee.clone().unwrap_or_default(),
            updated: when(&k.updated_at),
            id: k.id,
            title: k.title,
        })
        .collect();
    render(&CasesPage { c, cases }, StatusCode::OK)
}

/// `seller` fields are `marketplace/id`.
pub async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    u.require_analyst("create cases")?;
    let mut sellers = vec![];
    for (k, v) in &pairs {
        if k == "seller" {
            let (m, id) = v
                .split_once('/')
                .ok_or_else(|| ConsoleError::Invalid(format!("`{v}` is not marketplace/seller")))?;
            if !sellers
                .iter()
                .any(|(a, b): &(String, String)| a == m && b == id)
            {
                sellers.push((m.to_string(), id.to_string()));
            }
        }
    }
    if sellers.is_empty() {
        return Err(ConsoleError::Invalid("select at least one seller for the case".into()).into());
    }
    let title = pairs
        .iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("{} seller(s)", sellers.len()));
    let case = {
        let _g = state.cases_lock.lock().await;
        let n = state.console.cases().await?.len() + 1;
        let now = chrono::Utc::now();
        let case = Case {
            id: format!("C-{n:04}"),
            version: 1,
            title,
            sellers,
            status: CaseStatus::Open,
            assignee: Some(u.name().to_string()),
            referred_to: None,
            referral_requested_by: None,
            referral_approved_by: None,
            notes: vec![],
            created_by: u.name().to_string(),
            created_at: now,
            updated_by: u.name().to_string(),
            updated_at: now,
        };
        state.console.put_case(&case).await?;
        case
    };
    let detail = serde_json::to_string(&case.sellers).unwrap_or_default();
    state
        .audit
        .record(
            u.name(),
            "case_create",
            format!("case {}", case.id),
            detail,
            &u.addr,
        )
        .await?;
    Ok(see_other(&format!("/cases/{}", seg(&case.id))))
}

pub struct SellerRef {
    pub href: String,
    pub key: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    c: Chrome,
    case: Case,
    status: String,
    sellers: Vec<SellerRef>,
    notes: Vec<(String, String, String)>,
    liaisons: Vec<String>,
    can_edit: bool,
    can_request: bool,
    can_approve: bool,
    history: Vec<(u64, String, String, String)>,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = get(&state, &u, &id).await?;
    state
        .audit
        .record(u.name(), "view_case", format!("case {id}"), "", &u.addr)
        .await?;
    let c = Chrome::new(&headers, Some(&u), &format!("/cases/{}", seg(&id)));
    let analyst = u.role() != Role::Liaison;
    let liaisons = if analyst {
        state
            .console
            .users()
            .await?
            .into_iter()
            .filter(|x| x.role == Role::Liaison && !x.disabled)
            .map(|x| x.name)
            .collect()
    } else {
        vec![]
    };
    let history = if analyst {
        state
            .console
            .case_history(&id)
            .await?
            .into_iter()
            .map(|v| {
                let s = c.tr.get(v.status.as_str()).to_string();
                (v.version, when(&v.updated_at), v.updated_by, s)
            })
            .collect()
    } else {
        vec![]
    };
    render(
        &CasePage {
            status: c.tr.get(case.status.as_str()).to_string(),
            sellers: case
                .sellers
                .iter()
                .map(|(m, s)| SellerRef {
                    href: if analyst {
                        format!("/sellers/{}/{}", seg(m), seg(s))
                    } else {
                        String::new()
                    },
                    key: format!("{m}/{s}"),
                })
                .collect(),
            notes: case
                .notes
                .iter()
                .map(|n| (when(&n.at), n.by.clone(), n.text.clone()))
                .collect(),
            can_edit: analyst && case.status != CaseStatus::Closed,
            can_request: analyst && case.status == CaseStatus::Open,
            can_approve: u.role() == Role::Supervisor && case.status == CaseStatus::Pending,
            liaisons,
            history,
            case,
            c,
        },
        StatusCode::OK,
    )
}

/// `action` is `note` (with `text`), `assign` (with `assignee`), `close` or `reopen`.
pub async fn update(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    u.require_analyst("change cases")?;
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut case = get(&state, &u, &id).await?;
    let action = field("action").unwrap_or_default();
    let detail = match action.as_str() {
        "note" => {
            let text = field("text")
                .filter(|t| !t.is_empty())
                .ok_or_else(|| ConsoleError::Invalid("the note is empty".into()))?;
            case.notes.push(CaseNote {
                by: u.name().to_string(),
                at: chrono::Utc::now(),
                text: text.clone(),
            });
            text
        }
        "assign" => {
            let who = field("assignee").filter(|t| !t.is_empty());
            case.assignee = who.clone();
            who.unwrap_or_default()
        }
        "close" => {
            case.status = CaseStatus::Closed;
            "closed".into()
        }
        "reopen" if case.status == CaseStatus::Closed && case.referral_approved_by.is_none() => {
            case.status = CaseStatus::Open;
            "reopened".into()
        }
        other => {
            return Err(ConsoleError::Invalid(format!("unknown case action `{other}`")).into())
        }
    };
    save(
        &state,
        &u,
        case,
        "case_update",
        format!("{action}: {detail}"),
    )
    .await?;
    Ok(see_other(&format!("/cases/{}", seg(&id))))
}
