//! The scorer: signals and classifier heads for every listing of a batch in parallel, the
//! seller's review-spam rate across the batch, fusion, and the second tier for the uncertain band.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use soi_model::{Listing, Verdict};

use crate::config::ScoringConfig;
use crate::fusion::fuse;
use crate::signals::{self, BatchContext, Blocklist, FieldText, Hit};
use crate::tier::{HeadProbs, SecondTier, TextTier};
use crate::Scorer;

/// Signals + fast tier + optional second tier, fused into one risk.
pub struct SoiScorer {
    cfg: ScoringConfig,
    model: String,
    blocklist: Option<Blocklist>,
    fast: Option<Arc<dyn TextTier>>,
    second: Option<Arc<dyn SecondTier>>,
}

/// (spam probability, deceptive probability) of one review.
type ReviewProbs = (Option<f64>, Option<f64>);

/// What phase one finds for one listing.
struct Partial {
    hits: Vec<Hit>,
    heads: HeadProbs,
    /// Per review: (spam probability, deceptive probability).
    reviews: Vec<ReviewProbs>,
}

impl SoiScorer {
    pub fn new(cfg: ScoringConfig) -> SoiScorer {
        SoiScorer {
            model: cfg.model.clone(),
            cfg,
            blocklist: None,
            fast: None,
            second: None,
        }
    }

    pub fn with_blocklist(mut self, b: Blocklist) -> Self {
        self.blocklist = Some(b);
        self
    }

    pub fn with_fast_tier(mut self, t: Arc<dyn TextTier>) -> Self {
        self.model = t.name().to_string();
        self.fast = Some(t);
        self
    }

    pub fn with_second_tier(mut self, t: Arc<dyn SecondTier>) -> Self {
        self.model = format!("{}+{}", self.model, t.name());
        self.second = Some(t);
        self
    }

    pub fn config(&self) -> &ScoringConfig {
        &self.cfg
    }

    fn threshold(&self, head: &str) -> f64 {
        self.fast
            .as_ref()
            .and_then(|t| t.threshold(head))
            .or_else(|| self.cfg.heads.get(head).copied())
            .unwrap_or(0.5)
    }

    /// The text a listing-level head reads.
    fn listing_text(l: &Listing) -> String {
        match l.description.as_deref() {
            Some(d) if !d.trim().is_empty() => format!("{}\n{}", l.title, d),
            _ => l.title.clone(),
        }
    }

    fn phase_one(&self, l: &Listing, batch: &BatchContext) -> Partial {
        let fields = signals::fields(l);
        let hits = signals::run_all(l, &fields, &self.cfg, batch, self.blocklist.as_ref());
        let (heads, reviews) = match &self.fast {
            Some(t) => {
                let heads = t.predict(&Self::listing_text(l));
                let reviews = l
                    .reviews
                    .iter()
                    .map(|r| {
                        let p = t.predict(&r.text);
                        (p.review_spam, p.deceptive_review)
                    })
                    .collect();
                (heads, reviews)
            }
            None => (HeadProbs::default(), Vec::new()),
        };
        let mut p = Partial {
            hits,
            heads,
            reviews,
        };
        self.head_hits(l, &fields, &mut p);
        p
    }

