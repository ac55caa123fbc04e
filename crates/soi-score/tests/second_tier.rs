//! The seam for the encoder tier: a second tier is asked only about listings whose fused risk
//! falls in the uncertain band, and its answer replaces the fast tier's heads there.

use std::sync::{Arc, Mutex};

use soi_model::Listing;
use soi_score::{HeadProbs, Scorer, ScoringConfig, SecondTier, SoiScorer, TextTier};

/// A fast tier that is unsure about everything.
struct Unsure;

impl TextTier for Unsure {
    fn name(&self) -> &str {
        "unsure"
    }
    fn predict(&self, _text: &str) -> HeadProbs {
        HeadProbs {
            scam: Some(0.5),
            ..Default::default()
        }
    }
}

/// A second tier that records what it was asked and is sure it is a scam.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl SecondTier for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    fn predict_batch(&self, texts: &[&str], fast: &[HeadProbs]) -> Vec<Option<HeadProbs>> {
        assert_eq!(texts.len(), fast.len());
        assert!(
            fast.iter().all(|p| p.scam == Some(0.5)),
            "the fast answers are passed on"
        );
        let mut seen = self.0.lock().unwrap();
        seen.extend(texts.iter().map(|t| t.to_string()));
        texts
            .iter()
            .map(|_| {
                Some(HeadProbs {
                    scam: Some(0.99),
                    ..Default::default()
                })
            })
            .collect()
    }
}

fn listing(id: &str, title: &str) -> Listing {
    Listing {
        id: id.into(),
        marketplace: "t".into(),
        title: title.into(),
        ..Default::default()
    }
}

#[test]
fn only_the_uncertain_band_reaches_the_second_tier() {
    let mut cfg = ScoringConfig::builtin().unwrap();
    cfg.band.low = 0.3;
    cfg.band.high = 0.8;
    // One giveaway phrase puts a listing in the band; a plain listing stays below it.
    cfg.bias = -3.0;
    cfg.weights.insert("fake_giveaway".into(), 2.8);
    let rec = Arc::new(Recorder::default());
    let s = SoiScorer::new(cfg)
        .with_fast_tier(Arc::new(Unsure))
        .with_second_tier(rec.clone());
    let ls = vec![
        listing("a", "Áo thun cotton"),
        listing("b", "Tặng miễn phí tai nghe"),
    ];
    let v = s.score(&ls);
    let asked = rec.0.lock().unwrap().clone();
    assert_eq!(asked, vec!["Tặng miễn phí tai nghe".to_string()]);
    assert_eq!(v[1].heads.get("scam"), Some(&0.99));
    assert_eq!(v[0].heads.get("scam"), Some(&0.5));
    let r = v[1]
        .reasons
        .iter()
        .find(|r| r.code == "scam_text")
        .expect("scam_text");
    assert!(
        r.message.ends_with("[fast tier + recorder]"),
        "{}",
        r.message
    );
    assert!(v[1].risk > v[0].risk);
    assert!(s.model().contains("recorder"));
}
