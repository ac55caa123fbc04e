//! The console's row shapes, and the names they are written and parsed as.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A name that is not one of a field's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {what}: use one of {allowed}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
    pub allowed: &'static str,
}

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                match s {
                    $($s => Ok($name::$var),)+
                    _ => Err(ParseError {
                        what: $what,
                        value: s.to_string(),
                        allowed: concat!($($s, " "),+),
                    }),
                }
            }
        }
    };
}

named_enum!(
    /// What a console user may do; every route checks it on the server.
    Role, "role", {
        /// Triages, labels and builds cases.
        Analyst = "analyst",
        /// An analyst who also manages users, reads the audit log and approves referrals.
        Supervisor = "supervisor",
        /// A police or foreign-agency officer: reads the cases referred to them, nothing else.
        Liaison = "liaison",
    }
);

named_enum!(
    /// An analyst's judgement.
    LabelValue, "label", { Scam = "scam", NotScam = "not_scam", Unsure = "unsure" }
);

named_enum!(
    /// What a label is about.
    LabelTarget, "label target", { Listing = "listing", Seller = "seller" }
);

named_enum!(
    /// Where a case stands. `pending` waits for a supervisor to approve its referral.
    CaseStatus, "case status", {
        Open = "open", Pending = "pending", Referred = "referred", Closed = "closed",
    }
);

/// A console user. `password_hash` is a PHC string (argon2id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A label on a listing or a seller, with who gave it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    pub target: LabelTarget,
    pub marketplace: String,
    pub id: String,
    pub label: LabelValue,
    /// Reason codes the analyst confirmed.
    #[serde(default)]
    pub confirmed: Vec<String>,
    /// Reason codes the analyst rejected.
    #[serde(default)]
    pub rejected: Vec<String>,
    #[serde(default)]
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A note on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    pub by: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

/// A case: sellers grouped for referral. Every change is stored as a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// `C-0001`, ...
    pub id: String,
    pub version: u64,
    pub title: String,
    /// `(marketplace, seller id)`.
    pub sellers: Vec<(String, String)>,
    pub status: CaseStatus,
    pub assignee: Option<String>,
    /// The liaison user the case is (to be) referred to.
    pub referred_to: Option<String>,
    /// Who asked for the referral, and the supervisor who approved it.
    pub referral_requested_by: Option<String>,
    pub referral_approved_by: Option<String>,
    #[serde(default)]
    pub notes: Vec<CaseNote>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}