    /// Reasons from the listing-level text heads.
    fn head_hits(&self, l: &Listing, fields: &[FieldText<'_>], p: &mut Partial) {
        let Some(t) = &self.fast else { return };
        let specs = [
            ("scam", "scam_text", "The text reads like a scam (classifier).", "Nội dung giống tin lừa đảo (bộ phân loại)."),
            (
                "misleading_claim",
                "misleading_text",
                "The text uses misleading sales pressure (fake urgency, scarcity, social proof).",
                "Nội dung dùng chiêu gây áp lực mua hàng sai sự thật (khẩn cấp, khan hiếm, đám đông giả).",
            ),
        ];
        for (head, code, msg, msg_vi) in specs {
            let Some(prob) = p.heads.get(head) else {
                continue;
            };
            let thr = self.threshold(head);
            if prob <= thr {
                continue;
            }
            let strength = ((prob - thr) / (1.0 - thr).max(1e-6)).clamp(0.0, 1.0);
            // Evidence: the strongest span in the field whose own score is highest.
            let (field, span) = fields
                .iter()
                .map(|f| (f, t.predict(f.text).get(head).unwrap_or(0.0)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(f, _)| {
                    let span = t
                        .top_span(head, f.text)
                        .map(|(b0, b1)| soi_model::char_span_of_bytes(f.text, b0, b1))
                        .unwrap_or((0, f.text.chars().count()));
                    (f.field, span)
                })
                .unwrap_or(("title", (0, l.title.chars().count())));
            p.hits.push(Hit {
                code,
                source: head_source(head),
                field: field.to_string(),
                start: span.0,
                end: span.1,
                strength,
                message: format!("{msg} p={prob:.2}"),
                message_vi: format!("{msg_vi} p={prob:.2}"),
                evidence: None,
            });
        }
    }

    /// Review-spam and deceptive-review rates per seller across the batch, with the listing's most
    /// suspicious review as evidence.
    fn review_hits(&self, listings: &[Listing], parts: &mut [Partial]) {
        let thr_spam = self.threshold("review_spam");
        let thr_dec = self.threshold("deceptive_review");
        let mut per_seller: HashMap<String, (usize, usize, usize)> = HashMap::new();
        for (l, p) in listings.iter().zip(parts.iter()) {
            let key = l
                .seller
                .as_ref()
                .map(|s| s.key())
                .unwrap_or_else(|| l.key());
            let e = per_seller.entry(key).or_default();
            for (s, d) in &p.reviews {
                e.0 += 1;
                e.1 += usize::from(s.is_some_and(|s| s > thr_spam));
                e.2 += usize::from(d.is_some_and(|d| d > thr_dec));
            }
        }
        for (l, p) in listings.iter().zip(parts.iter_mut()) {
            let key = l
                .seller
                .as_ref()
                .map(|s| s.key())
                .unwrap_or_else(|| l.key());
            let Some(&(n, spam, dec)) = per_seller.get(&key) else {
                continue;
            };
            if n < 2 {
                continue;
            }
            let specs = [
                ("review_spam_rate", "review_spam", spam, 0usize),
                ("deceptive_review_rate", "deceptive_review", dec, 1usize),
            ];
            for (code, head, k, which) in specs {
                let rate = k as f64 / n as f64;
                if rate < 0.3 {
                    continue;
                }
                let top = p
                    .reviews
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| if which == 0 { r.0 } else { r.1 }.map(|v| (i, v)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                let (field, end) = match top {
                    Some((i, _)) => (
                        format!("reviews[{i}].text"),
                        l.reviews[i].text.chars().count(),
                    ),
                    None => ("title".to_string(), 0),
                };
                p.hits.push(Hit {
                    code,
                    source: head_source(head),
                    field,
                    start: 0,
                    end,
                    strength: rate,
                    message: format!(
                        "{k} of the seller's {n} reviews look like {} reviews.",
                        if which == 0 { "spam" } else { "deceptive" }
                    ),
                    message_vi: format!(
                        "{k}/{n} đánh giá của shop có dấu hiệu {}.",
                        if which == 0 {
                            "spam"
                        } else {
                            "đánh giá giả"
                        }
                    ),
                    evidence: None,
                });
            }
        }
    }

    fn verdict(&self, l: &Listing, p: &Partial) -> Verdict {
        let (risk, reasons) = fuse(&self.cfg, l, &p.hits);
        let mut heads = std::collections::BTreeMap::new();
        let mut put = |k: &str, v: Option<f64>| {
            if let Some(v) = v {
                heads.insert(k.to_string(), (v * 10000.0).round() / 10000.0);
            }
        };
        put("scam", p.heads.scam);
        put("misleading_claim", p.heads.misleading_claim);
        let mean = |f: fn(&ReviewProbs) -> Option<f64>| {
            let v: Vec<f64> = p.reviews.iter().filter_map(f).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        put("review_spam", mean(|r| r.0));
        put("deceptive_review", mean(|r| r.1));
        Verdict {
            listing_id: l.id.clone(),
            marketplace: l.marketplace.clone(),
            seller_id: l.seller_id().map(str::to_string),
            risk: (risk * 10000.0).round() / 10000.0,
            heads,
            reasons,
            model: self.model.clone(),
            scored_at: chrono::Utc::now(),
        }
    }
}

fn head_source(head: &str) -> &'static str {
    match head {
        "scam" => "head:scam",
        "misleading_claim" => "head:misleading_claim",
        "review_spam" => "head:review_spam",
        _ => "head:deceptive_review",
    }
}

impl Scorer for SoiScorer {
    fn model(&self) -> &str {
        &self.model
    }

    fn score(&self, listings: &[Listing]) -> Vec<Verdict> {
        let batch = BatchContext::new(listings, &self.cfg);
        let mut parts: Vec<Partial> = listings
            .par_iter()
            .map(|l| self.phase_one(l, &batch))
            .collect();
        self.review_hits(listings, &mut parts);
        let mut verdicts: Vec<Verdict> = listings
            .par_iter()
            .zip(parts.par_iter())
            .map(|(l, p)| self.verdict(l, p))
            .collect();
        if let Some(second) = &self.second {
            let band = self.cfg.band;
            let idx: Vec<usize> = verdicts
                .iter()
                .enumerate()
                .filter(|(_, v)| v.risk >= band.low && v.risk <= band.high)
                .map(|(i, _)| i)
                .collect();
            if !idx.is_empty() {
                let texts: Vec<String> = idx
                    .iter()
                    .map(|&i| Self::listing_text(&listings[i]))
                    .collect();
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                let answers = second.predict_batch(&refs);
                tracing::debug!(n = idx.len(), tier = second.name(), "second tier consulted");
                for (&i, a) in idx.iter().zip(answers.iter()) {
                    let p = &mut parts[i];
                    p.heads.merge(a);
                    p.hits
                        .retain(|h| !matches!(h.code, "scam_text" | "misleading_text"));
                    let l = &listings[i];
                    let fields = signals::fields(l);
                    self.head_hits(l, &fields, p);
                    verdicts[i] = self.verdict(l, p);
                }
            }
        }
        verdicts
    }
}
