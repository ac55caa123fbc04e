//! What becomes an indicator: blocklisted domains and off-platform contacts quoted in reasons.

use soi_model::{Listing, Reason};

/// One indicator to write: a key for its id, a STIX pattern, a name.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub key: String,
    pub pattern: String,
    pub name: String,
}

/// Quotes a value for a STIX pattern string literal.
fn quote(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The host of a URL or bare domain, lower case, without `www.`.
pub fn host_of(text: &str) -> Option<String> {
    let t = text.trim();
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("http://{t}")
    };
    let host = url::Url::parse(&with_scheme)
        .ok()?
        .host_str()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.') && !host.is_empty()).then_some(host)
}

/// A phone number (digits only) when the text holds one, else the handle as written.
fn contact_value(evidence: &str) -> Option<String> {
    let digits: String = evidence.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() >= 8 {
        return Some(digits);
    }
    let handle = evidence
        .split_whitespace()
        .find(|w| w.starts_with('@'))
        .map(str::to_string);
    handle.or_else(|| {
        let t = evidence.trim();
        (!t.is_empty()).then(|| t.to_lowercase())
    })
}

pub fn for_reason(listing: &Listing, r: &Reason) -> Option<IndicatorSpec> {
    match r.code.as_str() {
        "blocklisted_domain" => {
            let text = if r.evidence.is_empty() && r.field == "url" {
                listing.url.clone().unwrap_or_default()
            } else {
                r.evidence.clone()
            };
            let host = host_of(&text)?;
            Some(IndicatorSpec {
                key: format!("domain|{host}"),
                pattern: format!("[domain-name:value = '{}']", quote(&host)),
                name: format!("Blocklisted domain {host}"),
            })
        }
        "off_platform_contact" => {
            let v = contact_value(&r.evidence)?;
            Some(IndicatorSpec {
                key: format!("contact|{v}"),
                pattern: format!("[user-account:account_login = '{}']", quote(&v)),
                name: format!("Off-platform contact {v}"),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_contacts() {
        assert_eq!(host_of("https://WWW.Scam.vn/x").as_deref(), Some("scam.vn"));
        assert_eq!(host_of("scam.vn/abc").as_deref(), Some("scam.vn"));
        assert_eq!(host_of("nothing"), None);
        let l = Listing::default();
        let r = Reason {
            code: "off_platform_contact".into(),
            evidence: "zalo 0900 000 101".into(),
            ..Default::default()
        };
        let i = for_reason(&l, &r).unwrap();
        assert_eq!(i.pattern, "[user-account:account_login = '0900000101']");
        let r = Reason {
            code: "off_platform_contact".into(),
            evidence: "ib tele @it's".into(),
            ..Default::default()
        };
        assert_eq!(
            for_reason(&l, &r).unwrap().pattern,
            "[user-account:account_login = '@it\\'s']"
        );
    }
}
