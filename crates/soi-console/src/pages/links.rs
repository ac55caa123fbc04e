//! The links between sellers as the pages show them: how many other accounts each queue row's
//! seller is directly linked to (one store call for the whole page), and a seller's network on
//! its page, with the evidence of every link quoted from both sides.

use soi_store::links::{network, LinkRow, LinkSide, SellerRef};

use super::{seg, when};
use crate::i18n::Tr;
use crate::{AppState, ConsoleError};

/// The most accounts a seller page's network walk reads.
pub const NETWORK_MAX: usize = 200;

/// Each seller of `links` with each other seller a link joins it to: for [`distinct_counts`], the
/// queue's count of other linked accounts per row (from one `links_touching` call for the page).
///
/// [`distinct_counts`]: super::distinct_counts
pub fn linked_pairs(links: Vec<LinkRow>) -> impl Iterator<Item = (SellerRef, SellerRef)> {
    links
        .into_iter()
        .filter(|l| l.a.seller != l.b.seller)
        .flat_map(|l| {
            [
                (l.a.seller.clone(), l.b.seller.clone()),
                (l.b.seller, l.a.seller),
            ]
        })
}

/// An account as a link to its seller page.
pub struct AccountView {
    pub href: String,
    pub marketplace: String,
    pub seller_id: String,
}

impl AccountView {
    fn of(s: &SellerRef) -> AccountView {
        AccountView {
            href: format!("/sellers/{}/{}", seg(&s.marketplace), seg(&s.seller_id)),
            marketplace: s.marketplace.clone(),
            seller_id: s.seller_id.clone(),
        }
    }
}

/// One side of a link: the account, its listing, the field and the quoted text.
pub struct SideView {
    pub account: AccountView,
    /// The side is the seller whose page this is.
    pub this: bool,
    pub listing_href: String,
    pub listing_id: String,
    pub field: String,
    pub quote: String,
}

impl SideView {
    fn of(s: &LinkSide, here: &SellerRef) -> SideView {
        SideView {
            account: AccountView::of(&s.seller),
            this: s.seller == *here,
            listing_href: format!(
                "/listings/{}/{}",
                seg(&s.seller.marketplace),
                seg(&s.listing_id)
            ),
            listing_id: s.listing_id.clone(),
            field: s.field.clone(),
            quote: s.quote.clone(),
        }
    }
}

pub struct LinkView {
    /// The kind in the page's language (the stored name when the table has none).
    pub kind: String,
    pub code: String,
    /// Empty for near-identical text, whose value is a hash that means nothing to a reader.
    pub value: String,
    pub found_at: String,
    /// The side that held the value first, then the later one.
    pub sides: [SideView; 2],
}

/// A seller's network as its page shows it.
pub struct NetworkView {
    pub per_marketplace: Vec<(String, usize)>,
    /// The other accounts, sorted.
    pub accounts: Vec<AccountView>,
    pub links: Vec<LinkView>,
    pub truncated: bool,
    pub max: usize,
}

impl NetworkView {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }
}

/// The network of `here`, walked over at most [`NETWORK_MAX`] accounts.
pub async fn network_view(
    state: &AppState,
    tr: &Tr,
    here: &SellerRef,
) -> Result<NetworkView, ConsoleError> {
    let net = network(state.links.as_ref(), here, NETWORK_MAX).await?;
    let links = net
        .links
        .iter()
        .map(|l| LinkView {
            kind: tr.kind(&l.kind),
            code: l.kind.clone(),
            value: if l.kind == "near_text" {
                String::new()
            } else {
                l.value.clone()
            },
            found_at: when(&l.found_at),
            sides: [SideView::of(&l.a, here), SideView::of(&l.b, here)],
        })
        .collect();
    Ok(NetworkView {
        per_marketplace: net.per_marketplace(),
        accounts: net
            .sellers
            .iter()
            .filter(|s| *s != here)
            .map(AccountView::of)
            .collect(),
        links,
        truncated: net.truncated,
        max: NETWORK_MAX,
    })
}
