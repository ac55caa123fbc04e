//! The installation's Ed25519 signing key: who sealed a batch.
//!
//! Kept as a PKCS#8 PEM file, `HOME/keys/evidence-ed25519.pem`, created 0600 and never
//! overwritten (a lost key only stops new signatures; an overwritten one would orphan every batch
//! signed before). The environment variable [`KEY_ENV`] may hold the same PEM instead, for
//! installations that keep secrets out of the state folder; it wins over the file. PEM is what
//! OpenSSL reads, so the key and its public half also work with `openssl pkeyutl`.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::error::KeyError;

/// Environment variable holding the signing key as PKCS#8 PEM (wins over the file).
pub const KEY_ENV: &str = "SOI_EVIDENCE_KEY";

/// Where the key file lives under the soi home.
pub fn key_path(home: &Path) -> PathBuf {
    home.join("keys").join("evidence-ed25519.pem")
}

/// Makes a new key file under `home` and returns its public key; [`KeyError::Exists`] when a
/// key file is there already.
pub fn init(home: &Path) -> Result<VerifyingKey, KeyError> {
    let path = key_path(home);
    let io = |source| KeyError::Io {
        path: path.clone(),
        source,
    };
    if path.exists() {
        return Err(KeyError::Exists { path });
    }
    let mut seed = [0u8; 32];
    openssl::rand::rand_bytes(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Invalid {
            origin: "a new key".into(),
            why: e.to_string(),
        })?;
    if let Some(dir) = path.parent() {
        soi_crawl::durable::private_dirs(dir).map_err(io)?;
    }
    let mut f =
        soi_crawl::durable::private_file(std::fs::OpenOptions::new().write(true).create_new(true))
            .open(&path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => KeyError::Exists { path: path.clone() },
                _ => io(e),
            })?;
    f.write_all(pem.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(key.verifying_key())
}

/// The signing key: from [`KEY_ENV`] when set, else the file under `home`; `None` when neither
/// exists.
pub fn load(home: &Path) -> Result<Option<SigningKey>, KeyError> {
    if let Ok(pem) = std::env::var(KEY_ENV) {
        return parse(&pem, KEY_ENV).map(Some);
    }
    let path = key_path(home);
    match std::fs::read_to_string(&path) {
        Ok(pem) => parse(&pem, &path.display().to_string()).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeyError::Io { path, source }),
    }
}

/// Like [`load`], but a missing key is an error.
pub fn require(home: &Path) -> Result<SigningKey, KeyError> {
    load(home)?.ok_or(KeyError::Missing { env: KEY_ENV })
}

fn parse(pem: &str, origin: &str) -> Result<SigningKey, KeyError> {
    SigningKey::from_pkcs8_pem(pem).map_err(|e| KeyError::Invalid {
        origin: origin.to_string(),
        why: e.to_string(),
    })
}

/// The public key as SPKI PEM (`openssl pkeyutl -verify -pubin -inkey` reads it).
pub fn public_pem(key: &VerifyingKey) -> String {
    key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
}

/// The public key's 32 bytes, hex (what manifests name their signer by).
pub fn public_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

/// A public key from SPKI PEM (what [`public_pem`] writes).
pub fn parse_public_pem(pem: &str, origin: &str) -> Result<VerifyingKey, KeyError> {
    VerifyingKey::from_public_key_pem(pem).map_err(|e| KeyError::Invalid {
        origin: origin.to_string(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_a_private_key_once_and_load_reads_it_back() {
        let home = tempfile::tempdir().unwrap();
        let public = init(home.path()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(home.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(init(home.path()), Err(KeyError::Exists { .. })));
        let key = load(home.path()).unwrap().unwrap();
        assert_eq!(key.verifying_key(), public);
        let pem = public_pem(&public);
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
        assert_eq!(parse_public_pem(&pem, "test").unwrap(), public);
    }

    #[test]
    fn a_missing_key_is_none_and_a_bad_file_names_itself() {
        let home = tempfile::tempdir().unwrap();
        assert!(load(home.path()).unwrap().is_none());
        let path = key_path(home.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "not a key").unwrap();
        let e = load(home.path()).unwrap_err().to_string();
        assert!(e.contains("evidence-ed25519.pem"), "{e}");
    }
}
