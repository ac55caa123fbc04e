//! Compact storage for a million sellers and millions of listings: strings packed into one
//! buffer ([`Arena`]), sellers numbered by a hash index ([`Sellers`]), and a hasher that passes
//! already-mixed 64-bit keys through ([`PassThrough`]) so the key maps store 8 bytes per key, not
//! the key's text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::LinkError;
use crate::minhash::hash_bytes;
use crate::types::SellerKey;

/// A hasher for keys that are already well-mixed hashes: it uses them as they are (a `u32` is
/// spread over 64 bits first, so the table's control bits are not all zero).
#[derive(Default, Clone, Copy)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not used by the integer keys of this crate; a correct fallback all the same.
        self.0 = hash_bytes(self.0, bytes);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = u64::from(v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PassThrough>>;

/// Checks that an index still fits the 32-bit indexes.
pub(crate) fn index(len: usize, what: &'static str) -> Result<u32, LinkError> {
    u32::try_from(len)
        .ok()
        .filter(|i| *i < u32::MAX)
        .ok_or(LinkError::Capacity {
            what,
            limit: u32::MAX - 1,
        })
}

/// Strings appended to one buffer, numbered in order.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    buf: String,
    ends: Vec<usize>,
}

impl Arena {
    pub(crate) fn push(&mut self, s: &str) -> Result<u32, LinkError> {
        let i = index(self.ends.len(), "strings")?;
        self.buf.push_str(s);
        self.ends.push(self.buf.len());
        Ok(i)
    }

    pub(crate) fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let end = self.ends.get(i).copied().unwrap_or(0);
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        self.buf.get(start..end).unwrap_or("")
    }

    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) {
        self.ends.reserve(strings);
        self.buf.reserve(bytes);
    }
}

/// Sellers numbered `0..`: marketplace names kept once, ids in an [`Arena`], found by the hash of
/// `(marketplace, id)` (a hash shared by two different sellers, which 64 bits make vanishingly
/// rare, falls back to a map by name).
#[derive(Debug, Default)]
pub(crate) struct Sellers {
    markets: Vec<String>,
    market: Vec<u32>,
    ids: Arena,
    by_hash: FastMap<u64, u32>,
    spill: HashMap<(u32, String), u32>,
}

impl Sellers {
    pub(crate) fn reserve(&mut self, n: usize) {
        self.market.reserve(n);
        self.ids.reserve(n, n * 12);
        self.by_hash.reserve(n);
    }

    pub(crate) fn len(&self) -> usize {
        self.market.len()
    }

    fn market_index(&mut self, m: &str) -> Result<u32, LinkError> {
        if let Some(i) = self.markets.iter().position(|x| x == m) {
            return index(i, "marketplaces");
        }
        let i = index(self.markets.len(), "marketplaces")?;
        self.markets.push(m.to_string());
        Ok(i)
    }

    fn hash(market: u32, id: &str) -> u64 {
        hash_bytes(
            u64::from(market).wrapping_mul(0xff51_afd7_ed55_8ccd),
            id.as_bytes(),
        )
    }

    fn is(&self, s: u32, market: u32, id: &str) -> bool {
        self.market.get(s as usize) == Some(&market) && self.ids.get(s) == id
    }

    /// The number of a seller, if known.
    pub(crate) fn find(&self, key: &SellerKey) -> Option<u32> {
        let m = index(self.markets.iter().position(|x| *x == key.marketplace)?, "").ok()?;
        let s = *self.by_hash.get(&Self::hash(m, &key.id))?;
        if self.is(s, m, &key.id) {
            return Some(s);
        }
        self.spill.get(&(m, key.id.clone())).copied()
    }

    /// The number of a seller, given one on first sight. The flag says whether it is new.
    pub(crate) fn intern(&mut self, key: &SellerKey) -> Result<(u32, bool), LinkError> {
        let m = self.market_index(&key.marketplace)?;
        let h = Self::hash(m, &key.id);
        match self.by_hash.get(&h).copied() {
            Some(s) if self.is(s, m, &key.id) => return Ok((s, false)),
            Some(_) => {
                if let Some(s) = self.spill.get(&(m, key.id.clone())) {
                    return Ok((*s, false));
                }
                let s = self.push(m, &key.id)?;
                self.spill.insert((m, key.id.clone()), s);
                return Ok((s, true));
            }
            None => {}
        }
        let s = self.push(m, &key.id)?;
        self.by_hash.insert(h, s);
        Ok((s, true))
    }

    fn push(&mut self, m: u32, id: &str) -> Result<u32, LinkError> {
        let s = index(self.market.len(), "sellers")?;
        self.ids.push(id)?;
        self.market.push(m);
        Ok(s)
    }

    pub(crate) fn key(&self, s: u32) -> SellerKey {
        let m = self.market.get(s as usize).copied().unwrap_or(0);
        SellerKey {
            marketplace: self.markets.get(m as usize).cloned().unwrap_or_default(),
            id: self.ids.get(s).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arena_round_trips() {
        let mut a = Arena::default();
        let i = a.push("giày").unwrap();
        let j = a.push("").unwrap();
        let k = a.push("hà nội").unwrap();
        assert_eq!((a.get(i), a.get(j), a.get(k)), ("giày", "", "hà nội"));
        assert_eq!(a.get(99), "");
    }

    #[test]
    fn sellers_are_numbered_once_per_marketplace() {
        let mut s = Sellers::default();
        let a = SellerKey::new("shopee", "s1");
        let b = SellerKey::new("lazada", "s1");
        assert_eq!(s.intern(&a).unwrap(), (0, true));
        assert_eq!(s.intern(&b).unwrap(), (1, true));
        assert_eq!(s.intern(&a).unwrap(), (0, false));
        assert_eq!(s.find(&b), Some(1));
        assert_eq!(s.find(&SellerKey::new("tiki", "s1")), None);
        assert_eq!(s.key(1), b);
        assert_eq!(s.len(), 2);
    }
}
