//! Linking as listings are stored: each stored batch's listings are looked up, by their strong
//! identifiers and near-text bands ([`soi_link::extract`]), among the keys the store already holds
//! ([`LinkStore`]), and what that finds is written back in one call.
//!
//! Why in the sink: a link must be found whenever a listing lands, on one machine or many, and
//! survive restarts; the store holds the union-find's blocking keys (first holder per key), so
//! this step keeps no state between batches and a batch delivered twice finds nothing new. A
//! near-text band is a candidate only: the holder's stored signature is compared with the new
//! listing's and only a near duplicate ([`soi_link::minhash::NEAR_THRESHOLD`]) links.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use soi_link::minhash::{Compact, HASHES, NEAR_THRESHOLD};
use soi_link::{Extracted, LinkKind};
use soi_model::Scored;
use soi_store::links::{KeyHolder, LinkBatch, LinkRow, LinkSide, ListingSignature, SellerRef};
use soi_store::{LinkStore, StoreError};

/// One stored listing, ready to link.
#[derive(Debug, Clone)]
pub struct ToLink {
    pub seller: SellerRef,
    pub listing_id: String,
    pub extracted: Extracted,
}

impl ToLink {
    /// The listing of a scored message with the seller it names (the embedded seller, else the
    /// verdict's), or `None` without a seller: there is nobody to link.
    pub fn of(s: &Scored) -> Option<ToLink> {
        let l = &s.listing;
        let (market, id) = match l.seller.as_ref().filter(|x| !x.id.is_empty()) {
            Some(x) if !x.marketplace.is_empty() => (x.marketplace.as_str(), x.id.as_str()),
            Some(x) => (l.marketplace.as_str(), x.id.as_str()),
            None => (
                l.marketplace.as_str(),
                s.verdict.seller_id.as_deref().filter(|x| !x.is_empty())?,
            ),
        };
        let extracted = soi_link::extract(l);
        if extracted.keys.is_empty() {
            return None;
        }
        Some(ToLink {
            seller: SellerRef::new(market, id),
            listing_id: l.id.clone(),
            extracted,
        })
    }
}

/// Links one stored batch. Returns the number of links new to the store.
pub async fn link_stored(store: &dyn LinkStore, items: &[ToLink]) -> Result<usize, StoreError> {
    if items.is_empty() {
        return Ok(0);
    }
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<(LinkKind, &str)> = HashSet::new();
    // Per near-text band, the sellers of the batch's listings that carry it.
    let mut carriers: HashMap<&str, Vec<&SellerRef>> = HashMap::new();
    for it in items {
        for k in &it.extracted.keys {
            if k.kind == LinkKind::NearText {
                carriers
                    .entry(k.value.as_str())
                    .or_default()
                    .push(&it.seller);
            }
            if seen.insert((k.kind, k.value.as_str())) {
                keys.push((k.kind.as_str().to_string(), k.value.clone()));
            }
        }
    }
    let held = store.key_holders(&keys).await?;
    // Signatures are needed only for bands a listing of another seller than the holder carries.
    let mut wanted: Vec<(String, String)> = held
        .iter()
        .filter(|h| h.kind == LinkKind::NearText.as_str())
        .filter(|h| {
            carriers
                .get(h.value.as_str())
                .is_some_and(|ss| ss.iter().any(|s| **s != h.side.seller))
        })
        .map(|h| (h.side.seller.marketplace.clone(), h.side.listing_id.clone()))
        .collect();
    wanted.sort();
    wanted.dedup();
    let sigs = if wanted.is_empty() {
        vec![]
    } else {
        store.signatures(&wanted).await?
    };
    let batch = plan(items, held, sigs, Utc::now());
    if batch.is_empty() {
        return Ok(0);
    }
    store.put_link_batch(&batch).await
}

