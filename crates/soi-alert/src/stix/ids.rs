//! Deterministic STIX identifiers: UUIDv5 from stable keys, so the same data always gives the
//! same ids (and byte-identical bundles). Cyber-observables use the namespace and the
//! id-contributing properties the STIX 2.1 specification defines for them.

use serde_json::{json, Value};
use uuid::Uuid;

/// STIX 2.1's namespace for cyber-observable ids (section 2.9).
const SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);
/// soi's own namespace for domain objects (UUIDv5 of "soi.stix" in the URL namespace).
fn sdo_namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://soi.invalid/stix")
}

/// `TYPE--uuid5(soi, TYPE|KEY)` for a domain object, bundle or relationship.
pub fn sdo_id(kind: &str, key: &str) -> String {
    let name = format!("{kind}|{key}");
    format!(
        "{kind}--{}",
        Uuid::new_v5(&sdo_namespace(), name.as_bytes())
    )
}

/// The id of a cyber-observable from its id-contributing properties (serialized as canonical
/// JSON: keys sorted, no spaces).
pub fn sco_id(kind: &str, contributing: &Value) -> String {
    // serde_json's map keeps keys sorted, so to_string is the canonical form here.
    let text = contributing.to_string();
    format!("{kind}--{}", Uuid::new_v5(&SCO_NAMESPACE, text.as_bytes()))
}

pub fn url_id(value: &str) -> String {
    sco_id("url", &json!({ "value": value }))
}

pub fn domain_id(value: &str) -> String {
    sco_id("domain-name", &json!({ "value": value }))
}

pub fn artifact_id(sha256: &str) -> String {
    sco_id("artifact", &json!({ "hashes": { "SHA-256": sha256 } }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(sdo_id("identity", "a"), sdo_id("identity", "a"));
        assert_ne!(sdo_id("identity", "a"), sdo_id("identity", "b"));
        assert!(url_id("http://x").starts_with("url--"));
        assert_ne!(domain_id("x"), url_id("x"));
    }
}
