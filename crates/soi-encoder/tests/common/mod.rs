//! Helpers shared by the encoder's integration tests.

use std::path::PathBuf;

/// The all-MiniLM-L6-v2 folder from deploy/fetch-encoder.sh: `None` (with a message) where it
/// is absent, a failure where SOI_REQUIRE_DATA=1 (CI).
pub fn checkpoint() -> Option<PathBuf> {
    let dir = soi_encoder::paths::default_model_dir()?;
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("SOI_REQUIRE_DATA").as_deref() != Ok("1"),
        "SOI_REQUIRE_DATA=1 but no encoder at {} (run deploy/fetch-encoder.sh)",
        dir.display()
    );
    eprintln!(
        "skipped: no encoder at {} (run deploy/fetch-encoder.sh)",
        dir.display()
    );
    None
}

pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}
