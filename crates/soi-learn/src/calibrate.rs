//! Calibration on held-back data: Platt scaling for binary heads (`p = sigmoid(a*z + b)`),
//! temperature scaling for multi-class heads, and the decision threshold that maximises macro-F1.

use soi_score::prob::{sigmoid, softmax_t};

/// Fits Platt's `(a, b)` on logits `z` and 0/1 labels by damped Newton steps with a backtracking
/// line search on the log loss, using Platt's smoothed targets (so separable data stays finite).
/// Returns `(1, 0)` when the data cannot support a fit.
pub fn platt(z: &[f64], y: &[usize]) -> (f64, f64) {
    let pos = y.iter().filter(|&&v| v == 1).count() as f64;
    let neg = y.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return (1.0, 0.0);
    }
    let (t1, t0) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let target = |yi: usize| if yi == 1 { t1 } else { t0 };
    let loss = |a: f64, b: f64| -> f64 {
        z.iter()
            .zip(y)
            .map(|(&zi, &yi)| {
                let f = a * zi + b;
                let t = target(yi);
                // -(t log p + (1-t) log(1-p)), computed stably.
                f.max(0.0) - f * t + (-f.abs()).exp().ln_1p()
            })
            .sum()
    };
    let (mut a, mut b) = (1.0f64, 0.0f64);
    let mut cur = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-6, 0.0, 1e-6);
        for (&zi, &yi) in z.iter().zip(y) {
            let p = sigmoid(a * zi + b);
            let d = p - target(yi);
            let w = (p * (1.0 - p)).max(1e-12);
            ga += d * zi;
            gb += d;
            haa += w * zi * zi;
            hab += w * zi;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-18 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        let mut step = 1.0;
        let mut improved = false;
        while step > 1e-6 {
            let (na, nb) = (a - step * da, b - step * db);
            let l = loss(na, nb);
            if l.is_finite() && l < cur - 1e-12 {
                (a, b, cur) = (na, nb, l);
                improved = true;
                break;
            }
            step /= 2.0;
        }
        if !improved || (da.abs() + db.abs()) * step < 1e-9 {
            break;
        }
    }
    if a.is_finite() && b.is_finite() && a > 0.0 {
        (a, b)
    } else {
        (1.0, 0.0)
    }
}

/// The temperature (searched on a log grid) minimising the log loss of multi-class logits.
pub fn temperature(z: &[Vec<f64>], y: &[usize]) -> f64 {
    let loss = |t: f64| -> f64 {
        z.iter()
            .zip(y)
            .map(|(zi, &yi)| {
                -softmax_t(zi, t)
                    .get(yi)
                    .copied()
                    .unwrap_or(1e-12)
                    .max(1e-12)
                    .ln()
            })
            .sum()
    };
    let mut best = (1.0, loss(1.0));
    for i in -20..=30 {
        let t = 10f64.powf(i as f64 / 20.0);
        let l = loss(t);
        if l < best.1 {
            best = (t, l);
        }
    }
    best.0
}

/// The threshold on calibrated probabilities that maximises macro-F1, smoothed over neighbouring
/// candidates so a single lucky example does not set it.
pub fn best_threshold(p: &[f64], y: &[usize]) -> f64 {
    let grid: Vec<f64> = (5..=95).map(|i| i as f64 / 100.0).collect();
    let score: Vec<f64> = grid
        .iter()
        .map(|&t| {
            let pred: Vec<usize> = p.iter().map(|&v| usize::from(v > t)).collect();
            crate::metrics::macro_f1(&pred, y, 2)
        })
        .collect();
    let smooth = |i: usize| {
        let lo = i.saturating_sub(2);
        let hi = (i + 2).min(score.len() - 1);
        score[lo..=hi].iter().sum::<f64>() / (hi - lo + 1) as f64
    };
    let best = (0..grid.len())
        .max_by(|&a, &b| {
            smooth(a)
                .total_cmp(&smooth(b))
                // Prefer thresholds near 0.5 on ties.
                .then_with(|| (grid[b] - 0.5).abs().total_cmp(&(grid[a] - 0.5).abs()))
        })
        .unwrap_or(45);
    grid[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_is_monotonic_and_sharpens_underconfident_logits() {
        // Logits that are too timid: the label follows sign(z) almost always.
        let z: Vec<f64> = (0..200).map(|i| (i as f64 - 100.0) / 100.0).collect();
        let y: Vec<usize> = z.iter().map(|&v| usize::from(v > 0.0)).collect();
        let (a, b) = platt(&z, &y);
        assert!(a > 1.0, "a={a}");
        let probs: Vec<f64> = z.iter().map(|&v| sigmoid(a * v + b)).collect();
        assert!(
            probs.windows(2).all(|w| w[0] <= w[1]),
            "calibration keeps the order"
        );
        let t = best_threshold(&probs, &y);
        assert!((0.3..=0.7).contains(&t), "t={t}");
    }

    #[test]
    fn platt_stays_finite_on_separable_data() {
        let z = [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0];
        let y = [0, 0, 0, 1, 1, 1];
        let (a, b) = platt(&z, &y);
        assert!(a > 0.0 && a < 20.0 && b.abs() < 5.0, "a={a} b={b}");
        assert!(sigmoid(a * 1.0 + b) > 0.5 && sigmoid(b - a) < 0.5);
    }

    #[test]
    fn temperature_softens_overconfident_logits() {
        let z = vec![
            vec![10.0, 0.0],
            vec![10.0, 0.0],
            vec![0.0, 10.0],
            vec![10.0, 0.0],
        ];
        let y = vec![0, 1, 1, 0];
        assert!(temperature(&z, &y) > 1.0);
    }
}
