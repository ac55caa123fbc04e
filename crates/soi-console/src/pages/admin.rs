//! Supervisors' pages: the audit log and user administration.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use soi_store::console::{AuditEntry, Role};

use super::{render, see_other, when, Chrome};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::users::{self, Actor};
use crate::{AppState, ConsoleError};

#[derive(Deserialize)]
pub struct AuditQuery {
    pub after: Option<u64>,
    pub limit: Option<usize>,
}

pub struct AuditRow {
    pub seq: u64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    next: String,
}

/// The rows after `after` (newest pages are further on).
pub async fn rows(state: &AppState, q: &AuditQuery) -> Result<Vec<AuditEntry>, ConsoleError> {
    Ok(state
        .console
        .audit(
            q.after.unwrap_or(0),
            q.limit.unwrap_or(200).clamp(1, 10_000),
        )
        .await?)
}

pub async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    u.require_supervisor("read the audit log")?;
    let found = rows(&state, &q).await?;
    let next = match found.last() {
        Some(l) if found.len() == q.limit.unwrap_or(200).clamp(1, 10_000) => {
            format!("/audit?after={}", l.seq)
        }
        _ => String::new(),
    };
    let rows = found
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: when(&e.at),
            user: e.user,
            action: e.action,
            target: e.target,
            detail: e.detail,
            address: e.address,
            hash: e.hash[..12.min(e.hash.len())].to_string(),
        })
        .collect();
    let c = Chrome::new(&headers, Some(&u), "/audit");
    render(&AuditPage { c, rows, next }, StatusCode::OK)
}

pub struct UserRow {
    pub name: String,
    pub role: &'static str,
    pub disabled: bool,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRow>,
    roles: Vec<&'static str>,
}

pub async fn users(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser(u): PageUser,
) -> Result<Response, PageError> {
    u.require_supervisor("manage users")?;
    let users = state
        .console
        .users()
        .await?
        .into_iter()
        .map(|x| UserRow {
            name: x.name,
            role: x.role.as_str(),
            disabled: x.disabled,
            updated: when(&x.updated_at),
        })
        .collect();
    let c = Chrome::new(&headers, Some(&u), "/users");
    let roles = Role::ALL.iter().map(|r| r.as_str()).collect();
    render(&UsersPage { c, users, roles }, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct NewUser {
    pub name: String,
    pub role: String,
    pub password: String,
}

pub async fn add_user(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<NewUser>,
) -> Result<Response, PageError> {
    u.require_supervisor("manage users")?;
    let role: Role = f
        .role
        .parse()
        .map_err(|e: soi_store::console::ParseError| ConsoleError::Invalid(e.to_string()))?;
    let by = Actor {
        name: u.name(),
        addr: &u.addr,
    };
    users::add(
        state.console.as_ref(),
        &state.audit,
        by,
        f.name.trim(),
        role,
        &f.password,
    )
    .await?;
    Ok(see_other("/users"))
}

pub async fn disable(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    u.require_supervisor("manage users")?;
    if name == u.name() {
        return Err(ConsoleError::Invalid("you cannot disable yourself".into()).into());
    }
    let by = Actor {
        name: u.name(),
        addr: &u.addr,
    };
    users::disable(state.console.as_ref(), &state.audit, by, &name).await?;
    state.sessions.end_user(&name);
    Ok(see_other("/users"))
}

#[derive(Deserialize)]
pub struct Reset {
    pub password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(name): Path<String>,
    Form(f): Form<Reset>,
) -> Result<Response, PageError> {
    u.require_supervisor("manage users")?;
    let by = Actor {
        name: u.name(),
        addr: &u.addr,
    };
    users::reset(state.console.as_ref(), &state.audit, by, &name, &f.password).await?;
    state.sessions.end_user(&name);
    Ok(see_other("/users"))
}
