//! Which domains are identifiers. A seller's own shop site or a look-alike phishing domain
//! ("shopee-vn.xyz") ties the sellers who print it together; the marketplaces themselves, social
//! networks, link shorteners, mail providers and government sites are quoted by everybody and tie
//! nobody together.

/// First labels of registrable domains that never link: `shopee` excludes `shopee.vn`,
/// `shopee.com.my` and `shopee.co.id` alike (but not `shopee-vn.xyz`, which is a seller's).
pub const SHARED_DOMAIN_LABELS: &[&str] = &[
    // Marketplaces.
    "shopee",
    "lazada",
    "tiki",
    "sendo",
    "chotot",
    "amazon",
    "ebay",
    "alibaba",
    "aliexpress",
    "taobao",
    "tmall",
    "1688",
    "temu",
    "shein",
    "etsy",
    "rakuten",
    "dienmayxanh",
    "thegioididong",
    "fptshop",
    "cellphones",
    // Social networks and chat (their handles are linked by kind, not by domain).
    "facebook",
    "fb",
    "messenger",
    "instagram",
    "zalo",
    "telegram",
    "whatsapp",
    "tiktok",
    "youtube",
    "youtu",
    "twitter",
    "x",
    "threads",
    "pinterest",
    "linkedin",
    "reddit",
    "discord",
    "wa",
    "t",
    "m",
    // Search, mail, app stores, maps, hosting everybody quotes.
    "google",
    "goo",
    "gmail",
    "yahoo",
    "outlook",
    "hotmail",
    "live",
    "microsoft",
    "apple",
    "icloud",
    "android",
    "wikipedia",
    "github",
    // Shorteners: the short link is the seller's, the domain is everybody's.
    "bit",
    "tinyurl",
    "shorturl",
    "cutt",
    "rebrand",
    "ow",
    "is",
    "tiny",
    "s",
    "shp",
    // Payment and delivery brands printed in every listing.
    "momo",
    "zalopay",
    "vnpay",
    "vietqr",
    "viettelpay",
    "ghn",
    "ghtk",
    "viettelpost",
    "vnpost",
    "jtexpress",
    "ninjavan",
    "grab",
    "be",
    "gojek",
    // Placeholders.
    "example",
    "localhost",
];

/// Public suffixes whose sites are cited, never owned by a seller.
const SHARED_SUFFIXES: &[&str] = &[".gov.vn", ".edu.vn", ".gov", ".edu", ".int"];

/// The registrable domain of `host` when it can identify a seller, or `None` for a marketplace's,
/// a big platform's, a shortener's or an official one.
pub fn seller_domain(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || !host.contains('.') || host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let reg = soi_text::registrable(&host);
    let label = reg.split('.').next().unwrap_or(reg);
    if label.is_empty() || SHARED_DOMAIN_LABELS.contains(&label) {
        return None;
    }
    if SHARED_SUFFIXES.iter().any(|s| reg.ends_with(s)) {
        return None;
    }
    Some(reg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_are_not_identifiers() {
        for h in [
            "shopee.vn",
            "www.shopee.vn",
            "mall.shopee.com.my",
            "lazada.vn",
            "tiki.vn",
            "chotot.com",
            "facebook.com",
            "zalo.me",
            "t.me",
            "bit.ly",
            "youtube.com",
            "dichvucong.gov.vn",
            "127.0.0.1",
            "vn",
        ] {
            assert_eq!(seller_domain(h), None, "{h}");
        }
    }

    #[test]
    fn seller_sites_are() {
        assert_eq!(
            seller_domain("giaythethao-hn.com").as_deref(),
            Some("giaythethao-hn.com")
        );
        assert_eq!(
            seller_domain("sale.shopee-vn.xyz").as_deref(),
            Some("shopee-vn.xyz")
        );
        assert_eq!(
            seller_domain("www.dongho.com.vn").as_deref(),
            Some("dongho.com.vn")
        );
    }
}
