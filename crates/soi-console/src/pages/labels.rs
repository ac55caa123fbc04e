//! Labels given on a listing or a seller: `scam`, `not_scam` or `unsure`, with the reasons
//! confirmed or rejected and a note. Always a new row (history kept), on the audit log too.

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use soi_store::console::{Label, LabelTarget, LabelValue};

use super::{see_other, seg, when};
use crate::auth::{PageUser, User};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::{AppState, ConsoleError};

/// A label as asked for (the API's JSON body; the form is read into it).
#[derive(Debug, Deserialize)]
pub struct LabelInput {
    pub target: String,
    pub marketplace: String,
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub confirmed: Vec<String>,
    #[serde(default)]
    pub rejected: Vec<String>,
    #[serde(default)]
    pub note: String,
}

const MAX_NOTE: usize = 10_000;

/// Checks and stores a label; the target must exist in the store.
pub async fn add(state: &AppState, u: &User, i: LabelInput) -> Result<Label, ConsoleError> {
    u.require_analyst("label")?;
    let target: LabelTarget = i
        .target
        .parse()
        .map_err(|e: soi_store::console::ParseError| ConsoleError::Invalid(e.to_string()))?;
    let label: LabelValue = i
        .label
        .parse()
        .map_err(|e: soi_store::console::ParseError| ConsoleError::Invalid(e.to_string()))?;
    if i.note.len() > MAX_NOTE {
        return Err(ConsoleError::Invalid(format!(
            "the note is longer than {MAX_NOTE} bytes"
        )));
    }
    if let Some(c) = i.confirmed.iter().find(|c| i.rejected.contains(c)) {
        return Err(ConsoleError::Invalid(format!(
            "reason `{c}` is both confirmed and rejected"
        )));
    }
    let exists = match target {
        LabelTarget::Listing => state
            .store
            .listing(Some(&i.marketplace), &i.id)
            .await?
            .is_some(),
        LabelTarget::Seller => !state
            .store
            .seller_listings(Some(&i.marketplace), &i.id)
            .await?
            .is_empty(),
    };
    if !exists {
        return Err(ConsoleError::NotFound(format!(
            "no {target} `{}` on `{}`",
            i.id, i.marketplace
        )));
    }
    let l = Label {
        target,
        marketplace: i.marketplace,
        id: i.id,
        label,
        confirmed: i.confirmed,
        rejected: i.rejected,
        note: i.note,
        by: u.name().to_string(),
        at: chrono::Utc::now(),
    };
    state.console.add_label(&l).await?;
    state
        .audit
        .record(
            u.name(),
            "label",
            format!("{} {}/{}", l.target, l.marketplace, l.id),
            serde_json::json!({"label": l.label, "confirmed": l.confirmed, "rejected": l.rejected})
                .to_string(),
            &u.addr,
        )
        .await?;
    Ok(l)
}

/// The label form: repeated `confirm` / `reject` fields name reason codes.
pub async fn submit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    // Each reason is one radio group `reason:CODE` = confirm | reject | (nothing).
    let mut confirmed = all("confirmed");
    let mut rejected = all("rejected");
    for (k, v) in &pairs {
        if let Some(code) = k.strip_prefix("reason:") {
            match v.as_str() {
                "confirm" => confirmed.push(code.to_string()),
                "reject" => rejected.push(code.to_string()),
                _ => {}
            }
        }
    }
    let l = add(
        &state,
        &u,
        LabelInput {
            target: get("target"),
            marketplace: get("marketplace"),
            id: get("id"),
            label: get("label"),
            confirmed,
            rejected,
            note: get("note"),
        },
    )
    .await?;
    let back = match l.target {
        LabelTarget::Seller => format!("/sellers/{}/{}", seg(&l.marketplace), seg(&l.id)),
        LabelTarget::Listing => format!("/listings/{}/{}", seg(&l.marketplace), seg(&l.id)),
    };
    Ok(see_other(&back))
}

/// A label as shown in a history.
pub struct LabelView {
    pub label: String,
    pub class: &'static str,
    pub by: String,
    pub at: String,
    pub confirmed: String,
    pub rejected: String,
    pub note: String,
}

impl LabelView {
    pub fn of(l: &Label, tr: &Tr) -> LabelView {
        LabelView {
            label: tr.get(l.label.as_str()).to_string(),
            class: l.label.as_str(),
            by: l.by.clone(),
            at: when(&l.at),
            confirmed: l.confirmed.join(", "),
            rejected: l.rejected.join(", "),
            note: l.note.clone(),
        }
    }
}
