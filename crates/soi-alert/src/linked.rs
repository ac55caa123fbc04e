//! The accounts linked to an alert's seller, named in the alert: "2 linked accounts on lazada
//! and tiki share this seller's phone number". An officer acting on one shop needs to know it is
//! one of several; the dispatcher reads the seller's network from the link state when it sends.

use std::collections::BTreeSet;

use serde::Serialize;
use soi_store::links::{kind_words, network, Network, SellerRef};
use soi_store::{LinkStore, StoreError};

/// Most accounts of a network named in one alert.
pub const MAX_LINKED: usize = 50;

/// Another account of the seller's network, with what links it (the first link found that
/// touches it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedAccount {
    pub marketplace: String,
    pub seller_id: String,
    /// `phone`, `zalo`, `bank_account`, ... (`near_text`: copied listing text).
    pub kind: String,
    /// The shared identifier; empty for copied text.
    pub value: String,
}

/// The other accounts of `seller`'s network, at most [`MAX_LINKED`].
pub async fn linked_accounts(
    links: &dyn LinkStore,
    seller: &SellerRef,
) -> Result<Vec<LinkedAccount>, StoreError> {
    let net = network(links, seller, MAX_LINKED + 1).await?;
    Ok(accounts(&net))
}

fn accounts(net: &Network) -> Vec<LinkedAccount> {
    net.sellers
        .iter()
        .filter(|s| **s != net.seller)
        .take(MAX_LINKED)
        .map(|s| {
            let link = net
                .links
                .iter()
                .find(|l| l.a.seller == *s || l.b.seller == *s);
            let (kind, value) = match link {
                Some(l) if l.kind == "near_text" => (l.kind.clone(), String::new()),
                Some(l) => (l.kind.clone(), l.value.clone()),
                None => (String::new(), String::new()),
            };
            LinkedAccount {
                marketplace: s.marketplace.clone(),
                seller_id: s.seller_id.clone(),
                kind,
                value,
            }
        })
        .collect()
}

/// The sentence in English and Vietnamese, or `None` when no account is linked.
pub fn sentence(linked: &[LinkedAccount]) -> Option<(String, String)> {
    if linked.is_empty() {
        return None;
    }
    let markets: BTreeSet<&str> = linked.iter().map(|l| l.marketplace.as_str()).collect();
    let kinds: BTreeSet<&str> = linked.iter().map(|l| l.kind.as_str()).collect();
    let markets: Vec<&str> = markets.into_iter().collect();
    let (en, vi): (Vec<&str>, Vec<&str>) = kinds.into_iter().map(kind_words).unzip();
    let n = linked.len();
    let accounts = if n == 1 { "account" } else { "accounts" };
    let verb = if n == 1 { "shares" } else { "share" };
    Some((
        format!(
            "{n} linked {accounts} on {} {verb} this seller's {}",
            join(&markets, "and"),
            join(&en, "or")
        ),
        format!(
            "{n} tài khoản liên kết trên {} dùng chung {} với người bán này",
            join(&markets, "và"),
            join(&vi, "hoặc")
        ),
    ))
}

fn join(items: &[&str], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(m: &str, id: &str, kind: &str) -> LinkedAccount {
        LinkedAccount {
            marketplace: m.into(),
            seller_id: id.into(),
            kind: kind.into(),
            value: "0988777666".into(),
        }
    }

    #[test]
    fn the_sentence_names_marketplaces_and_what_is_shared() {
        assert_eq!(sentence(&[]), None);
        let two = [acct("lazada", "l1", "zalo"), acct("tiki", "t1", "zalo")];
        let (en, vi) = sentence(&two).unwrap_or_default();
        assert_eq!(
            en,
            "2 linked accounts on lazada and tiki share this seller's Zalo account"
        );
        assert_eq!(
            vi,
            "2 tài khoản liên kết trên lazada và tiki dùng chung tài khoản Zalo với người bán này"
        );
        let one = [acct("sendo", "x", "bank_account")];
        let (en, _) = sentence(&one).unwrap_or_default();
        assert_eq!(
            en,
            "1 linked account on sendo shares this seller's bank account"
        );
    }
}
