//! What a console request can fail with, and how each failure answers: JSON with a message for
//! the API, a page for the browser (a redirect to the login page when not logged in).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use soi_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("log in first")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("too many failed logins: try again in {0} s")]
    Throttled(u64),
    #[error("wrong user name or password")]
    BadLogin,
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

/// A report the console makes (a case's HTML dossier) failed: the store, or an internal error.
impl From<soi_report::ReportError> for ConsoleError {
    fn from(e: soi_report::ReportError) -> Self {
        match e {
            soi_report::ReportError::Store(s) => ConsoleError::Store(s),
            other => ConsoleError::Internal(format!("making the dossier: {other}")),
        }
    }
}

impl ConsoleError {
    pub fn status(&self) -> StatusCode {
        match self {
            ConsoleError::Unauthenticated | ConsoleError::BadLogin => StatusCode::UNAUTHORIZED,
            ConsoleError::Forbidden(_) => StatusCode::FORBIDDEN,
            ConsoleError::NotFound(_) => StatusCode::NOT_FOUND,
            ConsoleError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ConsoleError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            ConsoleError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            ConsoleError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn forbidden(what: &str) -> ConsoleError {
        ConsoleError::Forbidden(format!("your role may not {what}"))
    }
}

/// The API's answer: `{"error": "..."}` with the status.
impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        if matches!(self, ConsoleError::Store(_) | ConsoleError::Internal(_)) {
            tracing::error!(error = %self, "console request failed");
        }
        let mut r = (
            self.status(),
            axum::Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response();
        if let ConsoleError::Throttled(secs) = self {
            if let Ok(v) = secs.to_string().parse() {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r
    }
}

/// A failure on a page: the browser is sent to the login page when not logged in, else shown
/// the message on an error page.
#[derive(Debug)]
pub struct PageError(pub ConsoleError);

impl<E: Into<ConsoleError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, ConsoleError::Unauthenticated) {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
        }
        if matches!(self.0, ConsoleError::Store(_) | ConsoleError::Internal(_)) {
            tracing::error!(error = %self.0, "console page failed");
        }
        let body = format!(
            "<!doctype html><html><head><meta charset=utf-8><title>soi: {status}</title>\
             <link rel=stylesheet href=/assets/console.css></head><body><main>\
             <h1>{status}</h1><p class=error>{msg}</p><p><a href=/>soi</a></p></main></body></html>",
            status = self.0.status(),
            msg = soi_report::html::esc(&self.0.to_string()),
        );
        (
            self.0.status(),
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}
