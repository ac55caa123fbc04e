//! Who is asking: the session behind the cookie, checked on every request against the store
//! (a disabled user is out at once), the role checks every route makes, and the CSRF guard
//! that every state-changing request passes.

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use soi_store::console::Role;

use crate::error::PageError;
use crate::session::{token_in, Session};
use crate::{AppState, ConsoleError};

/// The connection's peer, set by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

/// A logged-in user on an API route (rejections are JSON).
pub struct User {
    pub token: String,
    pub session: Session,
    pub addr: String,
}

/// A logged-in user on a page (rejections are pages; not logged in redirects to the login).
pub struct PageUser(pub User);

pub fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ClientAddr>()
        .map(|a| a.0.ip().to_string())
        .unwrap_or_else(|| "-".into())
}

/// The session token in the request's cookie, if any.
fn cookie_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(token_in)
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<User, ConsoleError> {
    let token = cookie_token(&parts.headers).ok_or(ConsoleError::Unauthenticated)?;
    let session = state
        .sessions
        .get(token)
        .ok_or(ConsoleError::Unauthenticated)?;
    match state.console.user(&session.user).await? {
        Some(u) if !u.disabled && u.role == session.role => {}
        _ => {
            state.sessions.end(token);
            return Err(ConsoleError::Unauthenticated);
        }
    }
    Ok(User {
        token: token.to_string(),
        session,
        addr: client_addr(parts),
    })
}

impl FromRequestParts<AppState> for User {
    type Rejection = ConsoleError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageUser(authenticate(parts, state).await?))
    }
}

impl User {
    pub fn name(&self) -> &str {
        &self.session.user
    }

    pub fn role(&self) -> Role {
        self.session.role
    }

    /// Analysts and supervisors: the triage work. Liaison officers are refused.
    pub fn require_analyst(&self, what: &str) -> Result<(), ConsoleError> {
        match self.role() {
            Role::Analyst | Role::Supervisor => Ok(()),
            Role::Liaison => Err(ConsoleError::forbidden(what)),
        }
    }

    pub fn require_supervisor(&self, what: &str) -> Result<(), ConsoleError> {
        match self.role() {
            Role::Supervisor => Ok(()),
            _ => Err(ConsoleError::forbidden(what)),
        }
    }
}

/// Requests that need no CSRF token: logging in (there is no session yet).
fn exempt(path: &str) -> bool {
    matches!(path, "/login" | "/api/session")
}

/// Refuses (403) a state-changing request of a session whose CSRF token is missing or wrong: in
/// the `x-csrf-token` header, or the `csrf` field of a form. Requests without a session pass on
/// and are refused (401) by the route.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) || exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let session = cookie_token(req.headers()).and_then(|t| state.sessions.get(t));
    let Some(session) = session else {
        return next.run(req).await;
    };
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(t) = header_token {
        return if crate::password::same(&t, &session.csrf) {
            next.run(req).await
        } else {
            bad_csrf()
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return bad_csrf();
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, crate::MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return ConsoleError::Invalid("the form is too large".into()).into_response();
        }
    };
    let ok = form_field(&bytes, "csrf").is_some_and(|t| crate::password::same(&t, &session.csrf));
    if !ok {
        return bad_csrf();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn bad_csrf() -> Response {
    ConsoleError::Forbidden("missing or wrong CSRF token: reload the page and try again".into())
        .into_response()
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}
