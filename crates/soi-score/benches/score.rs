//! Criterion benches of the scoring hot path: featurising a text, the fast tier's logits, entity
//! extraction, and the whole scorer on a small batch of invented listings.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use soi_model::{Listing, Review, Seller};
use soi_score::fast::{FastConfig, FastModel, HashConfig, Scratch, LANES};
use soi_score::{Scorer, ScoringConfig, SoiScorer};

const VI: &str = "iPhone 15 Pro Max 256GB hàng chính hãng VN/A giá sốc. Số lượng có hạn! Ib zalo \
                  0900 000 101 để được giá tốt nhất. Vui lòng chuyển khoản trước 50% để giữ hàng.";
const EN: &str =
    "Organic potting soil, 20 litre bag, mixed with coconut coir and composted manure. \
                  Pay on delivery, free returns within 7 days.";

/// The shipped model when the repository has one, else an all-zero model of the same shape.
fn model() -> FastModel {
    soi_score::load_config(None)
        .and_then(|c| soi_score::load_model(&c.model))
        .unwrap_or_else(|_| {
            let cfg = FastConfig {
                name: "zero".into(),
                format: 1,
                hashing: HashConfig::default(),
                heads: vec![],
                seed: 0,
                thresholds_by_marketplace: Default::default(),
            };
            let n = cfg.hashing.buckets() * LANES;
            FastModel::new(cfg, vec![0.0; n], [0.0; LANES]).expect("zero model")
        })
}

fn listings() -> Vec<Listing> {
    (0..64)
        .map(|i| Listing {
            id: i.to_string(),
            marketplace: "bench".into(),
            title: if i % 2 == 0 {
                "Điện thoại chính hãng giá sốc".into()
            } else {
                "Potting soil".into()
            },
            description: Some(if i % 2 == 0 { VI } else { EN }.into()),
            price: Some(1_500_000.0),
            currency: Some("VND".into()),
            seller: Some(Seller {
                id: format!("s{}", i % 8),
                country: Some("VN".into()),
                ..Default::default()
            }),
            reviews: vec![Review {
                text: "Hàng tốt lắm shop ơi 5 sao".into(),
                rating: Some(5.0),
            }],
            ..Default::default()
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let h = HashConfig::default();
    let mut s = Scratch::default();
    c.bench_function("features/vi_listing_text", |b| {
        b.iter(|| {
            let mut n = 0u32;
            h.for_each(black_box(VI), &mut s, |_, bucket| n ^= bucket);
            n
        })
    });
    let m = model();
    c.bench_function("fast_tier/logits_vi", |b| {
        b.iter(|| m.logits(black_box(VI)))
    });
    c.bench_function("fast_tier/logits_en", |b| {
        b.iter(|| m.logits(black_box(EN)))
    });
    c.bench_function("text/extract_entities", |b| {
        b.iter(|| soi_text::extract(black_box(VI)))
    });
    let scorer = match soi_score::load_fast_tier("soi-fast-v1") {
        Ok(Some(t)) => SoiScorer::new(ScoringConfig::builtin().expect("config")).with_fast_tier(t),
        _ => SoiScorer::new(ScoringConfig::builtin().expect("config")),
    };
    let batch = listings();
    c.bench_function("scorer/batch_of_64_listings", |b| {
        b.iter(|| scorer.score(black_box(&batch)))
    });
}

criterion_group!(score, benches);
criterion_main!(score);
