use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ModelError, Seller};

/// A review left on a listing. Reviews feed the seller's review-spam rate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
}

/// One listing as observed on a marketplace.
///
/// `id`, `marketplace` and `title` are required; everything else is optional because marketplaces
/// and outside callers show different amounts of detail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub id: String,
    pub marketplace: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// ISO 4217 code ("VND", "TWD", "CNY", "USD").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<DateTime<Utc>>,
    /// sha256 of the fetched page this listing was extracted from (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<Seller>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}

impl Listing {
    /// The store and bus key: `marketplace/id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.id)
    }

    pub fn seller_id(&self) -> Option<&str> {
        self.seller.as_ref().map(|s| s.id.as_str())
    }

    /// Parses one JSON object and checks the required fields. An embedded seller without a
    /// marketplace inherits the listing's.
    pub fn from_json(text: &str) -> Result<Listing, ModelError> {
        let l: Listing = serde_json::from_str(text)?;
        l.prepare()
    }

    /// Validates a listing received from outside and fills what can be inferred (an embedded
    /// seller without a marketplace inherits the listing's).
    pub fn prepare(mut self) -> Result<Listing, ModelError> {
        self.validate()?;
        if let Some(s) = self.seller.as_mut() {
            if s.marketplace.is_empty() {
                s.marketplace = self.marketplace.clone();
            }
        }
        Ok(self)
    }

    /// Checks the invariants every stage relies on.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.id.trim().is_empty() {
            return Err(ModelError::Missing("id"));
        }
        if self.marketplace.trim().is_empty() {
            return Err(ModelError::Missing("marketplace"));
        }
        if self.title.trim().is_empty() {
            return Err(ModelError::Missing("title"));
        }
        if let Some(p) = self.price {
            if !p.is_finite() || p < 0.0 {
                return Err(ModelError::Invalid {
                    field: "price",
                    why: format!("{p} is not a non-negative number"),
                });
            }
        }
        if let Some(s) = &self.seller {
            if s.id.trim().is_empty() {
                return Err(ModelError::Missing("seller.id"));
            }
        }
        Ok(())
    }

    /// The text of a named field, as reasons refer to it: `title`, `description`, `url`,
    /// `seller.name`, `reviews[N].text`.
    pub fn field_text(&self, field: &str) -> Option<&str> {
        match field {
            "title" => Some(&self.title),
            "description" => self.description.as_deref(),
            "url" => self.url.as_deref(),
            "seller.name" => self.seller.as_ref().and_then(|s| s.name.as_deref()),
            _ => {
                let n = field.strip_prefix("reviews[")?.strip_suffix("].text")?;
                let n: usize = n.parse().ok()?;
                self.reviews.get(n).map(|r| r.text.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minimal_and_full() {
        let l = Listing::from_json(r#"{"id":"1","marketplace":"demo","title":"Áo"}"#).unwrap();
        assert_eq!(l.key(), "demo/1");
        let l = Listing::from_json(
            r#"{"id":"1","marketplace":"demo","title":"Áo","price":150000,"currency":"VND",
                "seller":{"id":"s9","country":"CN"},"reviews":[{"text":"tốt","rating":5}]}"#,
        )
        .unwrap();
        assert_eq!(l.seller.as_ref().unwrap().marketplace, "demo");
        assert_eq!(l.field_text("reviews[0].text"), Some("tốt"));
        assert_eq!(l.field_text("reviews[1].text"), None);
    }

    #[test]
    fn names_the_missing_field() {
        let e = Listing::from_json(r#"{"id":"1","marketplace":"demo","title":"  "}"#).unwrap_err();
        assert_eq!(e.to_string(), "missing required field `title`");
        let e = Listing::from_json(r#"{"id":"1","title":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("marketplace"), "{e}");
        let e = Listing::from_json(r#"{"id":"1","marketplace":"m","title":"x","price":-1}"#)
            .unwrap_err();
        assert!(e.to_string().contains("price"), "{e}");
    }
}
