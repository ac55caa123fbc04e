//! What a receiver gets for one alert: a short bilingual summary an officer can read at a glance
//! and the STIX 2.1 bundle their systems ingest, in one JSON document.

use serde::Serialize;
use serde_json::Value;
use soi_store::Alert;

use crate::linked::{sentence, LinkedAccount};
use crate::stix::{stix_time, BundleBuilder};

/// Version of the payload document.
pub const PAYLOAD_VERSION: u32 = 1;

/// The document sent (webhook body) or dropped (file) for one alert.
#[derive(Debug, Clone, Serialize)]
pub struct Payload {
    pub soi_alert: u32,
    pub idempotency_key: String,
    pub summary: Summary,
    pub stix: Value,
}

/// The officer's view: who, what, how risky, why (with the quoted words), in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub rule: String,
    pub kind: String,
    pub severity: String,
    pub tlp: String,
    pub raised_at: String,
    pub headline_en: String,
    pub headline_vi: String,
    pub marketplace: String,
    pub listing_id: String,
    pub listing_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_url: Option<String>,
    pub seller_id: Option<String>,
    pub seller_name: Option<String>,
    pub seller_country: Option<String>,
    pub cross_border: bool,
    pub risk: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flagged_in_window: Option<usize>,
    pub reasons: Vec<SummaryReason>,
    pub evidence_sha256: Option<String>,
    /// The other accounts of the seller's network ([`crate::linked`]), when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linked_accounts: Vec<LinkedAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_vi: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryReason {
    pub code: String,
    pub message_en: String,
    pub message_vi: String,
    pub field: String,
    pub evidence: String,
}

fn headlines(a: &Alert) -> (String, String) {
    let who = a
        .seller
        .as_ref()
        .and_then(|s| s.name.clone())
        .or_else(|| a.seller_id().map(str::to_string))
        .unwrap_or_else(|| "unknown seller".into());
    let risk = a.verdict.risk;
    match a.kind.as_str() {
        "seller_flagged" => {
            let n = a.flagged_in_window.unwrap_or(0);
            (
                format!("Seller {who} has {n} flagged listings in the alert window"),
                format!(
                    "Người bán {who} có {n} tin đăng bị gắn cờ trong khoảng thời gian cảnh báo"
                ),
            )
        }
        "blocklisted_domain" => (
            format!("Listing by {who} links to a blocklisted scam domain"),
            format!("Tin đăng của {who} dẫn tới tên miền lừa đảo trong danh sách chặn"),
        ),
        "cross_border" => (
            format!("Cross-border seller {who} has a listing at risk {risk:.2}"),
            format!("Người bán xuyên biên giới {who} có tin đăng rủi ro {risk:.2}"),
        ),
        _ => (
            format!("High-risk listing by {who} (risk {risk:.2})"),
            format!("Tin đăng rủi ro cao của {who} (rủi ro {risk:.2})"),
        ),
    }
}

pub fn summary(a: &Alert) -> Summary {
    summary_with(a, &[])
}

/// [`summary`] naming the seller's linked accounts.
pub fn summary_with(a: &Alert, linked: &[LinkedAccount]) -> Summary {
    let (headline_en, headline_vi) = headlines(a);
    let (linked_en, linked_vi) = match sentence(linked) {
        Some((en, vi)) => (Some(en), Some(vi)),
        None => (None, None),
    };
    Summary {
        rule: a.rule.clone(),
        kind: a.kind.clone(),
        severity: a.severity.as_str().to_string(),
        tlp: format!("TLP:{}", a.tlp.as_str().to_ascii_uppercase()),
        raised_at: stix_time(a.raised_at),
        headline_en,
        headline_vi,
        marketplace: a.verdict.marketplace.clone(),
        listing_id: a.listing.id.clone(),
        listing_title: a.listing.title.clone(),
        listing_url: a.listing.url.clone(),
        seller_id: a.seller_id().map(str::to_string),
        seller_name: a.seller.as_ref().and_then(|s| s.name.clone()),
        seller_country: a.seller.as_ref().and_then(|s| s.country.clone()),
        cross_border: a.seller.as_ref().is_some_and(|s| s.cross_border),
        risk: (a.verdict.risk * 1000.0).round() / 1000.0,
        flagged_in_window: a.flagged_in_window,
        reasons: a
            .verdict
            .reasons
            .iter()
            .map(|r| SummaryReason {
                code: r.code.clone(),
                message_en: r.message.clone(),
                message_vi: r.message_vi.clone(),
                field: r.field.clone(),
                evidence: r.evidence.clone(),
            })
            .collect(),
        evidence_sha256: a.listing.evidence_sha256.clone(),
        linked_accounts: linked.to_vec(),
        linked_en,
        linked_vi,
    }
}

/// The STIX bundle of one alert: seller identity, listing observed data, indicators, note.
pub fn bundle(a: &Alert) -> Value {
    let mut b = BundleBuilder::new(a.tlp);
    let seller_ref = a.seller.as_ref().map(|s| b.seller(s, a.raised_at));
    b.listing(&a.listing, &a.verdict, seller_ref.as_deref());
    b.finish(&format!("alert|{}", a.key))
}

pub fn payload(a: &Alert) -> Payload {
    payload_with(a, &[])
}

/// [`payload`] naming the seller's linked accounts.
pub fn payload_with(a: &Alert, linked: &[LinkedAccount]) -> Payload {
    Payload {
        soi_alert: PAYLOAD_VERSION,
        idempotency_key: a.key.clone(),
        summary: summary_with(a, linked),
        stix: bundle(a),
    }
}

/// The payload as the bytes that are signed and sent.
pub fn payload_bytes(a: &Alert) -> Vec<u8> {
    payload_bytes_with(a, &[])
}

/// [`payload_bytes`] naming the seller's linked accounts.
pub fn payload_bytes_with(a: &Alert, linked: &[LinkedAccount]) -> Vec<u8> {
    // Plain data with string keys: serialising cannot fail.
    serde_json::to_vec_pretty(&payload_with(a, linked)).unwrap_or_default()
}
