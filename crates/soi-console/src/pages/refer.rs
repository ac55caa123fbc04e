//! Referring a case: an analyst asks (the case waits, `pending`), a supervisor approves, and the
//! dossier — the case, its sellers' listings with every reason, and a STIX 2.1 bundle — goes out
//! as an alert through the configured routes ([`Referrer`]). The liaison officer named then sees
//! the case. The dossier is also a download, as JSON or as printable HTML ([`super::dossier`]).

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde_json::{json, Value};
use soi_alert::route::{Outgoing, Route};
use soi_alert::stix::BundleBuilder;
use soi_store::console::{Case, CaseNote, CaseStatus, Role};
use soi_store::Tlp;

use super::cases::{get, save};
use super::{see_other, seg};
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::{AppState, ConsoleError};

/// One referral as sent.
pub struct Referral<'a> {
    pub case: &'a Case,
    pub key: String,
    pub dossier: &'a Value,
}

/// Sends a referral; answers a note for the case (where it went).
#[async_trait]
pub trait Referrer: Send + Sync {
    async fn refer(&self, r: &Referral<'_>) -> Result<String, String>;
}

/// Sends through soi's alert routes (webhooks, file drops), each once; all must accept.
pub struct Routes(pub Vec<(String, Arc<dyn Route>)>);

#[async_trait]
impl Referrer for Routes {
    async fn refer(&self, r: &Referral<'_>) -> Result<String, String> {
        if self.0.is_empty() {
            return Err("no alert route is configured (pipelines/alerts.toml)".into());
        }
        let body = serde_json::to_vec(r.dossier).map_err(|e| e.to_string())?;
        let out = Outgoing {
            key: r.key.clone(),
            body,
            now: chrono::Utc::now(),
        };
        let mut notes = vec![];
        for (name, route) in &self.0 {
            let note = route
                .deliver(&out)
                .await
                .map_err(|f| format!("route {name}: {}", f.why))?;
            notes.push(format!("{name}: {note}"));
        }
        Ok(notes.join("; "))
    }
}

/// The case, its sellers' listings with verdicts, and a STIX 2.1 bundle of them.
pub async fn dossier(state: &AppState, case: &Case) -> Result<Value, ConsoleError> {
    let mut b = BundleBuilder::new(Tlp::Amber);
    let mut sellers = vec![];
    for d in super::dossier::case_sellers(state, case).await? {
        let sref = d.seller.as_ref().map(|x| b.seller(x, case.updated_at));
        for l in &d.listings {
            if let Some(v) = &l.verdict {
                b.listing(&l.listing, v, sref.as_deref());
            }
        }
        sellers.push(serde_json::to_value(&d).map_err(|e| ConsoleError::Internal(e.to_string()))?);
    }
    let key = format!("case-{}-v{}", case.id, case.version);
    Ok(json!({
        "soi_case": 1,
        "idempotency_key": key,
        "case": case,
        "sellers": sellers,
        "stix": b.finish(&key),
    }))
}

/// An analyst asks to refer the case to a liaison officer; it waits for a supervisor.
pub async fn request(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    u.require_analyst("refer cases")?;
    let to = pairs
        .iter()
        .find(|(k, _)| k == "referred_to")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    match state.console.user(&to).await? {
        Some(x) if x.role == Role::Liaison && !x.disabled => {}
        _ => {
            return Err(
                ConsoleError::Invalid(format!("`{to}` is not an active liaison officer")).into(),
            )
        }
    }
    let mut case = get(&state, &u, &id).await?;
    if case.status != CaseStatus::Open {
        return Err(
            ConsoleError::Invalid(format!("case {id} is {}, not open", case.status)).into(),
        );
    }
    case.status = CaseStatus::Pending;
    case.referred_to = Some(to.clone());
    case.referral_requested_by = Some(u.name().to_string());
    save(&state, &u, case, "refer_request", format!("to {to}")).await?;
    Ok(see_other(&format!("/cases/{}", seg(&id))))
}

/// A supervisor approves: the dossier is sent, and the case becomes `referred`.
pub async fn approve(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    approve_case(&state, &u, &id).await?;
    Ok(see_other(&format!("/cases/{}", seg(&id))))
}

pub async fn approve_case(state: &AppState, u: &User, id: &str) -> Result<Case, ConsoleError> {
    u.require_supervisor("approve referrals")?;
    let mut case = get(state, u, id).await?;
    if case.status != CaseStatus::Pending {
        return Err(ConsoleError::Invalid(format!(
            "case {id} is {}: only a case waiting for approval can be referred",
            case.status
        )));
    }
    let referrer = state.referrer.clone().ok_or_else(|| {
        ConsoleError::Invalid("this console has no alert routes to send referrals through".into())
    })?;
    case.status = CaseStatus::Referred;
    case.referral_approved_by = Some(u.name().to_string());
    let d = dossier(state, &case).await?;
    let key = format!("case-{}-referral", case.id);
    let note = referrer
        .refer(&Referral {
            case: &case,
            key: key.clone(),
            dossier: &d,
        })
        .await
        .map_err(|e| ConsoleError::Internal(format!("sending the referral failed: {e}")))?;
    case.notes.push(CaseNote {
        by: u.name().to_string(),
        at: chrono::Utc::now(),
        text: format!("referral sent ({key}): {note}"),
    });
    save(state, u, case, "refer_approve", note).await
}
