//! RFC 3161 in DER, through RustCrypto's `x509-tsp`/`cms`/`der` types: the request soi sends and
//! the reading of what a TSA answers.
//!
//! The answer is outside input, so [`parse_response`] bounds it ([`MAX_RESPONSE`]) before decoding
//! and every malformed byte is a [`TspError`], never a panic (the `tsa_response` fuzz target holds
//! it to that). Reading a token ([`tst_info`]) checks its structure only; whether its signature
//! holds is [`crate::token`]'s job.

use cmpv2::status::PkiStatus;
use cms::cert::x509::spki::AlgorithmIdentifierOwned;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Any, Int, OctetString, OctetStringRef};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::error::TspError;

/// The largest answer read: a token with a few certificates is a few KiB.
pub const MAX_RESPONSE: usize = 256 * 1024;

/// id-sha256.
pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// id-signedData.
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-ct-TSTInfo.
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// A TimeStampReq (DER) for a sha256 `imprint`, asking for the TSA's certificate in the token.
/// `nonce` is big-endian; its first byte must be below 0x80 and non-zero.
pub fn request(imprint: &[u8; 32], nonce: &[u8]) -> Result<Vec<u8>, TspError> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: SHA256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(imprint.to_vec())?,
        },
        req_policy: None,
        nonce: Some(Int::new(nonce)?),
        cert_req: true,
        extensions: None,
    };
    Ok(req.to_der()?)
}

/// The token (DER) of a TimeStampResp, when the TSA granted the request.
pub fn parse_response(der: &[u8]) -> Result<Vec<u8>, TspError> {
    if der.len() > MAX_RESPONSE {
        return Err(TspError::TooLarge {
            len: der.len(),
            max: MAX_RESPONSE,
        });
    }
    let resp = TimeStampResp::from_der(der)?;
    match resp.status.status {
        PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
        other => {
            let text = resp
                .status
                .status_string
                .iter()
                .flatten()
                .map(|s| format!(": {}", s.as_str()))
                .collect::<String>();
            return Err(TspError::Refused {
                status: format!("{other:?}"),
                text,
            });
        }
    }
    let token = resp.time_stamp_token.ok_or(TspError::NoToken)?;
    Ok(token.to_der()?)
}

/// What a token says, unverified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFacts {
    /// The TSTInfo's DER: the bytes the TSA signed.
    pub tst_der: Vec<u8>,
    pub imprint_algorithm: ObjectIdentifier,
    pub imprint: Vec<u8>,
    pub nonce: Option<Vec<u8>>,
    /// genTime, seconds since the Unix epoch.
    pub gen_time: u64,
    pub serial: Vec<u8>,
}

/// Reads a token's TSTInfo (a ContentInfo of SignedData holding id-ct-TSTInfo).
pub fn tst_info(token: &[u8]) -> Result<TokenFacts, TspError> {
    if token.len() > MAX_RESPONSE {
        return Err(TspError::TooLarge {
            len: token.len(),
            max: MAX_RESPONSE,
        });
    }
    let ci = ContentInfo::from_der(token)?;
    if ci.content_type != SIGNED_DATA {
        return Err(TspError::NotTstInfo(format!(
            "content type {}",
            ci.content_type
        )));
    }
    let sd: SignedData = ci.content.decode_as()?;
    let encap = sd.encap_content_info;
    if encap.econtent_type != TST_INFO {
        return Err(TspError::NotTstInfo(format!(
            "signed content type {}",
            encap.econtent_type
        )));
    }
    let econtent = encap
        .econtent
        .ok_or_else(|| TspError::NotTstInfo("no signed content".into()))?;
    let octets: OctetStringRef<'_> = econtent.decode_as()?;
    let tst_der = octets.as_bytes().to_vec();
    let tst = TstInfo::from_der(&tst_der)?;
    Ok(TokenFacts {
        imprint_algorithm: tst.message_imprint.hash_algorithm.oid,
        imprint: tst.message_imprint.hashed_message.as_bytes().to_vec(),
        nonce: tst.nonce.map(|n| n.as_bytes().to_vec()),
        gen_time: tst.gen_time.to_unix_duration().as_secs(),
        serial: tst.serial_number.as_bytes().to_vec(),
        tst_der,
    })
}

/// Checks that `facts` timestamp the sha256 `imprint` (and carry `nonce`, when given).
pub fn check_imprint(
    facts: &TokenFacts,
    imprint: &[u8; 32],
    nonce: Option<&[u8]>,
) -> Result<(), TspError> {
    if facts.imprint_algorithm != SHA256 {
        return Err(TspError::Algorithm(facts.imprint_algorithm.to_string()));
    }
    if facts.imprint != imprint {
        return Err(TspError::Imprint {
            got: hex::encode(&facts.imprint),
            want: hex::encode(imprint),
        });
    }
    if let Some(nonce) = nonce {
        let want = Int::new(nonce)?;
        if facts.nonce.as_deref() != Some(want.as_bytes()) {
            return Err(TspError::Nonce);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_decodes_back_to_its_imprint_and_nonce() {
        let der = request(&[7; 32], &[0x12, 0x34]).unwrap();
        let req = TimeStampReq::from_der(&der).unwrap();
        assert_eq!(req.message_imprint.hash_algorithm.oid, SHA256);
        assert_eq!(req.message_imprint.hashed_message.as_bytes(), &[7; 32]);
        assert_eq!(req.nonce.unwrap().as_bytes(), &[0x12, 0x34]);
        assert!(req.cert_req);
    }

    #[test]
    fn garbage_oversize_and_truncated_answers_are_errors() {
        assert!(matches!(
            parse_response(b"\x30\x03\x02\x01"),
            Err(TspError::Der(_))
        ));
        assert!(matches!(
            parse_response(&vec![0x30; MAX_RESPONSE + 1]),
            Err(TspError::TooLarge { .. })
        ));
        assert!(matches!(tst_info(b""), Err(TspError::Der(_))));
    }

    #[test]
    fn a_rejection_is_refused_with_its_status() {
        // TimeStampResp { status: { status: rejection(2) } }
        let der = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02];
        let e = parse_response(&der).unwrap_err();
        assert!(matches!(e, TspError::Refused { .. }), "{e:?}");
    }
}
