//! Records of one page merged by id, and capped.
//!
//! Why: a list page can hold thousands of cards and the generic and CSS passes each find the
//! same product again; scanning the list for every record made a big page quadratic. An index
//! by id keeps merging linear, and a per-page cap (`limits.max_items_per_page`) bounds what one
//! hostile page can emit; the records over the cap are counted, not silently lost.

use std::collections::HashMap;

use soi_model::{Listing, Seller};

/// Distinct items by id, in the order first seen, at most `cap` of them.
#[derive(Debug)]
pub struct Merged<T> {
    items: Vec<T>,
    by_id: HashMap<String, usize>,
    cap: usize,
    /// Records with a new id that arrived when `cap` items were already kept.
    pub dropped: usize,
}

impl<T> Merged<T> {
    pub fn new(cap: usize) -> Self {
        Merged {
            items: vec![],
            by_id: HashMap::new(),
            cap,
            dropped: 0,
        }
    }

    /// The most items kept.
    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Adds `item` under `id`, or fills the item already there with `fill`; `fallback` names
    /// the item to fill when none has this id.
    fn add(&mut self, id: &str, item: T, fallback: Option<usize>, fill: fn(&mut T, T)) {
        match self.by_id.get(id).copied().or(fallback) {
            Some(i) => fill(&mut self.items[i], item),
            None if self.items.len() >= self.cap => self.dropped += 1,
            None => {
                self.by_id.insert(id.to_string(), self.items.len());
                self.items.push(item);
            }
        }
    }
}

impl Merged<Listing> {
    /// Adds `l`, or fills the gaps of the listing already there with the same id (or of the
    /// first one, when `into_first` says the rules describe the page's one product).
    pub fn listing(&mut self, l: Listing, into_first: bool) {
        let first = (into_first && !self.items.is_empty()).then_some(0);
        let id = l.id.clone();
        self.add(&id, l, first, fill_listing);
    }
}

impl Merged<Seller> {
    /// Adds `s`, or fills the gaps of the seller already there with the same id.
    pub fn seller(&mut self, s: Seller) {
        let id = s.id.clone();
        self.add(&id, s, None, fill_seller);
    }
}

fn fill_listing(x: &mut Listing, l: Listing) {
    x.url = x.url.take().or(l.url);
    x.description = x.description.take().or(l.description);
    if x.price.is_none() {
        x.price = l.price;
        x.currency = x.currency.take().or(l.currency);
    }
    x.category = x.category.take().or(l.category);
    x.images_count = x.images_count.or(l.images_count);
    x.seller = x.seller.take().or(l.seller);
    if x.reviews.is_empty() {
        x.reviews = l.reviews;
    }
}

fn fill_seller(x: &mut Seller, s: Seller) {
    x.name = x.name.take().or(s.name);
    x.country = x.country.take().or(s.country);
    x.ship_from = x.ship_from.take().or(s.ship_from);
    x.joined_at = x.joined_at.or(s.joined_at);
    x.rating = x.rating.or(s.rating);
    x.rating_count = x.rating_count.or(s.rating_count);
    x.followers = x.followers.or(s.followers);
    x.official |= s.official;
    x.verified |= s.verified;
    x.cross_border |= s.cross_border;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(id: &str, price: Option<f64>) -> Listing {
        Listing {
            id: id.into(),
            title: id.into(),
            price,
            ..Default::default()
        }
    }

    #[test]
    fn merges_by_id_and_counts_what_the_cap_drops() {
        let mut m = Merged::new(2);
        m.listing(listing("a", None), false);
        m.listing(listing("b", None), false);
        m.listing(listing("c", None), false);
        m.listing(listing("a", Some(5.0)), false);
        m.listing(listing("d", None), false);
        assert_eq!(m.dropped, 2);
        let items = m.into_items();
        let ids: Vec<&str> = items.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(items[0].price, Some(5.0), "the second `a` filled the first");
        let mut one = Merged::new(1);
        one.listing(listing("x", None), true);
        one.listing(listing("y", Some(1.0)), true);
        assert_eq!((one.dropped, one.into_items()[0].price), (0, Some(1.0)));
    }
}