/// What a batch adds, given the holders and signatures the store had: new holders (the batch's
/// first listing with a key nobody held), the signatures of new band holders, and the links.
pub fn plan(
    items: &[ToLink],
    held: Vec<KeyHolder>,
    sigs: Vec<ListingSignature>,
    now: DateTime<Utc>,
) -> LinkBatch {
    let mut holders: HashMap<(String, String), LinkSide> = held
        .into_iter()
        .map(|h| ((h.kind, h.value), h.side))
        .collect();
    let mut signatures: HashMap<(String, String), (Compact, ListingSignature)> = sigs
        .into_iter()
        .filter_map(|s| {
            let c = compact(&s.signature)?;
            Some(((s.marketplace.clone(), s.listing_id.clone()), (c, s)))
        })
        .collect();
    let mut out = LinkBatch::default();
    let mut linked: HashSet<(String, String, SellerRef, SellerRef)> = HashSet::new();
    for it in items {
        let mine = it.extracted.signature.as_ref().map(|s| s.compact());
        let mut band_source: Option<LinkSide> = None;
        for k in &it.extracted.keys {
            let kind = k.kind.as_str().to_string();
            let b = LinkSide {
                seller: it.seller.clone(),
                listing_id: it.listing_id.clone(),
                field: k.evidence.field.clone(),
                start: k.evidence.start,
                end: k.evidence.end,
                quote: k.evidence.quote.clone(),
            };
            let key = (kind.clone(), k.value.clone());
            let near_text = k.kind == LinkKind::NearText;
            let Some(a) = holders.get(&key) else {
                // A band holder keeps no quote: the listing's signature row has it, once.
                let side = if near_text {
                    band_source.get_or_insert_with(|| b.clone());
                    LinkSide {
                        field: String::new(),
                        start: 0,
                        end: 0,
                        quote: String::new(),
                        ..b.clone()
                    }
                } else {
                    b.clone()
                };
                out.holders.push(KeyHolder {
                    kind,
                    value: k.value.clone(),
                    side: side.clone(),
                    seen_at: now,
                });
                holders.insert(key, side);
                continue;
            };
            if a.seller == it.seller {
                continue;
            }
            let mut a = a.clone();
            // One near-text link per seller pair: every shared band says the same thing.
            let dedupe = if near_text {
                let a_sig = signatures.get(&(a.seller.marketplace.clone(), a.listing_id.clone()));
                let Some((theirs, source)) = a_sig else {
                    continue;
                };
                if !mine.is_some_and(|m| m.similarity(theirs) >= NEAR_THRESHOLD) {
                    continue;
                }
                a.field = source.field.clone();
                a.start = source.start;
                a.end = source.end;
                a.quote = source.quote.clone();
                (kind.clone(), String::new())
            } else {
                key.clone()
            };
            if !linked.insert((dedupe.0, dedupe.1, a.seller.clone(), it.seller.clone())) {
                continue;
            }
            out.links.push(LinkRow {
                kind,
                value: k.value.clone(),
                a,
                b,
                found_at: now,
            });
        }
        if let (Some(src), Some(sig)) = (band_source, mine) {
            let row = ListingSignature {
                marketplace: it.seller.marketplace.clone(),
                listing_id: it.listing_id.clone(),
                signature: sig.0.to_vec(),
                field: src.field,
                start: src.start,
                end: src.end,
                quote: src.quote,
            };
            signatures.insert(
                (row.marketplace.clone(), row.listing_id.clone()),
                (sig, row.clone()),
            );
            out.signatures.push(row);
        }
    }
    out
}

