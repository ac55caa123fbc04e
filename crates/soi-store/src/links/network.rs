//! A seller's network: the sellers reachable from it over stored links, found by walking the
//! links one ring at a time (one store call per ring), with a cap so that an identifier many
//! unrelated sellers share (a courier's hotline in every description) cannot make the walk read
//! the whole store.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::{LinkRow, LinkStore, SellerRef};
use crate::StoreError;

/// The sellers linked to one seller, directly or through others, and the links between them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Network {
    pub seller: SellerRef,
    /// Sorted, the seller itself included.
    pub sellers: Vec<SellerRef>,
    /// Oldest first, each once.
    pub links: Vec<LinkRow>,
    /// The walk stopped at the cap: there are more sellers than `sellers` holds.
    pub truncated: bool,
}

impl Network {
    /// The accounts per marketplace, by marketplace.
    pub fn per_marketplace(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for s in &self.sellers {
            match out.iter_mut().find(|(m, _)| *m == s.marketplace) {
                Some((_, n)) => *n += 1,
                None => out.push((s.marketplace.clone(), 1)),
            }
        }
        out.sort();
        out
    }
}

/// Walks the links from `seller` until no new seller is found or `max_sellers` are (then
/// `truncated` is set and the links are those among the sellers found).
pub async fn network(
    store: &dyn LinkStore,
    seller: &SellerRef,
    max_sellers: usize,
) -> Result<Network, StoreError> {
    let max = max_sellers.max(1);
    let mut found: BTreeSet<SellerRef> = BTreeSet::from([seller.clone()]);
    let mut frontier = vec![seller.clone()];
    let mut links: Vec<LinkRow> = Vec::new();
    let mut seen_links: HashSet<(String, String, SellerRef, SellerRef)> = HashSet::new();
    let mut truncated = false;
    while !frontier.is_empty() {
        let ring = store.links_touching(&frontier).await?;
        let mut next = Vec::new();
        for link in ring {
            for side in [&link.a.seller, &link.b.seller] {
                if found.contains(side) {
                    continue;
                }
                if found.len() >= max {
                    truncated = true;
                    continue;
                }
                found.insert(side.clone());
                next.push(side.clone());
            }
            let both = found.contains(&link.a.seller) && found.contains(&link.b.seller);
            let key = (
                link.kind.clone(),
                link.value.clone(),
                link.a.seller.clone(),
                link.b.seller.clone(),
            );
            if both && seen_links.insert(key) {
                links.push(link);
            }
        }
        frontier = next;
    }
    links.sort_by_key(|l| l.found_at);
    Ok(Network {
        seller: seller.clone(),
        sellers: found.into_iter().collect(),
        links,
        truncated,
    })
}

/// The size of every cluster of two sellers or more, per member, from every linked pair
/// ([`LinkStore::link_pairs`]); a seller absent from the map is linked to nobody.
pub fn cluster_sizes(pairs: &[(SellerRef, SellerRef)]) -> HashMap<SellerRef, usize> {
    let mut index: HashMap<&SellerRef, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for s in pairs.iter().flat_map(|(a, b)| [a, b]) {
        let n = index.len();
        if let std::collections::hash_map::Entry::Vacant(v) = index.entry(s) {
            v.insert(n);
            parent.push(n);
        }
    }
    for (a, b) in pairs {
        let (Some(x), Some(y)) = (index.get(a).copied(), index.get(b).copied()) else {
            continue;
        };
        let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
        if rx != ry {
            parent[rx] = ry;
        }
    }
    let mut size: HashMap<usize, usize> = HashMap::new();
    let roots: Vec<(&SellerRef, usize)> = index
        .iter()
        .map(|(s, i)| (*s, root(&mut parent, *i)))
        .collect();
    for (_, r) in &roots {
        *size.entry(*r).or_default() += 1;
    }
    roots
        .into_iter()
        .map(|(s, r)| (s.clone(), size.get(&r).copied().unwrap_or(1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_sizes_join_chains_and_keep_islands_apart() {
        let s = |m: &str, i: &str| SellerRef::new(m, i);
        let pairs = vec![
            (s("shopee", "a"), s("lazada", "b")),
            (s("lazada", "b"), s("tiki", "c")),
            (s("sendo", "x"), s("chotot", "y")),
            (s("tiki", "c"), s("shopee", "a")),
        ];
        let sizes = cluster_sizes(&pairs);
        assert_eq!(sizes.get(&s("shopee", "a")), Some(&3));
        assert_eq!(sizes.get(&s("tiki", "c")), Some(&3));
        assert_eq!(sizes.get(&s("chotot", "y")), Some(&2));
        assert_eq!(sizes.get(&s("shopee", "zz")), None);
        assert_eq!(sizes.len(), 5);
    }
}
