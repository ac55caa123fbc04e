//! Country codes: every seller country is an ISO 3166-1 alpha-2 code or unknown.
//!
//! Why: a seller's country comes from page markup (`addressCountry`) or outside JSON and ends up
//! in report file names, cross-border checks and filters. Free text there (`..`, `Trung Quốc`,
//! `CHN`) would escape report folders or split one country into several. [`country_code`] maps
//! what it recognises (alpha-2 in any case, a few alpha-3 codes and the names the marketplaces
//! soi crawls use) to the alpha-2 code, and anything else to `None`: an unknown country never
//! drops a listing.

use serde::{Deserialize, Deserializer};

/// The officially assigned ISO 3166-1 alpha-2 codes (249).
pub const ISO_3166_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Other spellings seen on the marketplaces soi crawls (lower case), with their alpha-2 code.
const ALIASES: &[(&str, &str)] = &[
    ("uk", "GB"),
    ("vnm", "VN"),
    ("vietnam", "VN"),
    ("viet nam", "VN"),
    ("việt nam", "VN"),
    ("chn", "CN"),
    ("china", "CN"),
    ("mainland china", "CN"),
    ("trung quốc", "CN"),
    ("中国", "CN"),
    ("twn", "TW"),
    ("taiwan", "TW"),
    ("đài loan", "TW"),
    ("台灣", "TW"),
    ("台湾", "TW"),
    ("hkg", "HK"),
    ("hong kong", "HK"),
    ("香港", "HK"),
    ("usa", "US"),
    ("united states", "US"),
    ("kor", "KR"),
    ("korea", "KR"),
    ("south korea", "KR"),
    ("hàn quốc", "KR"),
    ("jpn", "JP"),
    ("japan", "JP"),
    ("nhật bản", "JP"),
    ("tha", "TH"),
    ("thailand", "TH"),
    ("thái lan", "TH"),
    ("sgp", "SG"),
    ("singapore", "SG"),
    ("mys", "MY"),
    ("malaysia", "MY"),
];

/// The ISO 3166-1 alpha-2 code for `c` (`"vn"`, `"VNM"`, `"Việt Nam"` -> `"VN"`), or `None`
/// when it is not a country this build recognises (`".."`, `"XX"`, `""`).
pub fn country_code(c: &str) -> Option<String> {
    let t = c.trim();
    if t.len() == 2 {
        let up = t.to_ascii_uppercase();
        if ISO_3166_ALPHA2.binary_search(&up.as_str()).is_ok() {
            return Some(up);
        }
    }
    if t.len() > 32 {
        return None;
    }
    let low = t.to_lowercase();
    ALIASES
        .iter()
        .find(|(name, _)| *name == low)
        .map(|(_, code)| (*code).to_string())
}

/// Deserialises `Seller::country` through [`country_code`]: unknown countries become `None`.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.and_then(|c| country_code(&c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_unique_alpha2() {
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_3166_ALPHA2
            .iter()
            .all(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase())));
    }

    #[test]
    fn known_countries_map_to_alpha2_and_the_rest_is_unknown() {
        for (input, want) in [
            ("vn", "VN"),
            (" CN ", "CN"),
            ("Việt Nam", "VN"),
            ("CHN", "CN"),
        ] {
            assert_eq!(country_code(input).as_deref(), Some(want), "{input}");
        }
        for bad in ["..", "XX", "", "../../etc", "C/", "vn/"] {
            assert_eq!(country_code(bad), None, "{bad}");
        }
    }
}
