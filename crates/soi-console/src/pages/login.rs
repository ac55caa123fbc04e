//! Logging in and out, and the language switch.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use soi_store::console::Role;

use super::{render, see_other, Chrome};
use crate::auth::{client_addr, PageUser};
use crate::error::PageError;
use crate::session::{self, Session};
use crate::{AppState, ConsoleError};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: String,
}

pub async fn form(headers: HeaderMap) -> Result<Response, PageError> {
    render(
        &LoginPage {
            c: Chrome::new(&headers, None, "/login"),
            error: String::new(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Checks the credentials against the store and the throttle, puts the attempt on the record
/// and starts a session. Shared by the page and `POST /api/session`.
pub async fn check(
    state: &AppState,
    creds: &Credentials,
    addr: &str,
) -> Result<(String, Session), ConsoleError> {
    let name = creds.username.trim();
    if let Some(wait) = state.throttle.blocked(name, addr) {
        state
            .audit
            .record(name, "login_throttled", "", "", addr)
            .await?;
        return Err(ConsoleError::Throttled(wait.as_secs().max(1)));
    }
    let user = state.console.user(name).await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or(crate::password::decoy());
    let password = creds.password.clone();
    let hash_owned = hash.to_string();
    // argon2 takes tens of milliseconds of CPU: off the async threads.
    let ok = tokio::task::spawn_blocking(move || crate::password::verify(&password, &hash_owned))
        .await
        .map_err(|e| ConsoleError::Internal(e.to_string()))?;
    match user {
        Some(u) if ok && !u.disabled => {
            state.throttle.succeeded(&u.name);
            let started = state.sessions.start(&u.name, u.role)?;
            state
                .audit
                .record(&u.name, "login", "", u.role.as_str(), addr)
                .await?;
            Ok(started)
        }
        found => {
            state.throttle.failed(name, addr);
            let why = match found {
                Some(u) if u.disabled => "user disabled",
                Some(_) => "wrong password",
                None => "unknown user",
            };
            state
                .audit
                .record(name, "login_failed", "", why, addr)
                .await?;
            Err(ConsoleError::BadLogin)
        }
    }
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    session::cookie(
        token,
        state.secure_cookies,
        state.sessions.expiry().absolute,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    parts: Parts,
    Form(creds): Form<Credentials>,
) -> Result<Response, PageError> {
    let addr = client_addr(&parts);
    match check(&state, &creds, &addr).await {
        Ok((token, s)) => {
            let to = if s.role == Role::Liaison {
                "/cases"
            } else {
                "/"
            };
            let mut r = see_other(to);
            if let Ok(v) = session_cookie(&state, &token).parse() {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        Err(e @ (ConsoleError::BadLogin | ConsoleError::Throttled(_))) => render(
            &LoginPage {
                c: Chrome::new(&parts.headers, None, "/login"),
                error: e.to_string(),
            },
            e.status(),
        ),
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    PageUser(u): PageUser,
) -> Result<Response, PageError> {
    state.sessions.end(&u.token);
    state
        .audit
        .record(u.name(), "logout", "", "", &u.addr)
        .await?;
    let mut r = see_other("/login");
    if let Ok(v) = session::clear_cookie(state.secure_cookies).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Sets the language cookie and goes back to the page (only a path of this site).
pub async fn set_lang(Path(lang): Path<String>, Query(q): Query<Back>) -> Response {
    let Some(lang) = crate::i18n::Lang::parse(&lang) else {
        return (StatusCode::NOT_FOUND, "no such language").into_response();
    };
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let mut r = see_other(&back);
    let c = format!(
        "soi_lang={}; Path=/; SameSite=Strict; Max-Age=31536000",
        lang.code()
    );
    if let Ok(v) = c.parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}