fn compact(values: &[u16]) -> Option<Compact> {
    let arr: [u16; HASHES] = values.try_into().ok()?;
    Some(Compact(arr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use soi_model::{Listing, Seller, Verdict};

    fn scored(market: &str, seller: &str, id: &str, description: &str) -> Scored {
        let listing = Listing {
            id: id.into(),
            marketplace: market.into(),
            title: format!("Sản phẩm {id}"),
            description: Some(description.into()),
            seller: Some(Seller::new(market, seller)),
            ..Default::default()
        };
        Scored {
            listing,
            verdict: Verdict::default(),
        }
    }

    const COPY: &str = "Giày thể thao nam nữ phong cách Hàn Quốc, đế cao su chống trơn trượt, \
        đi êm chân, phù hợp đi học đi làm và tập thể dục mỗi ngày, bảo hành một năm";

    /// Feeds batches through `plan` with an in-memory "store" of holders, signatures and links
    /// (a link stored once per kind, value and sellers, as the stores do).
    fn run(batches: &[Vec<Scored>]) -> Vec<LinkRow> {
        let mut held: Vec<KeyHolder> = vec![];
        let mut sigs: Vec<ListingSignature> = vec![];
        let mut links = vec![];
        for b in batches {
            let items: Vec<ToLink> = b.iter().filter_map(ToLink::of).collect();
            let out = plan(&items, held.clone(), sigs.clone(), Utc::now());
            held.extend(out.holders);
            sigs.extend(out.signatures);
            for l in out.links {
                let same = |x: &LinkRow| {
                    (&x.kind, &x.value, &x.a.seller, &x.b.seller)
                        == (&l.kind, &l.value, &l.a.seller, &l.b.seller)
                };
                if !links.iter().any(same) {
                    links.push(l);
                }
            }
        }
        links
    }

    #[test]
    fn a_shared_phone_links_across_batches_and_marketplaces() {
        let links = run(&[
            vec![scored(
                "shopee",
                "a",
                "1",
                "Liên hệ 0901 234 567 để đặt hàng",
            )],
            vec![
                scored("tiki", "t", "9", "Hàng chính hãng, giao nhanh toàn quốc"),
                scored("lazada", "b", "2", "Gọi 0901.234.567 nhận ưu đãi"),
            ],
        ]);
        assert_eq!(links.len(), 1, "{links:?}");
        let l = &links[0];
        assert_eq!(l.kind, "phone");
        assert_eq!(l.value, "0901234567");
        assert_eq!(l.a.seller, SellerRef::new("shopee", "a"));
        assert_eq!(l.b.seller, SellerRef::new("lazada", "b"));
        assert_eq!(l.a.quote, "0901 234 567");
        assert_eq!(l.b.quote, "0901.234.567");
    }

    #[test]
    fn copied_text_links_once_and_a_seller_never_links_to_itself() {
        let edited = COPY.replace("một năm", "hai năm");
        let links = run(&[
            vec![
                scored("shopee", "a", "1", COPY),
                scored("shopee", "a", "2", COPY),
            ],
            vec![scored("lazada", "b", "3", &edited)],
            vec![scored("lazada", "b", "3", &edited)],
        ]);
        let near: Vec<_> = links.iter().filter(|l| l.kind == "near_text").collect();
        assert_eq!(near.len(), 1, "{links:?}");
        assert_eq!(near[0].a.seller, SellerRef::new("shopee", "a"));
        assert!(
            COPY.starts_with(near[0].a.quote.as_str()) && !near[0].a.quote.is_empty(),
            "the holder's quote comes from its signature row: {:?}",
            near[0].a
        );
        assert_eq!(near[0].a.field, "description");
    }

    #[test]
    fn unrelated_text_and_a_bare_platform_word_never_link() {
        let links = run(&[
            vec![scored("shopee", "a", "1", COPY)],
            vec![scored(
                "lazada",
                "b",
                "2",
                "Nồi chiên không dầu dung tích lớn, nhắn Zalo để được tư vấn thêm về sản phẩm",
            )],
        ]);
        assert!(links.is_empty(), "{links:?}");
    }

    #[test]
    fn a_listing_without_a_seller_is_not_linked() {
        let mut s = scored("shopee", "a", "1", "Liên hệ 0901 234 567");
        s.listing.seller = None;
        assert!(ToLink::of(&s).is_none());
        s.verdict.seller_id = Some("a".into());
        assert_eq!(
            ToLink::of(&s).map(|t| t.seller),
            Some(SellerRef::new("shopee", "a"))
        );
    }
}
