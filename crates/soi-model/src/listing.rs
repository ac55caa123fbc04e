use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{check_date, check_id, ModelError, Seller};

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
    /// When the page was fetched; 1970-01-01 ..= 2099-12-31 (see [`crate::EARLIEST`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::bounds::observed_at"
    )]
    pub observed_at: Option<DateTime<Utc>>,
    /// sha256 of the fetched page this listing was extracted from (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<Seller>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    /// Fields cut to their size cap ([`Listing::cap_fields`]): the stored text is not all of the
    /// page's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<String>,
}

impl Listing {
    /// The store and bus key: `marketplace/id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.id)
    }

    /// Escapes the listing's and its embedded seller's ids read from pages ([`crate::escape_id`]),
    /// so a path-like id reaches [`Listing::prepare`] unambiguous instead of refused.
    pub fn escape_ids(&mut self) {
        self.id = crate::escape_id(&self.id);
        if let Some(s) = self.seller.as_mut() {
            s.id = crate::escape_id(&s.id);
        }
    }

    pub fn seller_id(&self) -> Option<&str> {
        self.seller.as_ref().map(|s| s.id.as_str())
    }

    /// Parses one JSON object and prepares it ([`Listing::prepare`]).
    pub fn from_json(text: &str) -> Result<Listing, ModelError> {
        let l: Listing = serde_json::from_str(text)?;
        l.prepare()
    }

    /// Makes a listing received from outside safe for every stage: caps its text fields
    /// ([`Listing::cap_fields`]), maps the seller's country to ISO alpha-2 or unknown
    /// ([`crate::country_code`]), lets an embedded seller without a marketplace inherit the
    /// listing's, then checks the invariants ([`Listing::validate`]).
    pub fn prepare(mut self) -> Result<Listing, ModelError> {
        self.cap_fields();
        if let Some(s) = self.seller.as_mut() {
            s.country = s.country.as_deref().and_then(crate::country_code);
            if s.marketplace.is_empty() {
                s.marketplace = self.marketplace.clone();
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// Checks the invariants every stage relies on: ids that make an unambiguous key
    /// ([`crate::check_id`]), a title, a non-negative price, dates in range
    /// ([`crate::check_date`]).
    pub fn validate(&self) -> Result<(), ModelError> {
        check_id("id", &self.id)?;
        check_id("marketplace", &self.marketplace)?;
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
        if let Some(t) = &self.observed_at {
            check_date("observed_at", t)?;
        }
        if let Some(s) = &self.seller {
            s.validate_as("seller.id", "seller.marketplace", "seller.joined_at")?;
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

    #[test]
    fn dates_out_of_range_are_refused_naming_the_field() {
        let far =
            r#"{"id":"1","marketplace":"m","title":"x","observed_at":"-262143-01-01T00:00:00Z"}"#;
        let e = Listing::from_json(far).unwrap_err().to_string();
        assert!(e.contains("`observed_at`"), "{e}");
        let seller = r#"{"id":"1","marketplace":"m","title":"x",
            "seller":{"id":"s","joined_at":"2300-01-01T00:00:00Z"}}"#;
        let e = Listing::from_json(seller).unwrap_err().to_string();
        assert!(e.contains("`joined_at`"), "{e}");
        let ok = r#"{"id":"1","marketplace":"m","title":"x","observed_at":"2025-01-01T00:00:00Z"}"#;
        assert!(Listing::from_json(ok).is_ok());
        // Built in code, not parsed: validate catches it.
        let l = Listing {
            observed_at: Some(chrono::DateTime::<Utc>::MIN_UTC),
            ..Listing::from_json(ok).unwrap()
        };
        assert!(l
            .validate()
            .unwrap_err()
            .to_string()
            .contains("`observed_at`"));
    }

    #[test]
    fn ids_that_would_make_keys_ambiguous_are_refused() {
        for (json, field) in [
            (r#"{"id":"a/b","marketplace":"m","title":"x"}"#, "`id`"),
            (
                r#"{"id":"a","marketplace":"../m","title":"x"}"#,
                "`marketplace`",
            ),
            (
                r#"{"id":"a","marketplace":"m","title":"x","seller":{"id":"s/1"}}"#,
                "`seller.id`",
            ),
            (r#"{"id":"a\u0000","marketplace":"m","title":"x"}"#, "`id`"),
        ] {
            let e = Listing::from_json(json).unwrap_err().to_string();
            assert!(e.contains(field), "{json}: {e}");
        }
    }

    #[test]
    fn seller_countries_are_alpha2_or_unknown() {
        let l = Listing::from_json(
            r#"{"id":"1","marketplace":"m","title":"x","seller":{"id":"s","country":".."}}"#,
        )
        .unwrap();
        assert_eq!(l.seller.as_ref().and_then(|s| s.country.clone()), None);
        let l = Listing::from_json(
            r#"{"id":"1","marketplace":"m","title":"x","seller":{"id":"s","country":"cn"}}"#,
        )
        .unwrap();
        assert_eq!(l.seller.and_then(|s| s.country).as_deref(), Some("CN"));
        let mut s = Seller::new("m", "s");
        s.country = Some("../../x".into());
        assert_eq!(s.prepare().unwrap().country, None);
    }

    #[test]
    fn a_huge_description_is_capped_and_recorded() {
        let desc = "ố".repeat(300_000);
        let json = serde_json::json!({"id":"1","marketplace":"m","title":"x","description":desc});
        let l = Listing::from_json(&json.to_string()).unwrap();
        let d = l.description.as_deref().unwrap_or_default();
        assert_eq!(d.chars().count(), crate::MAX_DESCRIPTION_CHARS);
        assert_eq!(l.truncated, ["description"]);
        let back: serde_json::Value = serde_json::to_value(&l).unwrap();
        assert_eq!(back["truncated"], serde_json::json!(["description"]));
        let small = Listing::from_json(r#"{"id":"1","marketplace":"m","title":"x"}"#).unwrap();
        assert!(!serde_json::to_string(&small).unwrap().contains("truncated"));
    }
}
