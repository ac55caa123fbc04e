//! Webhook signatures: HMAC-SHA256 over `TIMESTAMP.BODY`, with the timestamp (Unix seconds) and
//! the signature in headers. Signing the timestamp with the body lets the receiver reject
//! replays of an old, captured request. The idempotency key travels in a header and inside the
//! signed body; [`verify_request`] checks that both agree, so a captured body cannot be replayed
//! under a fresh key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::AlertError;

/// Header carrying the Unix time (seconds) the request was signed at.
pub const TIMESTAMP_HEADER: &str = "x-soi-timestamp";
/// Header carrying `sha256=HEX`.
pub const SIGNATURE_HEADER: &str = "x-soi-signature";
/// Header carrying the alert's idempotency key; receivers drop a key they have seen.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The signature header value for `body` signed at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Checks a received payload: the signature must match (in constant time) and the timestamp must
/// lie within `max_age_secs` of `now` (either side, for clock skew).
pub fn verify(
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: i64,
    max_age_secs: i64,
) -> Result<(), AlertError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| AlertError::Signature(format!("timestamp `{timestamp}` is not a number")))?;
    let age = now.checked_sub(ts).and_then(i64::checked_abs);
    match age {
        Some(age) if age <= max_age_secs => {}
        Some(age) => {
            return Err(AlertError::Signature(format!(
                "timestamp {ts} is {age}s away from now; at most {max_age_secs}s is accepted"
            )))
        }
        None => {
            return Err(AlertError::Signature(format!(
                "timestamp {ts} is too far away from now"
            )))
        }
    }
    let hex_sig = signature.trim().strip_prefix("sha256=").ok_or_else(|| {
        AlertError::Signature("signature does not start with `sha256=`".to_string())
    })?;
    let bytes = hex::decode(hex_sig)
        .map_err(|_| AlertError::Signature("signature is not hex".to_string()))?;
    mac(secret, ts, body)
        .verify_slice(&bytes)
        .map_err(|_| AlertError::Signature("signature does not match the body".to_string()))
}

/// Checks a received request: [`verify`], then that the body's `idempotency_key` is the one in
/// the idempotency header.
pub fn verify_request(
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    idempotency_key: &str,
    body: &[u8],
    now: i64,
    max_age_secs: i64,
) -> Result<(), AlertError> {
    verify(secret, timestamp, signature, body, now, max_age_secs)?;
    let signed = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("idempotency_key")?.as_str().map(str::to_string));
    match signed {
        Some(k) if k == idempotency_key.trim() => Ok(()),
        Some(k) => Err(AlertError::Signature(format!(
            "the idempotency header `{idempotency_key}` differs from the signed key `{k}`"
        ))),
        None => Err(AlertError::Signature(
            "the signed body carries no idempotency_key".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_its_own_and_rejects_tampering_and_age() {
        let s = sign(b"k", 1_000, b"{}");
        verify(b"k", "1000", &s, b"{}", 1_010, 300).unwrap();
        assert!(verify(b"k", "1000", &s, b"{ }", 1_010, 300).is_err());
        assert!(verify(b"x", "1000", &s, b"{}", 1_010, 300).is_err());
        assert!(verify(b"k", "1001", &s, b"{}", 1_010, 300).is_err());
        let e = verify(b"k", "1000", &s, b"{}", 2_000, 300).unwrap_err();
        assert!(e.to_string().contains("away from now"), "{e}");
        for ts in [i64::MIN, i64::MAX] {
            let sig = sign(b"k", ts, b"{}");
            let e = verify(b"k", &ts.to_string(), &sig, b"{}", 1_010, 300).unwrap_err();
            assert!(e.to_string().contains("away from now"), "{e}");
        }
    }
}
