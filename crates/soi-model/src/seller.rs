use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{check_date, check_id, ModelError};

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
    /// Anything else is read as unknown (`None`): see [`crate::country_code`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::country::deserialize"
    )]
    pub country: Option<String>,
    /// Where goods ship from, as the marketplace says it (country code or place name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from: Option<String>,
    /// 1970-01-01 ..= 2099-12-31 (see [`crate::EARLIEST`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::bounds::joined_at"
    )]
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

    /// Checks a seller received on its own: id and marketplace that make an unambiguous key, a
    /// country that is ISO alpha-2 or absent, `joined_at` in range.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.validate_as("id", "marketplace", "joined_at")
    }

    /// [`Seller::validate`] with the field names to report (`seller.id` when embedded).
    pub(crate) fn validate_as(
        &self,
        id: &'static str,
        marketplace: &'static str,
        joined_at: &'static str,
    ) -> Result<(), ModelError> {
        check_id(id, &self.id)?;
        check_id(marketplace, &self.marketplace)?;
        if let Some(t) = &self.joined_at {
            check_date(joined_at, t)?;
        }
        Ok(())
    }

    /// Makes a seller received on its own safe for every stage: caps its text fields, maps its
    /// country to ISO alpha-2 or unknown, then validates it.
    pub fn prepare(mut self) -> Result<Seller, ModelError> {
        self.cap_fields();
        self.country = self.country.as_deref().and_then(crate::country_code);
        self.validate()?;
        Ok(self)
    }
}
