//! The incremental linker: listings arrive one at a time, their keys are looked up among the keys
//! seen before, and sellers that share one are joined in a union-find.
//!
//! Per key only its first holder is kept (the listing, and where it said it): every later holder
//! is joined to that one, so all holders of a key end up in one cluster whatever the order they
//! arrive in, and memory grows with the number of distinct keys, not with the pairs. A
//! [`LinkKind::NearText`] band is a candidate only: the later listing's MinHash signature is
//! compared with the holder's, and only a near duplicate links.
//!
//! Links are recorded once per seller pair and identifier (once per pair for near-text), with the
//! evidence of both sides; a seller's own listings never link to itself.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use soi_model::Listing;

use crate::error::LinkError;
use crate::intern::{index, Arena, FastMap, Sellers};
use crate::keys::{self, Extracted};
use crate::minhash::{hash_bytes, Compact, NEAR_THRESHOLD};
use crate::types::{Cluster, Evidence, Link, LinkKey, LinkKind, SellerKey, Side};
use crate::unionfind::UnionFind;

/// No value, in the `u32` index vectors.
const NONE: u32 = u32::MAX;

/// The first listing seen with an identifier key.
#[derive(Debug, Clone, Copy)]
struct Holder {
    listing: u32,
    value: u32,
    quote: u32,
    start: u32,
    end: u32,
    kind: u8,
    field: u8,
}

/// Where a listing's near-text came from.
#[derive(Debug, Clone, Copy)]
struct NearSource {
    end: u32,
    quote: u32,
    field: u8,
}

/// Counts of what the linker holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub sellers: usize,
    pub listings: usize,
    /// Distinct identifier keys (phones, accounts, ...).
    pub identifier_keys: usize,
    /// Distinct near-text bands.
    pub bands: usize,
    pub links: usize,
    /// Near-text candidates compared, and how many were near duplicates.
    pub near_checked: usize,
    pub near_linked: usize,
}

/// Links sellers incrementally; see the module documentation.
#[derive(Debug)]
pub struct Linker {
    threshold: f64,
    sellers: Sellers,
    sets: UnionFind,
    listing_ids: Arena,
    listing_seller: Vec<u32>,
    /// Per listing, its index in `signatures`, or [`NONE`].
    listing_sig: Vec<u32>,
    signatures: Vec<Compact>,
    near_sources: Vec<NearSource>,
    /// Key hash → index in `holders`.
    exact: FastMap<u64, u32>,
    /// Keys whose hash another key already holds (found on the value check).
    exact_spill: HashMap<(u8, String), u32>,
    holders: Vec<Holder>,
    /// Band hash (32 bits: a collision only costs one verification) → holder listing.
    bands: FastMap<u32, u32>,
    texts: Arena,
    fields: Vec<String>,
    links: Vec<Link>,
    /// Links by the seller of side `a`.
    links_of: HashMap<u32, Vec<u32>>,
    recorded: HashSet<(u32, u32, u64)>,
    near_checked: usize,
    near_linked: usize,
}

impl Default for Linker {
    fn default() -> Self {
        Linker::new()
    }
}

