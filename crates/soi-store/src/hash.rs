//! Content hashes that ignore volatile fields, so that "nothing changed" can be decided per row.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// sha256 (hex) of the JSON of `value` with the named top-level fields removed.
pub fn content_hash<T: Serialize>(value: &T, ignore: &[&str]) -> String {
    let mut v = serde_json::to_value(value).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        for k in ignore {
            obj.remove(*k);
        }
    }
    // serde_json's Map is ordered by key (no preserve_order feature), so the text is canonical.
    hex::encode(Sha256::digest(v.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ignores_named_fields_only() {
        let a = json!({"id": "1", "observed_at": "2026-01-01", "title": "x"});
        let b = json!({"title": "x", "id": "1", "observed_at": "2027-01-01"});
        let c = json!({"id": "1", "observed_at": "2026-01-01", "title": "y"});
        assert_eq!(
            content_hash(&a, &["observed_at"]),
            content_hash(&b, &["observed_at"])
        );
        assert_ne!(
            content_hash(&a, &["observed_at"]),
            content_hash(&c, &["observed_at"])
        );
        assert_ne!(content_hash(&a, &[]), content_hash(&b, &[]));
    }
}
