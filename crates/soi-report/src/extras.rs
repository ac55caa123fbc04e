//! What a dossier adds from outside the report's rows: the seller's linked accounts (its network
//! in the link state, with the quoted evidence of both sides of every link) and the hotline
//! complaints naming it.
//!
//! Why a struct of optional stores and not more rows: the report's rows come from any
//! [`ReportSource`](soi_store::ReportSource), and a source need not keep links or complaints.
//! [`DossierExtras::none`] looks nothing up (the dossier then says nothing about either, rather
//! than "none found"); [`DossierExtras::stores`] asks a [`LinkStore`] and a [`ComplaintStore`].
//! The network walk is capped ([`MAX_LINKED_ACCOUNTS`]) so that an identifier shared by many
//! unrelated sellers cannot make one dossier read the whole store; a capped dossier says so.
//!
//! Everything is sorted here, so the same store gives the same bytes.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::Serialize;
use soi_store::complaints::{ComplaintLink, SellerComplaint};
use soi_store::links::{network, LinkSide, Network, SellerRef};
use soi_store::{ComplaintStore, LinkStore};

use crate::model::{CountryReport, Dossier};
use crate::ReportError;

/// Most linked accounts a dossier lists (the seller itself not counted).
pub const MAX_LINKED_ACCOUNTS: usize = 50;

/// The link kind whose value is a band hash, not something an officer can read or search for.
const NEAR_TEXT: &str = "near_text";

/// Another account of a seller's network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedAccount {
    pub seller: SellerRef,
    /// 1: linked to the dossier's seller itself; 2: through one other account; ...
    pub hops: usize,
    /// Every link of the network with this account on one side, oldest first.
    pub links: Vec<LinkEvidence>,
}

/// One stored link, seen from one of its accounts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkEvidence {
    /// `phone`, `zalo`, ... `near_text` (`soi_link::LinkKind::as_str`).
    pub kind: String,
    /// What both sides share; absent for `near_text` (a band hash, not readable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The account's side: its listing, the field and offsets, and the quoted text.
    pub this: LinkSide,
    /// The other side: the dossier's seller or another linked account.
    pub other: LinkSide,
    pub found_at: DateTime<Utc>,
}

/// A hotline complaint naming the seller: the part of it that names the seller (the store's
/// [`ComplaintLink`], its fields inline in the JSON) and the complaint's facts. The consumer's
/// full text is not copied into the report, only the quoted part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DossierComplaint {
    #[serde(flatten)]
    pub link: ComplaintLink,
    pub received_at: DateTime<Utc>,
    /// `phone`, `web`, `zalo`, ...
    pub channel: String,
    /// What the consumer lost, in đồng.
    pub amount: Option<f64>,
}

/// Where dossiers get their linked accounts and complaints from (see the module doc).
#[derive(Clone, Copy)]
pub struct DossierExtras<'a> {
    pub links: Option<&'a dyn LinkStore>,
    pub complaints: Option<&'a dyn ComplaintStore>,
    /// Most linked accounts per dossier.
    pub max_accounts: usize,
}

impl DossierExtras<'static> {
    /// Looks nothing up.
    pub fn none() -> Self {
        DossierExtras {
            links: None,
            complaints: None,
            max_accounts: MAX_LINKED_ACCOUNTS,
        }
    }
}

impl<'a> DossierExtras<'a> {
    /// Links and complaints from these stores, at most [`MAX_LINKED_ACCOUNTS`] accounts.
    pub fn stores(links: &'a dyn LinkStore, complaints: &'a dyn ComplaintStore) -> Self {
        DossierExtras {
            links: Some(links),
            complaints: Some(complaints),
            max_accounts: MAX_LINKED_ACCOUNTS,
        }
    }

    /// Fills the linked accounts and complaints of every dossier.
    pub async fn fill(&self, countries: &mut [CountryReport]) -> Result<(), ReportError> {
        if let Some(store) = self.links {
            let mut accounts = 0usize;
            for d in countries.iter_mut().flat_map(|c| c.dossiers.iter_mut()) {
                let me = seller_ref(d);
                let net = network(store, &me, self.max_accounts.saturating_add(1)).await?;
                d.linked = linked_accounts(&net);
                d.linked_capped = net.truncated;
                d.links_checked = true;
                accounts += d.linked.len();
                if net.truncated {
                    tracing::warn!(seller = %me, max = self.max_accounts, "network capped");
                }
            }
            tracing::info!(accounts, "linked accounts read");
        }
        if let Some(store) = self.complaints {
            let sellers: BTreeSet<SellerRef> = countries
                .iter()
                .flat_map(|c| c.dossiers.iter())
                .map(seller_ref)
                .collect();
            let sellers: Vec<SellerRef> = sellers.into_iter().collect();
            let mut by_seller: BTreeMap<SellerRef, Vec<DossierComplaint>> = BTreeMap::new();
            for SellerComplaint { link, complaint: c } in store.complaints_of(&sellers).await? {
                by_seller
                    .entry(link.seller.clone())
                    .or_default()
                    .push(DossierComplaint {
                        link,
                        received_at: c.received_at,
                        channel: c.channel,
                        amount: c.amount,
                    });
            }
            for d in countries.iter_mut().flat_map(|c| c.dossiers.iter_mut()) {
                let mut list = by_seller.remove(&seller_ref(d)).unwrap_or_default();
                sort_complaints(&mut list);
                d.complaints = list;
                d.complaints_checked = true;
            }
        }
        Ok(())
    }
}

