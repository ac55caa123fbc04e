//! A consumer's complaint to the hotline, as `soi complaints import` reads it and the stores keep
//! it: who it names (a phone, a shop, a link) is found in it by `soi_link::complaint`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One consumer complaint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Complaint {
    /// The hotline's id for it (unique in its export).
    pub id: String,
    pub received_at: DateTime<Utc>,
    /// How it came in: `phone`, `web`, `zalo`, ...
    pub channel: String,
    /// What the consumer said, in their words.
    pub text: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub shop_name: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// What the consumer lost, in đồng.
    #[serde(default)]
    pub amount: Option<f64>,
}

impl Complaint {
    /// The text of a named field (`text`, `phone`, `shop_name`, `url`), as link evidence names it.
    pub fn field_text(&self, field: &str) -> Option<&str> {
        match field {
            "text" => Some(&self.text),
            "phone" => self.phone.as_deref(),
            "shop_name" => self.shop_name.as_deref(),
            "url" => self.url.as_deref(),
            _ => None,
        }
    }
}
