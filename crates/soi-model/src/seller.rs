use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A seller (shop) on a marketplace, with the facts cross-border work needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Seller {
    pub id: String,
    /// Filled from the listing when a seller arrives embedded in one.
    #[serde(default)]
    pub marketplace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 country the seller is registered in, upper case ("VN", "CN").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Where goods ship from, as the marketplace says it (country code or place name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<DateTime<Utc>>,
    /// Mean rating, 0..5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<u64>,
    #[serde(default)]
    pub official: bool,
    #[serde(default)]
    pub verified: bool,
    /// Seller country differs from the marketplace's home country.
    #[serde(default)]
    pub cross_border: bool,
}

impl Seller {
    pub fn new(marketplace: &str, id: &str) -> Self {
        Seller {
            id: id.to_string(),
            marketplace: marketplace.to_string(),
            ..Default::default()
        }
    }

    /// The store and bus key: `marketplace/id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.id)
    }
}
