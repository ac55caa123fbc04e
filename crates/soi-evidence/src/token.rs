//! Whether a timestamp token holds: its TSTInfo timestamps this manifest's sha256, and its CMS
//! signature verifies with the TSA certificate it carries (chained to the configured CA, when
//! there is one, with the time-stamping purpose).
//!
//! The signature check is OpenSSL's CMS verification (the `openssl` crate, already the one TLS
//! stack of the tree): TSAs sign with RSA or ECDSA, and OpenSSL is what a recipient checks with
//! too (`openssl ts -verify`), so soi and the recipient agree by construction.

use std::path::Path;

use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::{X509PurposeId, X509};
use sha2::{Digest, Sha256};

use crate::error::{ConfigError, TspError};
use crate::tsp::{self, TokenFacts};

/// The CA certificates tokens must chain to.
pub struct TrustAnchors(X509Store);

impl TrustAnchors {
    /// Reads a PEM file of one or more CA certificates.
    pub fn load(path: &Path) -> Result<TrustAnchors, ConfigError> {
        let invalid = |why: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            why,
        };
        let pem = std::fs::read(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let certs = X509::stack_from_pem(&pem).map_err(|e| invalid(e.to_string()))?;
        if certs.is_empty() {
            return Err(invalid("no certificate in the file".into()));
        }
        let mut b = X509StoreBuilder::new().map_err(|e| invalid(e.to_string()))?;
        for c in certs {
            b.add_cert(c).map_err(|e| invalid(e.to_string()))?;
        }
        b.set_purpose(X509PurposeId::TIMESTAMP_SIGN)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(TrustAnchors(b.build()))
    }
}

/// Checks `token` against the manifest bytes it should timestamp; what it says when it holds.
pub fn verify(
    token: &[u8],
    manifest: &[u8],
    anchors: Option<&TrustAnchors>,
) -> Result<TokenFacts, TspError> {
    let facts = tsp::tst_info(token)?;
    let imprint: [u8; 32] = Sha256::digest(manifest).into();
    tsp::check_imprint(&facts, &imprint, None)?;
    verify_signature(token, &facts, anchors)?;
    Ok(facts)
}

/// Checks the token's CMS signature over its TSTInfo.
pub fn verify_signature(
    token: &[u8],
    facts: &TokenFacts,
    anchors: Option<&TrustAnchors>,
) -> Result<(), TspError> {
    let sig = |e: openssl::error::ErrorStack| TspError::Signature(e.to_string());
    let mut cms = CmsContentInfo::from_der(token).map_err(sig)?;
    let mut flags = CMSOptions::BINARY;
    if anchors.is_none() {
        flags |= CMSOptions::NOVERIFY;
    }
    let mut signed = vec![];
    cms.verify(None, anchors.map(|a| &*a.0), None, Some(&mut signed), flags)
        .map_err(sig)?;
    if signed != facts.tst_der {
        return Err(TspError::Signature(
            "the signed content is not the token's TSTInfo".into(),
        ));
    }
    Ok(())
}
