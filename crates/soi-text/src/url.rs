//! URLs and bare domains, with punycode decoded and look-alike characters folded, so that
//! "shopee-vn.xyz", "xn--shpee-..." and "ѕhopee.vn" (Cyrillic ѕ) all compare against the same
//! skeleton as the blocklist and the real marketplace domains.

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Entity, EntityKind};
use crate::fold::{fold, Folded};

/// Top-level domains accepted for a bare domain without `http://` (a dot between two words is
/// too common in listing text to accept any).
const BARE_TLDS: &str = "com|net|org|vn|xyz|vip|top|info|shop|store|online|site|club|me|io|co|cc|tk|ml|ga|cf|gq|link|live|app|biz|asia|today|fun|pro|icu|sbs|cfd|click|buzz|cn|ru|win|bet|cloud|tech|space|website|life|world|example|xn--[a-z0-9-]+";

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}\p{{N}}@.\-])((?:https?://|www\.)[^\s<>'\x22]+|(?:[\p{{L}}\p{{N}}](?:[\p{{L}}\p{{N}}\-]{{0,62}})\.)+(?:{BARE_TLDS})(?:/[^\s<>'\x22]*)?)(?:$|[^\p{{L}}\p{{N}}\-])"
    ))
    .expect("url regex")
});

/// Characters that look like ASCII letters (Cyrillic, Greek, digits in disguise) mapped to the
/// letter they imitate.
fn confusable(c: char) -> char {
    match c {
        'а' | 'α' | '@' => 'a',
        'с' | 'ϲ' => 'c',
        'е' | 'ε' | '3' => 'e',
        'і' | 'ι' | '1' | '!' | 'ӏ' => 'l',
        'ј' => 'j',
        'о' | 'ο' | 'σ' | '0' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' | '5' | '$' => 's',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'к' | 'κ' => 'k',
        'т' | 'τ' => 't',
        'н' => 'h',
        'в' => 'b',
        'м' => 'm',
        'ν' => 'v',
        'ԁ' => 'd',
        'ɡ' => 'g',
        'ո' => 'n',
        _ => c,
    }
}

/// The host of a URL or domain in ASCII (punycode kept, as registries list it), lower case.
pub fn host_of(url_or_domain: &str) -> String {
    let s = url_or_domain.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let host = s.split(['/', '?', '#']).next().unwrap_or(s);
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    let host = host.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    match idna::domain_to_ascii(&host) {
        Ok(a) if !a.is_empty() => a,
        _ => host,
    }
}

/// The look-alike skeleton of a host: punycode decoded, diacritics removed, look-alike characters
/// folded, "rn" read as "m" and "vv" as "w". Two hosts with the same skeleton look the same.
pub fn skeleton(host: &str) -> String {
    let (unicode, _) = idna::domain_to_unicode(host);
    let folded: String = unicode.chars().map(confusable).collect();
    fold(&folded).replace("rn", "m").replace("vv", "w")
}

/// The registrable part of a host: the last two labels, or three under a two-level public suffix
/// such as `com.vn`.
pub fn registrable(host: &str) -> &str {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let two_level = n >= 3
        && matches!(labels[n - 2], "com" | "net" | "org" | "edu" | "gov" | "co")
        && labels[n - 1].len() == 2;
    let keep = if two_level { 3 } else { 2 };
    if n <= keep {
        return host;
    }
    let skip: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    &host[skip..]
}

/// URLs and bare domains. `value` is the ASCII host, `detail` its skeleton; the span covers the
/// whole URL as written.
pub(crate) fn urls(f: &Folded, original: &str) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = URL.captures_at(&f.text, at) {
        let Some(m) = c.get(1) else { break };
        at = m.end();
        let trimmed = m
            .as_str()
            .trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
        let span = f.orig_span(m.start(), m.start() + trimmed.len());
        // The host comes from the original characters, so a Cyrillic letter stays visible.
        let written: String = original
            .chars()
            .skip(span.0)
            .take(span.1 - span.0)
            .collect();
        let host = host_of(&written);
        if host.is_empty() || !host.contains('.') {
            continue;
        }
        let mut e = Entity::new(EntityKind::Url, span, host.clone());
        e.detail = Some(skeleton(&host));
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract;

    fn hosts(s: &str) -> Vec<(String, String, String)> {
        extract(s)
            .into_iter()
            .filter(|e| e.kind == EntityKind::Url)
            .map(|e| {
                let q: String = s.chars().skip(e.start).take(e.end - e.start).collect();
                (e.value, e.detail.unwrap_or_default(), q)
            })
            .collect()
    }

    #[test]
    fn urls_and_bare_domains() {
        let h = hosts("Xem tại https://Shopee-Sale.xyz/km?id=1, nhanh!");
        assert_eq!(h[0].0, "shopee-sale.xyz");
        assert_eq!(h[0].2, "https://Shopee-Sale.xyz/km?id=1");
        let h = hosts("vào dangkyshopee.vn để nhận quà");
        assert_eq!(h[0].0, "dangkyshopee.vn");
        assert!(hosts("nặng 1.5kg, size m.l").is_empty());
        assert!(hosts("email shop@gmail.com").is_empty());
    }

    #[test]
    fn punycode_and_lookalikes_fold_to_one_skeleton() {
        // Cyrillic "о" in place of the Latin "o".
        let h = hosts("mua ở shоpee.vn");
        assert_eq!(h[0].0, "xn--shpee-kye.vn");
        assert_eq!(h[0].1, "shopee.vn");
        assert_eq!(skeleton("xn--shpee-kye.vn"), "shopee.vn");
        assert_eq!(skeleton("sh0pee.vn"), "shopee.vn");
        assert_eq!(skeleton("lazarnall.vn"), "lazamall.vn");
        assert_eq!(registrable("a.b.shopee.com.vn"), "shopee.com.vn");
        assert_eq!(registrable("m.shopee.vn"), "shopee.vn");
    }
}
