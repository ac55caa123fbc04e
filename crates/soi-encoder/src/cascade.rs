//! How the encoder's answer and the fast tier's are combined, per head.
//!
//! The fast tier decides alone unless it is unsure: for a binary head, when its probability lies
//! within `band` of its own threshold; for the 4-class head, when its top class has less than
//! `band` probability. Inside the band the two calibrated probabilities are mixed
//! (`fast_weight` of the fast tier's) and compared with the equally mixed threshold; the result
//! is mapped back onto the fast tier's scale (the mixed threshold lands on the fast threshold),
//! so the scorer's gates keep their meaning. `band` and `fast_weight` are chosen on held-out data
//! by `soi train --tier encoder`; a band of 0 makes the cascade the fast tier.

use serde::{Deserialize, Serialize};

use crate::heads::Probs;

/// One head's cascade parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mix {
    pub band: f64,
    pub fast_weight: f64,
}

impl Mix {
    /// The fast tier alone.
    pub const FAST: Mix = Mix {
        band: 0.0,
        fast_weight: 1.0,
    };
}

/// Whether the fast tier's answer is unsure enough to ask the encoder.
pub fn unsure(fast: &Probs, fast_threshold: f64, mix: Mix) -> bool {
    match fast {
        Probs::Binary(p) => (p - fast_threshold).abs() <= mix.band && mix.band > 0.0,
        Probs::Multi(v) => v.iter().copied().fold(0.0, f64::max) < mix.band,
    }
}

/// Maps `p` so that `from` lands on `to`, piecewise linearly, keeping 0 and 1.
fn rescale(p: f64, from: f64, to: f64) -> f64 {
    let (from, to) = (from.clamp(1e-6, 1.0 - 1e-6), to.clamp(1e-6, 1.0 - 1e-6));
    if p <= from {
        p / from * to
    } else {
        to + (p - from) / (1.0 - from) * (1.0 - to)
    }
}

/// The cascade's answer for one text on the fast tier's scale.
pub fn combine(fast: &Probs, enc: &Probs, thresholds: (f64, f64), mix: Mix) -> Probs {
    if !unsure(fast, thresholds.0, mix) {
        return fast.clone();
    }
    let w = mix.fast_weight;
    match (fast, enc) {
        (Probs::Binary(pf), Probs::Binary(pe)) => {
            let p = w * pf + (1.0 - w) * pe;
            let t = w * thresholds.0 + (1.0 - w) * thresholds.1;
            Probs::Binary(rescale(p, t, thresholds.0))
        }
        (Probs::Multi(f), Probs::Multi(e)) if f.len() == e.len() => Probs::Multi(
            f.iter()
                .zip(e)
                .map(|(a, b)| w * a + (1.0 - w) * b)
                .collect(),
        ),
        _ => fast.clone(),
    }
}

/// The score a cascade is chosen by: F1 of the positive class (binary) or macro-F1.
pub fn f1(probs: &[Probs], gold: &[usize], threshold: f64) -> f64 {
    let pred: Vec<usize> = probs.iter().map(|p| p.predict(threshold)).collect();
    if matches!(probs.first(), Some(Probs::Multi(_))) {
        let classes = gold.iter().copied().max().unwrap_or(1).max(1) + 1;
        soi_learn::metrics::macro_f1(&pred, gold, classes)
    } else {
        soi_learn::metrics::prf(&pred, gold, 1).2
    }
}

/// The candidate bands and fast weights tried.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    pub bands: Vec<f64>,
    pub fast_weights: Vec<f64>,
    /// The encoder is used only when the best candidate beats the fast tier alone in at least
    /// this share of bootstrap resamples of the texts it is tuned on (0 accepts any gain).
    /// Gains below that are mostly the noise of choosing among many candidates, and they do not
    /// survive on unseen texts.
    #[serde(default)]
    pub confidence: f64,
}

/// Bootstrap resamples used to judge a gain.
const RESAMPLES: usize = 400;

/// Share of bootstrap resamples (deterministic) in which `a` has a higher F1 than `b`.
fn wins(a: &[Probs], b: &[Probs], gold: &[usize], threshold: f64) -> f64 {
    let n = gold.len();
    if n == 0 {
        return 0.0;
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    let mut won = 0;
    for _ in 0..RESAMPLES {
        let idx: Vec<usize> = (0..n).map(|_| next()).collect();
        let pick = |v: &[Probs]| idx.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        let g: Vec<usize> = idx.iter().map(|&i| gold[i]).collect();
        won += usize::from(f1(&pick(a), &g, threshold) > f1(&pick(b), &g, threshold));
    }
    won as f64 / RESAMPLES as f64
}

/// The cascade's answers for a set of texts.
pub fn apply(fast: &[Probs], enc: &[Probs], thresholds: (f64, f64), mix: Mix) -> Vec<Probs> {
    fast.iter()
        .zip(enc)
        .map(|(f, e)| combine(f, e, thresholds, mix))
        .collect()
}

/// What tuning found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuned {
    /// The mix kept (the fast tier alone unless the best candidate's gain held up).
    pub mix: Mix,
    pub f1: f64,
    /// The best candidate and its F1, kept or not.
    pub candidate: Mix,
    pub candidate_f1: f64,
    /// Share of bootstrap resamples in which the candidate beat the fast tier alone.
    pub wins: f64,
}

