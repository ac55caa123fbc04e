//! The JSON API beside the pages, for integrations, with the same sessions, roles and CSRF
//! rules: `POST /api/session` returns the CSRF token that every other state-changing call
//! carries in `x-csrf-token`.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::{client_addr, User};
use crate::pages::admin::AuditQuery;
use crate::pages::labels::LabelInput;
use crate::pages::login::{check, session_cookie, Credentials};
use crate::pages::queue::Filters;
use crate::pages::{admin, cases, labels, listing, seller};
use crate::session::clear_cookie;
use crate::{AppState, ConsoleError};

/// JSON bodies that do not parse answer 422 with serde's message.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = ConsoleError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ConsoleError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) => Err(ConsoleError::Invalid(e.body_text())),
        }
    }
}

pub async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Body(creds): Body<Credentials>,
) -> Result<Response, ConsoleError> {
    let (token, s) = check(&state, &creds, &client_addr(&parts)).await?;
    let mut r = Json(json!({"user": s.user, "role": s.role, "csrf_token": s.csrf})).into_response();
    if let Ok(v) = session_cookie(&state, &token).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

pub async fn logout(State(state): State<AppState>, u: User) -> Result<Response, ConsoleError> {
    state.sessions.end(&u.token);
    state
        .audit
        .record(u.name(), "logout", "", "", &u.addr)
        .await?;
    let mut r = Json(json!({"logged_out": u.name()})).into_response();
    if let Ok(v) = clear_cookie(state.secure_cookies).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// The same rows as `soi sellers --format json`.
pub async fn sellers(
    State(state): State<AppState>,
    u: User,
    Query(f): Query<Filters>,
) -> Result<Json<Value>, ConsoleError> {
    u.require_analyst("read sellers")?;
    let (rows, _, _) = crate::pages::queue::find(&state, &f).await?;
    Ok(Json(
        serde_json::to_value(rows).map_err(|e| ConsoleError::Internal(e.to_string()))?,
    ))
}

pub async fn seller(
    State(state): State<AppState>,
    u: User,
    Path((m, id)): Path<(String, String)>,
) -> Result<Json<seller::SellerDetail>, ConsoleError> {
    Ok(Json(seller::view(&state, &u, &m, &id, "api").await?))
}

pub async fn listing(
    State(state): State<AppState>,
    u: User,
    Path((m, id)): Path<(String, String)>,
) -> Result<Json<listing::ListingAnswer>, ConsoleError> {
    Ok(Json(listing::view(&state, &u, &m, &id, "api").await?))
}

pub async fn label(
    State(state): State<AppState>,
    u: User,
    Body(input): Body<LabelInput>,
) -> Result<Response, ConsoleError> {
    let l = labels::add(&state, &u, input).await?;
    Ok((axum::http::StatusCode::CREATED, Json(l)).into_response())
}

pub async fn cases(State(state): State<AppState>, u: User) -> Result<Json<Value>, ConsoleError> {
    let cs = cases::visible(&state, &u).await?;
    Ok(Json(
        serde_json::to_value(cs).map_err(|e| ConsoleError::Internal(e.to_string()))?,
    ))
}

pub async fn audit(
    State(state): State<AppState>,
    u: User,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ConsoleError> {
    u.require_supervisor("read the audit log")?;
    let rows = admin::rows(&state, &q).await?;
    Ok(Json(
        serde_json::to_value(rows).map_err(|e| ConsoleError::Internal(e.to_string()))?,
    ))
}
