//! Which sellers a complaint names: its identifiers ([`soi_link::complaint::complaint_keys`]) are
//! looked up among the keys the link state holds ([`LinkStore::key_holders`]); a key held by a
//! seller names that seller, and every other seller the store linked by the very same identifier
//! (a phone shared by three accounts names all three).
//!
//! Why at import: the link state already knows every identifier the marketplaces showed, so one
//! lookup per import batch finds the sellers; a complaint whose identifiers no seller has shown
//! yet names nobody now, and is linked when the same export is imported again later.

use std::collections::{HashMap, HashSet};

use soi_link::complaint::complaint_keys;
use soi_model::Complaint;
use soi_store::complaints::ComplaintLink;
use soi_store::links::SellerRef;
use soi_store::{LinkStore, StoreError};

/// The links of these complaints to the sellers their identifiers name, each once.
pub async fn complaint_links(
    store: &dyn LinkStore,
    complaints: &[Complaint],
) -> Result<Vec<ComplaintLink>, StoreError> {
    let keyed: Vec<(&Complaint, Vec<soi_link::LinkKey>)> =
        complaints.iter().map(|c| (c, complaint_keys(c))).collect();
    let mut wanted: Vec<(String, String)> = keyed
        .iter()
        .flat_map(|(_, ks)| {
            ks.iter()
                .map(|k| (k.kind.as_str().to_string(), k.value.clone()))
        })
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(vec![]);
    }
    let held = store.key_holders(&wanted).await?;
    let mut sellers_of: HashMap<(String, String), Vec<SellerRef>> = HashMap::new();
    for h in &held {
        sellers_of
            .entry((h.kind.clone(), h.value.clone()))
            .or_default()
            .push(h.side.seller.clone());
    }
    // The other holders of a held key: the sellers linked to its holder by that same key.
    let holders: Vec<SellerRef> = {
        let mut v: Vec<SellerRef> = held.iter().map(|h| h.side.seller.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    for l in store.links_touching(&holders).await? {
        if let Some(list) = sellers_of.get_mut(&(l.kind.clone(), l.value.clone())) {
            for s in [l.a.seller, l.b.seller] {
                if !list.contains(&s) {
                    list.push(s);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut seen: HashSet<(String, SellerRef, String, String)> = HashSet::new();
    for (c, keys) in keyed {
        for k in keys {
            let kind = k.kind.as_str().to_string();
            let Some(sellers) = sellers_of.get(&(kind.clone(), k.value.clone())) else {
                continue;
            };
            for s in sellers {
                if !seen.insert((c.id.clone(), s.clone(), kind.clone(), k.value.clone())) {
                    continue;
                }
                out.push(ComplaintLink {
                    complaint_id: c.id.clone(),
                    seller: s.clone(),
                    kind: kind.clone(),
                    value: k.value.clone(),
                    field: k.evidence.field.clone(),
                    start: k.evidence.start,
                    end: k.evidence.end,
                    quote: k.evidence.quote.clone(),
                });
            }
        }
    }
    Ok(out)
}
