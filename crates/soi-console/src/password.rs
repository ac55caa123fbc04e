//! Passwords, kept only as argon2id PHC strings (salt and parameters inside the string), and
//! random tokens for sessions and CSRF.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::ConsoleError;

/// Shortest password accepted for a new user or a reset.
pub const MIN_LEN: usize = 10;

/// Hashes a new password, refusing one too short to be worth hashing.
pub fn hash(password: &str) -> Result<String, ConsoleError> {
    if password.chars().count() < MIN_LEN {
        return Err(ConsoleError::Invalid(format!(
            "the password is too short: use at least {MIN_LEN} characters"
        )));
    }
    let mut salt = [0u8; 16];
    fill(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ConsoleError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ConsoleError::Internal(format!("hashing the password: {e}")))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the user does not exist, so that a login for an unknown name
/// takes as long as one with a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy-password-never-valid").unwrap_or_default())
}

/// 32 random bytes, hex.
pub fn token() -> Result<String, ConsoleError> {
    let mut b = [0u8; 32];
    fill(&mut b)?;
    Ok(hex::encode(b))
}

/// Compares two tokens in time that depends only on their length.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn fill(buf: &mut [u8]) -> Result<(), ConsoleError> {
    getrandom::fill(buf).map_err(|e| ConsoleError::Internal(format!("no randomness: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterx", &a));
        assert!(!verify("anything", "not a hash"));
        assert!(matches!(hash("short"), Err(ConsoleError::Invalid(_))));
    }
}