fn key_hash(kind: LinkKind, value: &str) -> u64 {
    hash_bytes(u64::from(kind.index()) + 1, value.as_bytes())
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Linker {
    /// A linker with the default near-duplicate threshold ([`NEAR_THRESHOLD`]).
    pub fn new() -> Linker {
        Linker::with_threshold(NEAR_THRESHOLD)
    }

    /// A linker that links near-text at an estimated Jaccard similarity of at least `threshold`
    /// (clamped to 0.5..=1: below that, banding finds few candidates and shared boilerplate would
    /// link).
    pub fn with_threshold(threshold: f64) -> Linker {
        let threshold = if threshold.is_nan() {
            NEAR_THRESHOLD
        } else {
            threshold.clamp(0.5, 1.0)
        };
        Linker {
            threshold,
            sellers: Sellers::default(),
            sets: UnionFind::default(),
            listing_ids: Arena::default(),
            listing_seller: Vec::new(),
            listing_sig: Vec::new(),
            signatures: Vec::new(),
            near_sources: Vec::new(),
            exact: FastMap::default(),
            exact_spill: HashMap::new(),
            holders: Vec::new(),
            bands: FastMap::default(),
            texts: Arena::default(),
            fields: Vec::new(),
            links: Vec::new(),
            links_of: HashMap::new(),
            recorded: HashSet::new(),
            near_checked: 0,
            near_linked: 0,
        }
    }

    /// Reserves room for about `sellers` sellers and `listings` listings, so the tables do not
    /// grow (and briefly double) while a large batch is linked.
    pub fn reserve(&mut self, sellers: usize, listings: usize) {
        self.sellers.reserve(sellers);
        self.sets.reserve(sellers);
        self.listing_ids.reserve(listings, listings * 12);
        self.listing_seller.reserve(listings);
        self.listing_sig.reserve(listings);
        self.signatures.reserve(listings);
        self.near_sources.reserve(listings);
        self.bands.reserve(listings * crate::minhash::BANDS);
        self.exact.reserve(listings);
    }

    /// Adds a listing of the seller it carries (`listing.seller`; its marketplace, or the
    /// listing's when empty). Returns the number of new links.
    pub fn add(&mut self, listing: &Listing) -> Result<usize, LinkError> {
        let Some(s) = listing.seller.as_ref().filter(|s| !s.id.is_empty()) else {
            return Err(LinkError::NoSeller {
                listing: listing.key(),
            });
        };
        let market = if s.marketplace.is_empty() {
            &listing.marketplace
        } else {
            &s.marketplace
        };
        let seller = SellerKey::new(market, &s.id);
        self.add_for(&seller, listing)
    }

    /// Adds a listing of a seller known from elsewhere (a verdict's `seller_id`).
    pub fn add_for(&mut self, seller: &SellerKey, listing: &Listing) -> Result<usize, LinkError> {
        let ex = keys::extract(listing);
        self.add_extracted(seller, &listing.id, &ex)
    }

    /// Adds a listing whose keys were extracted already ([`crate::extract`]), for callers that
    /// extract on many threads and link on one.
    pub fn add_extracted(
        &mut self,
        seller: &SellerKey,
        listing_id: &str,
        ex: &Extracted,
    ) -> Result<usize, LinkError> {
        let (s, new) = self.sellers.intern(seller)?;
        if new {
            self.sets.push(s);
        }
        let l = self.listing_ids.push(listing_id)?;
        self.listing_seller.push(s);
        let sig = match (
            &ex.signature,
            ex.keys.iter().find(|k| k.kind == LinkKind::NearText),
        ) {
            (Some(sig), Some(k)) => {
                let i = index(self.signatures.len(), "signatures")?;
                self.signatures.push(sig.compact());
                let field = self.field_index(&k.evidence.field);
                let quote = self.texts.push(&k.evidence.quote)?;
                self.near_sources.push(NearSource {
                    end: to_u32(k.evidence.end),
                    quote,
                    field,
                });
                i
            }
            _ => NONE,
        };
        self.listing_sig.push(sig);
        let mut made = 0;
        let mut near_seen: Vec<u32> = Vec::new();
        for k in &ex.keys {
            if k.kind == LinkKind::NearText {
                made += self.add_band(s, l, sig, k, &mut near_seen)?;
            } else {
                made += self.add_identifier(s, l, k)?;
            }
        }
        Ok(made)
    }

    fn field_index(&mut self, field: &str) -> u8 {
        if let Some(i) = self.fields.iter().position(|f| f == field) {
            return u8::try_from(i).unwrap_or(u8::MAX);
        }
        if self.fields.len() >= usize::from(u8::MAX) {
            return u8::MAX;
        }
        self.fields.push(field.to_string());
        u8::try_from(self.fields.len() - 1).unwrap_or(u8::MAX)
    }

    fn field_name(&self, i: u8) -> String {
        self.fields.get(usize::from(i)).cloned().unwrap_or_default()
    }

    /// Looks an identifier key up; joins with its first holder or becomes it.
    fn add_identifier(&mut self, s: u32, l: u32, k: &LinkKey) -> Result<usize, LinkError> {
        let h = key_hash(k.kind, &k.value);
        let found = match self.exact.get(&h).copied() {
            Some(i) if self.holder_is(i, k) => Some(i),
            Some(_) => self
                .exact_spill
                .get(&(k.kind.index(), k.value.clone()))
                .copied(),
            None => None,
        };
        let Some(i) = found else {
            let holder = Holder {
                listing: l,
                value: self.texts.push(&k.value)?,
                quote: self.texts.push(&k.evidence.quote)?,
                start: to_u32(k.evidence.start),
                end: to_u32(k.evidence.end),
                kind: k.kind.index(),
                field: self.field_index(&k.evidence.field),
            };
            let i = index(self.holders.len(), "keys")?;
            self.holders.push(holder);
            match self.exact.entry(h) {
                Entry::Vacant(v) => {
                    v.insert(i);
                }
                Entry::Occupied(_) => {
                    self.exact_spill
                        .insert((k.kind.index(), k.value.clone()), i);
                }
            }
            return Ok(0);
        };
        let Some(holder) = self.holders.get(i as usize).copied() else {
            return Ok(0);
        };
        let a = self.listing_seller.get(holder.listing as usize).copied();
        let Some(a) = a.filter(|a| *a != s) else {
            return Ok(0);
        };
        self.sets.union(a, s);
        let a_ev = Evidence {
            field: self.field_name(holder.field),
            start: holder.start as usize,
            end: holder.end as usize,
            quote: self.texts.get(holder.quote).to_string(),
        };
        Ok(self.record(
            k.kind,
            &k.value,
            h,
            (a, holder.listing, a_ev),
            (s, l, &k.evidence),
        ))
    }

    fn holder_is(&self, i: u32, k: &LinkKey) -> bool {
        self.holders
            .get(i as usize)
            .is_some_and(|h| h.kind == k.kind.index() && self.texts.get(h.value) == k.value)
    }

    /// Looks a near-text band up; verifies and joins with its holder, or becomes it.
    fn add_band(
        &mut self,
        s: u32,
        l: u32,
        sig: u32,
        k: &LinkKey,
        seen: &mut Vec<u32>,
    ) -> Result<usize, LinkError> {
        if sig == NONE {
            return Ok(0);
        }
        let h = key_hash(LinkKind::NearText, &k.value);
        let band = (h ^ (h >> 32)) as u32;
        let Some(other) = self.bands.get(&band).copied() else {
            self.bands.insert(band, l);
            return Ok(0);
        };
        if seen.contains(&other) {
            return Ok(0);
        }
        seen.push(other);
        let a = self.listing_seller.get(other as usize).copied();
        let Some(a) = a.filter(|a| *a != s) else {
            return Ok(0);
        };
        let other_sig = self
            .listing_sig
            .get(other as usize)
            .copied()
            .unwrap_or(NONE);
        let (Some(mine), Some(theirs), Some(src)) = (
            self.signatures.get(sig as usize),
            self.signatures.get(other_sig as usize),
            self.near_sources.get(other_sig as usize).copied(),
        ) else {
            return Ok(0);
        };
        self.near_checked += 1;
        if mine.similarity(theirs) < self.threshold {
            return Ok(0);
        }
        self.near_linked += 1;
        self.sets.union(a, s);
        let a_ev = Evidence {
            field: self.field_name(src.field),
            start: 0,
            end: src.end as usize,
            quote: self.texts.get(src.quote).to_string(),
        };
        // One near-text link per seller pair: every shared band says the same thing.
        Ok(self.record(
            LinkKind::NearText,
            &k.value,
            0,
            (a, other, a_ev),
            (s, l, &k.evidence),
        ))
    }

    /// Records a link unless this pair already has one for this key.
    fn record(
        &mut self,
        kind: LinkKind,
        value: &str,
        key: u64,
        a: (u32, u32, Evidence),
        b: (u32, u32, &Evidence),
    ) -> usize {
        let pair = (a.0.min(b.0), a.0.max(b.0), key ^ u64::from(kind.index()));
        if !self.recorded.insert(pair) {
            return 0;
        }
        let link = Link {
            kind,
            value: value.to_string(),
            a: Side {
                seller: self.sellers.key(a.0),
                listing: self.listing_ids.get(a.1).to_string(),
                evidence: a.2,
            },
            b: Side {
                seller: self.sellers.key(b.0),
                listing: self.listing_ids.get(b.1).to_string(),
                evidence: b.2.clone(),
            },
        };
        let i = to_u32(self.links.len());
        self.links.push(link);
        self.links_of.entry(a.0).or_default().push(i);
        1
    }

    fn cluster_of(&self, s: u32) -> Cluster {
        let members = self.sets.members(s);
        let mut sellers: Vec<SellerKey> = members.iter().map(|m| self.sellers.key(*m)).collect();
        sellers.sort();
        let mut idx: Vec<u32> = members
            .iter()
            .filter_map(|m| self.links_of.get(m))
            .flatten()
            .copied()
            .collect();
        idx.sort_unstable();
        let links = idx
            .iter()
            .filter_map(|i| self.links.get(*i as usize).cloned())
            .collect();
        Cluster { sellers, links }
    }

    /// The cluster of a seller: itself alone when it shares nothing, empty when never seen.
    pub fn cluster(&self, seller: &SellerKey) -> Cluster {
        match self.sellers.find(seller) {
            Some(s) => self.cluster_of(s),
            None => Cluster::default(),
        }
    }

    /// The number of sellers in a seller's cluster (1 alone, 0 never seen).
    pub fn cluster_size(&self, seller: &SellerKey) -> usize {
        self.sellers
            .find(seller)
            .map_or(0, |s| self.sets.set_size(s) as usize)
    }

    /// Every cluster of two sellers or more, in the order of their first-seen seller's root.
    pub fn clusters(&self) -> impl Iterator<Item = Cluster> + '_ {
        (0..to_u32(self.sets.len()))
            .filter(|i| self.sets.root(*i) == *i && self.sets.set_size(*i) >= 2)
            .map(|i| self.cluster_of(i))
    }

    /// The sizes of every cluster of two sellers or more (cheaper than [`Linker::clusters`]).
    pub fn cluster_sizes(&self) -> Vec<usize> {
        (0..to_u32(self.sets.len()))
            .filter(|i| self.sets.root(*i) == *i)
            .map(|i| self.sets.set_size(i) as usize)
            .filter(|n| *n >= 2)
            .collect()
    }

    /// Every link recorded, in the order found.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    pub fn stats(&self) -> Stats {
        Stats {
            sellers: self.sellers.len(),
            listings: self.listing_seller.len(),
            identifier_keys: self.holders.len(),
            bands: self.bands.len(),
            links: self.links.len(),
            near_checked: self.near_checked,
            near_linked: self.near_linked,
        }
    }
}
