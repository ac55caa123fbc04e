//! The scorer: signals and classifier heads for every listing of a batch in parallel, the
//! seller's review-spam rate across the batch, fusion, and the second tier for the uncertain band.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use soi_model::{Listing, Verdict};

use crate::config::ScoringConfig;
use crate::fusion::fuse;
use crate::signals::{self, BatchContext, Blocklist, FieldText, Hit};
use crate::tier::{HeadProbs, SecondTier, TextTier, LISTING_HEADS};
use crate::{Head, Scorer};

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

    /// The probability above which a head is evidence: the configured gate, never below the
    /// head's own decision threshold.
    fn gate(&self, head: Head) -> f64 {
        let t = self.threshold(head);
        self.cfg
            .head_gates
            .get(&head)
            .copied()
            .map_or(t, |g| g.max(t))
    }

    /// The gate of a listing-level head on `marketplace`: a threshold tuned on that
    /// marketplace's analyst labels when the model has one, else [`Self::gate`].
    fn gate_in(&self, head: Head, marketplace: &str) -> f64 {
        self.fast
            .as_ref()
            .and_then(|t| t.marketplace_threshold(head, marketplace))
            .unwrap_or_else(|| self.gate(head))
    }

    fn threshold(&self, head: Head) -> f64 {
        self.fast
            .as_ref()
            .and_then(|t| t.threshold(head))
            .or_else(|| self.cfg.heads.get(&head).copied())
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
                        let long = r.text.split_whitespace().count()
                            >= self.cfg.reviews.deceptive_min_words;
                        (p.review_spam, p.deceptive_review.filter(|_| long))
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
            (Head::Scam, "scam_text", "The text reads like a scam (classifier).", "Nội dung giống tin lừa đảo (bộ phân loại)."),
            (
                Head::MisleadingClaim,
                "misleading_text",
                "The text uses misleading sales pressure (fake urgency, scarcity, social proof).",
                "Nội dung dùng chiêu gây áp lực mua hàng sai sự thật (khẩn cấp, khan hiếm, đám đông giả).",
            ),
        ];
        for (head, code, msg, msg_vi) in specs {
            let Some(prob) = p.heads.get(head) else {
                continue;
            };
            // The misleading-claim head learned from English shop UI text only; on Vietnamese
            // text its answers are not evidence (they stay in `heads` for the analyst).
            if head == Head::MisleadingClaim && !mostly_latin_ascii(&Self::listing_text(l)) {
                continue;
            }
            let thr = self.gate_in(head, &l.marketplace);
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
                source: head.source(),
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

    /// Review-spam and deceptive-review rates per seller across the batch, and reviews posted
    /// word for word more than once, with this listing's most suspicious review as evidence.
    fn review_hits(&self, listings: &[Listing], parts: &mut [Partial]) {
        let rc = &self.cfg.reviews;
        let gate_spam = self.gate(Head::ReviewSpam);
        let gate_dec = self.gate(Head::DeceptiveReview);
        // Per seller: reviews, spam, judged for deception, deceptive; and review text counts.
        let mut per_seller: HashMap<String, [usize; 4]> = HashMap::new();
        let mut texts: HashMap<(String, String), usize> = HashMap::new();
        let key_of = |l: &Listing| {
            l.seller
                .as_ref()
                .map(|s| s.key())
                .unwrap_or_else(|| l.key())
        };
        for (l, p) in listings.iter().zip(parts.iter()) {
            let key = key_of(l);
            let e = per_seller.entry(key.clone()).or_default();
            for (i, (s, d)) in p.reviews.iter().enumerate() {
                e[0] += 1;
                e[1] += usize::from(s.is_some_and(|s| s > gate_spam));
                e[2] += usize::from(d.is_some());
                e[3] += usize::from(d.is_some_and(|d| d > gate_dec));
                let norm = soi_text::fold(l.reviews[i].text.trim());
                if norm.chars().count() >= 8 {
                    *texts.entry((key.clone(), norm)).or_default() += 1;
                }
            }
        }
        for (l, p) in listings.iter().zip(parts.iter_mut()) {
            if l.reviews.is_empty() {
                continue;
            }
            let key = key_of(l);
            let dup = l.reviews.iter().enumerate().find(|(_, r)| {
                let norm = soi_text::fold(r.text.trim());
                texts.get(&(key.clone(), norm)).copied().unwrap_or(0) >= 2
            });
            if let Some((i, r)) = dup {
                p.hits.push(Hit {
                    code: "duplicate_reviews",
                    source: "reviews",
                    field: format!("reviews[{i}].text"),
                    start: 0,
                    end: r.text.chars().count(),
                    strength: 1.0,
                    message: "The same review text was posted more than once for this seller."
                        .into(),
                    message_vi: "Cùng một nội dung đánh giá được đăng nhiều lần cho shop này."
                        .into(),
                    evidence: None,
                });
            }
            let Some(&[n, spam, judged, dec]) = per_seller.get(&key) else {
                continue;
            };
            let specs = [
                ("review_spam_rate", Head::ReviewSpam, spam, n, 0usize),
                (
                    "deceptive_review_rate",
                    Head::DeceptiveReview,
                    dec,
                    judged,
                    1usize,
                ),
            ];
            for (code, head, k, of, which) in specs {
                if of < rc.min_reviews {
                    continue;
                }
                let rate = k as f64 / of as f64;
                if rate < rc.min_rate {
                    continue;
                }
                let top = p
                    .reviews
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| if which == 0 { r.0 } else { r.1 }.map(|v| (i, v)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                let Some((i, _)) = top else { continue };
                let what = if which == 0 {
                    ("spam", "spam")
                } else {
                    ("deceptive", "đánh giá giả")
                };
                p.hits.push(Hit {
                    code,
                    source: head.source(),
                    field: format!("reviews[{i}].text"),
                    start: 0,
                    end: l.reviews[i].text.chars().count(),
                    strength: rate,
                    message: format!(
                        "{k} of the seller's {of} reviews look like {} reviews.",
                        what.0
                    ),
                    message_vi: format!("{k}/{of} đánh giá của shop có dấu hiệu {}.", what.1),
                    evidence: None,
                });
            }
        }
    }

    fn verdict(&self, l: &Listing, p: &Partial) -> Verdict {
        let (risk, reasons) = fuse(&self.cfg, l, &p.hits);
        let mut heads = std::collections::BTreeMap::new();
        let mut put = |k: Head, v: Option<f64>| {
            if let Some(v) = v {
                heads.insert(k.to_string(), (v * 10000.0).round() / 10000.0);
            }
        };
        put(Head::Scam, p.heads.scam);
        put(Head::MisleadingClaim, p.heads.misleading_claim);
        let mean = |f: fn(&ReviewProbs) -> Option<f64>| {
            let v: Vec<f64> = p.reviews.iter().filter_map(f).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        put(Head::ReviewSpam, mean(|r| r.0));
        put(Head::DeceptiveReview, mean(|r| r.1));
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

/// True when at most 3% of the letters carry diacritics or are outside ASCII: English (or
/// Vietnamese typed without accents, which the head does not understand either way).
fn mostly_latin_ascii(text: &str) -> bool {
    let (mut letters, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        other += usize::from(!c.is_ascii());
    }
    letters > 0 && other * 100 <= letters * 3
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
                // Only the heads read on the listing's text.
                let fast: Vec<HeadProbs> = idx
                    .iter()
                    .map(|&i| {
                        let mut h = HeadProbs::default();
                        for head in LISTING_HEADS {
                            h.set(head, parts[i].heads.get(head));
                        }
                        h
                    })
                    .collect();
                let answers = second.predict_batch(&refs, &fast);
                tracing::debug!(n = idx.len(), tier = second.name(), "second tier consulted");
                soi_telemetry::count_per_marketplace(
                    soi_telemetry::names::SCORED_ENCODER,
                    idx.iter().map(|&i| listings[i].marketplace.as_str()),
                );
                for (&i, a) in idx.iter().zip(answers.iter()) {
                    let Some(a) = a else { continue };
                    let p = &mut parts[i];
                    p.heads.merge(a);
                    p.hits
                        .retain(|h| !matches!(h.code, "scam_text" | "misleading_text"));
                    let l = &listings[i];
                    let fields = signals::fields(l);
                    let before = p.hits.len();
                    self.head_hits(l, &fields, p);
                    // Say which tiers answered, so an analyst knows the encoder weighed in.
                    for h in &mut p.hits[before..] {
                        h.message
                            .push_str(&format!(" [fast tier + {}]", second.name()));
                        h.message_vi
                            .push_str(&format!(" [tầng nhanh + {}]", second.name()));
                    }
                    verdicts[i] = self.verdict(l, p);
                }
            }
        }
        verdicts
    }
}
