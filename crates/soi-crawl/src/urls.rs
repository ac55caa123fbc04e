//! URL canonicalisation, so one page is fetched once however it is linked: no fragment, query
//! parameters sorted, tracking parameters dropped, default ports and host case normalised (the
//! `url` crate does the last two).

use url::Url;

const TRACKING: &[&str] = &["fbclid", "gclid", "msclkid", "yclid", "igshid", "_ga"];

/// The canonical form of `url`; `drop` names extra query parameters to remove.
pub fn canonical(url: &Url, drop: &[String]) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let mut pairs: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| {
                !k.starts_with("utm_")
                    && !TRACKING.contains(&k.as_ref())
                    && !drop.iter().any(|d| d == k)
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        if pairs.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    u
}

/// `host:port` of a URL, the unit of politeness.
pub fn host_key(url: &Url) -> String {
    match url.port_or_known_default() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises() {
        let u = Url::parse("HTTP://Shop.EXAMPLE:80/a/b?z=1&utm_source=x&a=2#frag").unwrap();
        assert_eq!(
            canonical(&u, &[]).as_str(),
            "http://shop.example/a/b?a=2&z=1"
        );
        let u = Url::parse("https://x.vn/p?utm_medium=a&spm=9").unwrap();
        assert_eq!(canonical(&u, &["spm".into()]).as_str(), "https://x.vn/p");
        assert_eq!(host_key(&Url::parse("https://x.vn/").unwrap()), "x.vn:443");
    }
}
