//! CSV for machines: one row per seller and one per flagged listing reason, RFC 4180 quoting.

use crate::model::CountryReport;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One RFC 4180 record, quoted where needed, ending in CRLF.
pub fn line(fields: &[String]) -> String {
    let mut l = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    l.push_str("\r\n");
    l
}

pub fn sellers(c: &CountryReport) -> String {
    let mut out = line(
        &[
            "country",
            "marketplace",
            "seller_id",
            "name",
            "ship_from",
            "flagged_listings",
            "max_risk",
            "first_seen",
            "last_seen",
            "reasons",
        ]
        .map(String::from),
    );
    for d in &c.dossiers {
        let reasons: Vec<String> = d.reasons.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        out.push_str(&line(&[
            c.country.clone(),
            d.seller.marketplace.clone(),
            d.seller.id.clone(),
            d.seller.name.clone().unwrap_or_default(),
            d.seller.ship_from.clone().unwrap_or_default(),
            d.listings.len().to_string(),
            format!("{:.4}", d.max_risk),
            d.first_seen.to_rfc3339(),
            d.last_seen.to_rfc3339(),
            reasons.join(";"),
        ]));
    }
    out
}

pub fn listings(c: &CountryReport) -> String {
    let mut out = line(
        &[
            "country",
            "marketplace",
            "seller_id",
            "listing_id",
            "title",
            "url",
            "seen_at",
            "risk",
            "reason",
            "field",
            "start",
            "end",
            "evidence",
            "evidence_sha256",
        ]
        .map(String::from),
    );
    for d in &c.dossiers {
        for l in &d.listings {
            for r in &l.verdict.reasons {
                out.push_str(&line(&[
                    c.country.clone(),
                    l.marketplace.clone(),
                    d.seller.id.clone(),
                    l.id.clone(),
                    l.title.clone(),
                    l.url.clone().unwrap_or_default(),
                    l.seen_at.to_rfc3339(),
                    format!("{:.4}", l.risk),
                    r.code.clone(),
                    r.field.clone(),
                    r.start.to_string(),
                    r.end.to_string(),
                    r.evidence.clone(),
                    l.evidence_sha256.clone().unwrap_or_default(),
                ]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_when_needed() {
        let l = super::line(&["a".into(), "b,c".into(), "say \"hi\"".into()]);
        assert_eq!(l, "a,\"b,c\",\"say \"\"hi\"\"\"\r\n");
    }
}