fn seller_ref(d: &Dossier) -> SellerRef {
    SellerRef::new(&d.seller.marketplace, &d.seller.id)
}

/// Newest first; ties by id, then by what names the seller.
fn sort_complaints(list: &mut Vec<DossierComplaint>) {
    list.sort_by(|a, b| complaint_order(a).cmp(&complaint_order(b)));
    list.dedup();
}

/// What [`sort_complaints`] orders by (the seller is the same for all of a dossier's complaints).
fn complaint_order(
    c: &DossierComplaint,
) -> (
    Reverse<DateTime<Utc>>,
    &str,
    &str,
    &str,
    &str,
    usize,
    usize,
    &str,
) {
    let l = &c.link;
    (
        Reverse(c.received_at),
        &l.complaint_id,
        &l.kind,
        &l.value,
        &l.field,
        l.start,
        l.end,
        &l.quote,
    )
}

/// Oldest first; ties by kind, value, then the two sides.
fn evidence_order(e: &LinkEvidence) -> (DateTime<Utc>, &str, Option<&str>, &LinkSide, &LinkSide) {
    (e.found_at, &e.kind, e.value.as_deref(), &e.this, &e.other)
}

/// The other accounts of `net`, sorted, each with its distance from the seller and its links.
pub fn linked_accounts(net: &Network) -> Vec<LinkedAccount> {
    let mut next: BTreeMap<&SellerRef, BTreeSet<&SellerRef>> = BTreeMap::new();
    for l in &net.links {
        next.entry(&l.a.seller).or_default().insert(&l.b.seller);
        next.entry(&l.b.seller).or_default().insert(&l.a.seller);
    }
    let mut hops: BTreeMap<&SellerRef, usize> = BTreeMap::from([(&net.seller, 0)]);
    let mut queue = VecDeque::from([&net.seller]);
    while let Some(s) = queue.pop_front() {
        let h = hops[s] + 1;
        for n in next.get(s).into_iter().flatten() {
            if !hops.contains_key(n) {
                hops.insert(n, h);
                queue.push_back(n);
            }
        }
    }
    let mut out: Vec<LinkedAccount> = net
        .sellers
        .iter()
        .filter(|s| **s != net.seller)
        .map(|s| {
            let mut links: Vec<LinkEvidence> = net
                .links
                .iter()
                .filter_map(|l| {
                    let (this, other) = if l.a.seller == *s {
                        (&l.a, &l.b)
                    } else if l.b.seller == *s {
                        (&l.b, &l.a)
                    } else {
                        return None;
                    };
                    Some(LinkEvidence {
                        kind: l.kind.clone(),
                        value: (l.kind != NEAR_TEXT).then(|| l.value.clone()),
                        this: this.clone(),
                        other: other.clone(),
                        found_at: l.found_at,
                    })
                })
                .collect();
            links.sort_by(|a, b| evidence_order(a).cmp(&evidence_order(b)));
            LinkedAccount {
                seller: s.clone(),
                hops: hops.get(s).copied().unwrap_or(0),
                links,
            }
        })
        .collect();
    out.sort_by(|a, b| a.seller.cmp(&b.seller));
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use soi_store::links::LinkRow;

    use super::*;

    fn side(m: &str, id: &str, quote: &str) -> LinkSide {
        LinkSide {
            seller: SellerRef::new(m, id),
            listing_id: format!("{id}-1"),
            field: "description".into(),
            start: 0,
            end: quote.chars().count(),
            quote: quote.into(),
        }
    }

    fn link(kind: &str, a: LinkSide, b: LinkSide, secs: i64) -> LinkRow {
        LinkRow {
            kind: kind.into(),
            value: "v".into(),
            a,
            b,
            found_at: Utc.timestamp_opt(1_780_000_000 + secs, 0).unwrap(),
        }
    }

    #[test]
    fn accounts_get_hops_links_from_their_side_and_no_near_text_value() {
        let me = SellerRef::new("shopee", "x");
        let net = Network {
            seller: me.clone(),
            sellers: vec![
                SellerRef::new("lazada", "y"),
                me.clone(),
                SellerRef::new("tiki", "z"),
            ],
            links: vec![
                link(
                    "zalo",
                    side("shopee", "x", "qx"),
                    side("lazada", "y", "qy"),
                    1,
                ),
                link(
                    "near_text",
                    side("tiki", "z", "qz"),
                    side("lazada", "y", "qy2"),
                    2,
                ),
            ],
            truncated: false,
        };
        let acc = linked_accounts(&net);
        assert_eq!(acc.len(), 2);
        assert_eq!((acc[0].seller.seller_id.as_str(), acc[0].hops), ("y", 1));
        assert_eq!((acc[1].seller.seller_id.as_str(), acc[1].hops), ("z", 2));
        assert_eq!(acc[0].links.len(), 2);
        assert_eq!(acc[0].links[0].this.quote, "qy");
        assert_eq!(acc[0].links[0].other.quote, "qx");
        assert_eq!(acc[0].links[0].value.as_deref(), Some("v"));
        assert_eq!(acc[1].links[0].this.quote, "qz");
        assert_eq!(acc[1].links[0].value, None);
    }
}
