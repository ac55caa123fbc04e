use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::ModelError;

/// Schema version written by this build. Readers accept this version and older ones.
pub const SCHEMA_VERSION: u32 = 1;

/// What an envelope carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Listing,
    Seller,
    Verdict,
    /// A listing with its verdict ([`crate::Scored`]).
    Scored,
}

/// A versioned message on the bus: `{"v":1,"kind":"listing","key":"shopee/123","body":{...}}`.
///
/// The key is `marketplace/id`, the same key the stores upsert by, so replaying a message lands on
/// the same row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Envelope<T> {
    pub v: u32,
    pub kind: Kind,
    pub key: String,
    pub body: T,
}

impl<T: Serialize + DeserializeOwned> Envelope<T> {
    pub fn new(kind: Kind, key: String, body: T) -> Self {
        Envelope {
            v: SCHEMA_VERSION,
            kind,
            key,
            body,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain data structures with string keys cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses a message and checks its version and kind.
    pub fn from_bytes(bytes: &[u8], expect: Kind) -> Result<Self, ModelError> {
        let env: Envelope<serde_json::Value> = serde_json::from_slice(bytes)?;
        if env.v > SCHEMA_VERSION {
            return Err(ModelError::Version {
                found: env.v,
                supported: SCHEMA_VERSION,
            });
        }
        if env.kind != expect {
            return Err(ModelError::Invalid {
                field: "kind",
                why: format!("expected {expect:?}, found {:?}", env.kind),
            });
        }
        Ok(Envelope {
            v: env.v,
            kind: env.kind,
            key: env.key,
            body: serde_json::from_value(env.body)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seller;

    #[test]
    fn round_trip_and_version_check() {
        let s = Seller::new("m", "s1");
        let e = Envelope::new(Kind::Seller, s.key(), s.clone());
        let back = Envelope::<Seller>::from_bytes(&e.to_bytes(), Kind::Seller).unwrap();
        assert_eq!(back.body, s);
        let err = Envelope::<Seller>::from_bytes(&e.to_bytes(), Kind::Listing).unwrap_err();
        assert!(err.to_string().contains("kind"));
        let newer = br#"{"v":99,"kind":"seller","key":"m/s1","body":{}}"#;
        let err = Envelope::<Seller>::from_bytes(newer, Kind::Seller).unwrap_err();
        assert!(matches!(err, ModelError::Version { found: 99, .. }));
    }
}
