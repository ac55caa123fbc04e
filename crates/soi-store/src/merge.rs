//! Merging seller facts. A seller is seen partially in many places (a name and id embedded in a
//! listing, full facts on the seller page); a partial sighting must never erase what a fuller one
//! recorded, and one forged sighting must not set a flag for good.

use soi_model::Seller;

/// `new` over `old`: every fact `new` states wins, every fact it leaves out is kept.
///
/// The flags (`cross_border`, `official`, `verified`) are the latest *full* sighting's value: one
/// that states any fact beyond id and name (a seller page, or a listing that embeds the seller's
/// country, ratings or followers). A bare reference (id and name, as most listings embed their
/// seller) cannot tell "not verified" from "unknown", so it leaves the flags as they were. So a
/// flag set by one forged sighting lasts only until the next full sighting, never for good.
pub fn merge_seller(old: &Seller, new: &Seller) -> Seller {
    fn pick<T: Clone>(new: &Option<T>, old: &Option<T>) -> Option<T> {
        new.clone().or_else(|| old.clone())
    }
    let flags = if states_facts(new) { new } else { old };
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
        official: flags.official,
        verified: flags.verified,
        cross_border: flags.cross_border,
    }
}

/// A seller seen for the first time: [`merge_seller`] over nothing known (a bare reference
/// brings no flags).
pub fn first_sighting(new: &Seller) -> Seller {
    merge_seller(&Seller::new(&new.marketplace, &new.id), new)
}

/// Whether a sighting states facts beyond the seller's id and name.
fn states_facts(s: &Seller) -> bool {
    s.country.is_some()
        || s.ship_from.is_some()
        || s.joined_at.is_some()
        || s.rating.is_some()
        || s.rating_count.is_some()
        || s.followers.is_some()
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

    #[test]
    fn flags_follow_the_latest_full_sighting() {
        let mut forged = Seller::new("m", "s");
        forged.country = Some("CN".into());
        (forged.cross_border, forged.official, forged.verified) = (true, true, true);
        let mut page = Seller::new("m", "s");
        page.followers = Some(1);
        let m = merge_seller(&first_sighting(&forged), &page);
        assert!(!m.cross_border && !m.official && !m.verified, "{m:?}");
        let mut bare = Seller::new("m", "s");
        bare.verified = true;
        assert!(!first_sighting(&bare).verified);
        assert!(!merge_seller(&m, &bare).verified);
    }
}
