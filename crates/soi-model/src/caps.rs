//! Size caps on the free-text fields of records that come from outside.
//!
//! Why: a listing travels whole through the bus (1 MB per message on Kafka), the scorer reads all
//! of its text and the stores keep it. One page with a description of tens of megabytes used to
//! cost seconds and a gigabyte per listing, and its verdict could never be published. Each field
//! is therefore cut to a documented number of characters (on a character boundary) at the model
//! boundary, and the names of the cut fields are recorded in `Listing::truncated` so an analyst
//! knows the stored text is not the whole page text.
//!
//! The limits are far above what marketplaces show (Shopee titles stop at 120 characters,
//! descriptions at 3,000), so real listings are never cut.

use crate::{Listing, Seller};

/// Characters kept of a title.
pub const MAX_TITLE_CHARS: usize = 1024;
/// Characters kept of a description (64 Ki).
pub const MAX_DESCRIPTION_CHARS: usize = 65_536;
/// Characters kept of a URL.
pub const MAX_URL_CHARS: usize = 4096;
/// Characters kept of short labels: category, currency, evidence hash, seller name, ship-from.
pub const MAX_LABEL_CHARS: usize = 512;
/// Characters kept of one review text.
pub const MAX_REVIEW_CHARS: usize = 2048;
/// Reviews kept per listing (the first ones).
pub const MAX_REVIEWS: usize = 100;

/// Cuts `s` to at most `max` characters and releases the memory cut off. Returns whether it cut.
pub fn cap_string(s: &mut String, max: usize) -> bool {
    let keep = crate::truncate_chars(s, max).len();
    if keep == s.len() {
        return false;
    }
    s.truncate(keep);
    s.shrink_to_fit();
    true
}

fn cap_opt(s: &mut Option<String>, max: usize) -> bool {
    s.as_mut().is_some_and(|s| cap_string(s, max))
}

impl Seller {
    /// Applies the caps to the seller's text fields; returns the names of the fields it cut.
    pub fn cap_fields(&mut self) -> Vec<&'static str> {
        let mut cut = Vec::new();
        if cap_opt(&mut self.name, MAX_LABEL_CHARS) {
            cut.push("name");
        }
        if cap_opt(&mut self.ship_from, MAX_LABEL_CHARS) {
            cut.push("ship_from");
        }
        cut
    }
}

impl Listing {
    /// Applies the caps to every free-text field, the embedded seller and the reviews, and adds
    /// the name of each field it cut to [`Listing::truncated`] (`title`, `description`, `url`,
    /// `category`, `currency`, `evidence_sha256`, `seller.name`, `seller.ship_from`, `reviews`
    /// for the number of reviews, `reviews[].text` for review texts). Calling it again changes
    /// nothing. Crawlers call it before publishing; [`Listing::prepare`] calls it too.
    pub fn cap_fields(&mut self) {
        let mut cut: Vec<&'static str> = Vec::new();
        let mut check = |hit: bool, name: &'static str| {
            if hit {
                cut.push(name);
            }
        };
        check(cap_string(&mut self.title, MAX_TITLE_CHARS), "title");
        check(
            cap_opt(&mut self.description, MAX_DESCRIPTION_CHARS),
            "description",
        );
        check(cap_opt(&mut self.url, MAX_URL_CHARS), "url");
        check(cap_opt(&mut self.category, MAX_LABEL_CHARS), "category");
        check(cap_opt(&mut self.currency, MAX_LABEL_CHARS), "currency");
        check(
            cap_opt(&mut self.evidence_sha256, MAX_LABEL_CHARS),
            "evidence_sha256",
        );
        if let Some(s) = self.seller.as_mut() {
            for f in s.cap_fields() {
                check(
                    true,
                    if f == "name" {
                        "seller.name"
                    } else {
                        "seller.ship_from"
                    },
                );
            }
        }
        if self.reviews.len() > MAX_REVIEWS {
            self.reviews.truncate(MAX_REVIEWS);
            self.reviews.shrink_to_fit();
            check(true, "reviews");
        }
        let mut texts = false;
        for r in &mut self.reviews {
            texts |= cap_string(&mut r.text, MAX_REVIEW_CHARS);
        }
        check(texts, "reviews[].text");
        for name in cut {
            if !self.truncated.iter().any(|t| t == name) {
                self.truncated.push(name.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Review;

    #[test]
    fn long_fields_are_cut_on_character_boundaries_and_recorded_once() {
        let mut l = Listing {
            id: "1".into(),
            marketplace: "m".into(),
            title: "Áo".into(),
            description: Some("ệ".repeat(MAX_DESCRIPTION_CHARS + 10)),
            seller: Some(Seller {
                name: Some("n".repeat(MAX_LABEL_CHARS + 1)),
                ..Seller::new("m", "s")
            }),
            reviews: vec![
                Review {
                    text: "tốt".into(),
                    rating: None
                };
                MAX_REVIEWS + 1
            ],
            ..Default::default()
        };
        l.cap_fields();
        l.cap_fields();
        let d = l.description.as_deref().unwrap_or_default();
        assert_eq!(d.chars().count(), MAX_DESCRIPTION_CHARS);
        assert_eq!(l.title, "Áo");
        assert_eq!(l.reviews.len(), MAX_REVIEWS);
        assert_eq!(l.truncated, ["description", "seller.name", "reviews"]);
    }

    #[test]
    fn short_fields_are_left_alone() {
        let mut s = "giá rẻ".to_string();
        assert!(!cap_string(&mut s, 6));
        assert!(cap_string(&mut s, 3));
        assert_eq!(s, "giá");
    }
}
