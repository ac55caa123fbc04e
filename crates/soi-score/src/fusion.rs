//! Fusion: weighted evidence on the logit scale, one calibrated risk, and the reasons that explain
//! it, strongest first.

use std::collections::BTreeMap;

use soi_model::{char_slice, truncate_chars, Listing, Reason, MAX_EVIDENCE_CHARS};

use crate::config::ScoringConfig;
use crate::prob::sigmoid;
use crate::signals::Hit;

/// Fuses hits into `(risk, reasons)`. Per reason code only the strongest hit counts (the first one
/// on a tie, so title evidence wins over description evidence).
pub fn fuse(cfg: &ScoringConfig, l: &Listing, hits: &[Hit]) -> (f64, Vec<Reason>) {
    let mut best: BTreeMap<&str, &Hit> = BTreeMap::new();
    for h in hits {
        match best.get(h.code) {
            Some(b) if b.strength >= h.strength => {}
            _ => {
                best.insert(h.code, h);
            }
        }
    }
    let mut logit = cfg.bias;
    let mut reasons = Vec::with_capacity(best.len());
    for h in best.values() {
        let w = cfg.weight(h.code);
        if w <= 0.0 || h.strength <= 0.0 {
            continue;
        }
        let contribution = w * h.strength;
        logit += contribution;
        // Quoted evidence is capped; the span keeps pointing at all of it in the listing.
        let evidence = match &h.evidence {
            Some(e) => truncate_chars(e, MAX_EVIDENCE_CHARS).to_string(),
            None => l
                .field_text(&h.field)
                .map(|t| truncate_chars(char_slice(t, h.start, h.end), MAX_EVIDENCE_CHARS))
                .unwrap_or_default()
                .to_string(),
        };
        reasons.push(Reason {
            code: h.code.to_string(),
            message: h.message.clone(),
            message_vi: h.message_vi.clone(),
            field: h.field.clone(),
            start: h.start,
            end: h.end,
            evidence,
            source: h.source.to_string(),
            contribution: (contribution * 1000.0).round() / 1000.0,
        });
    }
    reasons.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    (sigmoid(logit), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(code: &'static str, strength: f64) -> Hit {
        Hit {
            code,
            source: "t",
            field: "title".into(),
            start: 0,
            end: 3,
            strength,
            message: String::new(),
            message_vi: String::new(),
            evidence: None,
        }
    }

    #[test]
    fn risk_rises_with_evidence_and_codes_count_once() {
        let cfg = ScoringConfig::builtin().unwrap();
        let l = Listing {
            title: "abcdef".into(),
            ..Default::default()
        };
        let (r0, reasons) = fuse(&cfg, &l, &[]);
        assert!(r0 < 0.1 && reasons.is_empty());
        let (r1, _) = fuse(&cfg, &l, &[hit("fake_giveaway", 0.5)]);
        let (r2, _) = fuse(&cfg, &l, &[hit("fake_giveaway", 1.0)]);
        let (r3, reasons) = fuse(
            &cfg,
            &l,
            &[hit("fake_giveaway", 1.0), hit("fake_giveaway", 1.0)],
        );
        assert!(r0 < r1 && r1 < r2);
        assert_eq!(r2, r3);
        assert_eq!(reasons[0].evidence, "abc");
        let (r4, reasons) = fuse(
            &cfg,
            &l,
            &[hit("fake_giveaway", 1.0), hit("off_platform_contact", 1.0)],
        );
        assert!(r4 > r2 && r4 > 0.9);
        assert_eq!(reasons.len(), 2);
    }

    #[test]
    fn long_evidence_is_quoted_in_part_and_the_span_covers_all_of_it() {
        let cfg = ScoringConfig::builtin().unwrap();
        let l = Listing {
            title: "ố".repeat(5000),
            ..Default::default()
        };
        let mut h = hit("fake_giveaway", 1.0);
        h.end = 5000;
        let mut own = hit("off_platform_contact", 1.0);
        own.evidence = Some("x".repeat(1000));
        let (_, reasons) = fuse(&cfg, &l, &[h, own]);
        assert_eq!(reasons.len(), 2);
        for r in &reasons {
            assert_eq!(r.evidence.chars().count(), MAX_EVIDENCE_CHARS, "{}", r.code);
        }
        let quoted = reasons.iter().find(|r| r.code == "fake_giveaway").unwrap();
        assert_eq!((quoted.start, quoted.end), (0, 5000));
        assert!(l.title.starts_with(&quoted.evidence));
    }
}
