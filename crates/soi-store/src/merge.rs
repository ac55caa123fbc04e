//! Merging seller facts. A seller is seen partially in many places (a name and id embedded in a
//! listing, full facts on the seller page); a partial sighting must never erase what a fuller one
//! recorded.

use soi_model::Seller;

/// `new` over `old`: every fact `new` states wins, every fact it leaves out is kept. Flags are only
/// ever raised by a sighting, since a partial sighting cannot tell "not verified" from "unknown".
pub fn merge_seller(old: &Seller, new: &Seller) -> Seller {
    fn pick<T: Clone>(new: &Option<T>, old: &Option<T>) -> Option<T> {
        new.clone().or_else(|| old.clone())
    }
    Seller {
        id: new.id.clone(),
        marketplace: new.marketplace.clone(),
        name: pick(&new.name, &old.name),
        country: pick(&new.country, &old.country),
        ship_from: pick(&new.ship_from, &old.ship_from),
        joined_at: pick(&new.joined_at, &old.joined_at),
        rating: pick(&new.rating, &old.rating),
        rating_count: pick(&new.rating_count, &old.rating_count),
        followers: pick(&new.followers, &old.followers),
        official: new.official || old.official,
        verified: new.verified || old.verified,
        cross_border: new.cross_border || old.cross_border,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_sighting_keeps_known_facts() {
        let mut full = Seller::new("m", "s");
        full.country = Some("CN".into());
        full.followers = Some(10);
        full.verified = true;
        let mut partial = Seller::new("m", "s");
        partial.name = Some("Shop".into());
        let m = merge_seller(&full, &partial);
        assert_eq!(m.country.as_deref(), Some("CN"));
        assert_eq!(m.followers, Some(10));
        assert_eq!(m.name.as_deref(), Some("Shop"));
        assert!(m.verified);
        assert_eq!(merge_seller(&m, &partial), m);
    }
}