/// The mix with the best F1 on these texts (ties go to the narrower band, the fast tier alone
/// first), kept only if it beats the fast tier in `grid.confidence` of bootstrap resamples.
pub fn tune(
    fast: &[Probs],
    enc: &[Probs],
    gold: &[usize],
    thresholds: (f64, f64),
    grid: &Grid,
) -> Tuned {
    let alone = f1(fast, gold, thresholds.0);
    let mut best = (Mix::FAST, alone);
    let mut bands = grid.bands.clone();
    bands.sort_by(f64::total_cmp);
    for &band in &bands {
        for &fast_weight in &grid.fast_weights {
            let mix = Mix { band, fast_weight };
            let s = f1(&apply(fast, enc, thresholds, mix), gold, thresholds.0);
            if s > best.1 + 1e-9 {
                best = (mix, s);
            }
        }
    }
    let wins = if best.0 == Mix::FAST {
        0.0
    } else {
        wins(
            &apply(fast, enc, thresholds, best.0),
            fast,
            gold,
            thresholds.0,
        )
    };
    let keep = best.0 != Mix::FAST && wins >= grid.confidence;
    Tuned {
        mix: if keep { best.0 } else { Mix::FAST },
        f1: if keep { best.1 } else { alone },
        candidate: best.0,
        candidate_f1: best.1,
        wins,
    }
}

/// An honest estimate of the tuned cascade's F1: the texts are split in two halves (alternate
/// items), the mix is tuned on each half and applied to the other, and F1 is taken over all.
pub fn cross_fitted(
    fast: &[Probs],
    enc: &[Probs],
    gold: &[usize],
    thresholds: (f64, f64),
    grid: &Grid,
) -> f64 {
    let half = |k: usize| -> Vec<usize> { (0..gold.len()).filter(|i| i % 2 == k).collect() };
    let pick = |idx: &[usize], v: &[Probs]| idx.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
    let mut out: Vec<Probs> = fast.to_vec();
    for k in 0..2 {
        let (tune_on, apply_to) = (half(k), half(1 - k));
        let g: Vec<usize> = tune_on.iter().map(|&i| gold[i]).collect();
        let mix = tune(
            &pick(&tune_on, fast),
            &pick(&tune_on, enc),
            &g,
            thresholds,
            grid,
        )
        .mix;
        for &i in &apply_to {
            out[i] = combine(&fast[i], &enc[i], thresholds, mix);
        }
    }
    f1(&out, gold, thresholds.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_the_band_the_fast_tier_decides() {
        let m = Mix {
            band: 0.1,
            fast_weight: 0.5,
        };
        let t = (0.4, 0.6);
        assert_eq!(
            combine(&Probs::Binary(0.9), &Probs::Binary(0.0), t, m),
            Probs::Binary(0.9)
        );
        // Inside: mixed 0.45*0.5+0.9*0.5 = 0.675 against mixed threshold 0.5, so above the fast
        // threshold once rescaled.
        let Probs::Binary(p) = combine(&Probs::Binary(0.45), &Probs::Binary(0.9), t, m) else {
            panic!()
        };
        assert!(p > 0.4 && p < 1.0, "{p}");
        assert_eq!(
            combine(&Probs::Binary(0.45), &Probs::Binary(0.9), t, Mix::FAST),
            Probs::Binary(0.45)
        );
    }

    #[test]
    fn tuning_never_loses_to_the_fast_tier_on_its_own_data() {
        let fast: Vec<Probs> = [0.1, 0.45, 0.55, 0.9].map(Probs::Binary).to_vec();
        let enc: Vec<Probs> = [0.2, 0.9, 0.1, 0.8].map(Probs::Binary).to_vec();
        let gold = [0, 1, 0, 1];
        let mut grid = Grid {
            bands: vec![0.0, 0.1, 1.0],
            fast_weights: vec![0.0, 0.5],
            confidence: 0.0,
        };
        let t = tune(&fast, &enc, &gold, (0.5, 0.5), &grid);
        assert!(t.f1 >= f1(&fast, &gold, 0.5));
        assert_eq!(t.f1, 1.0);
        assert_eq!(t.mix.band, 0.1, "the narrowest band that fixes both");
        // Four texts cannot show a gain with 99% confidence: the fast tier stays alone.
        grid.confidence = 0.99;
        let t = tune(&fast, &enc, &gold, (0.5, 0.5), &grid);
        assert_eq!(t.mix, Mix::FAST);
        assert_eq!(t.candidate.band, 0.1, "the candidate is still reported");
        assert!(t.wins < 0.99);
    }
}
