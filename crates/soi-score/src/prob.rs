//! The link functions every tier and the fusion share: the logistic function for binary heads and
//! the fused risk, and the tempered softmax for multi-class heads. Kept here, in the scoring seam,
//! because inference needs them as much as training and calibration (`soi-learn`) do.

/// The logistic function.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Softmax of `z / t`.
pub fn softmax_t(z: &[f64], t: f64) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| ((v - m) / t).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}
