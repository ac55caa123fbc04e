//! A WACZ package someone sent, through `soi evidence verify FILE.wacz`: any bytes are a report
//! (never a panic), every failure names a file of the package, a zip's entries stay within the
//! read limits however they inflate, and a report without failures has a signed
//! `datapackage.json`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_evidence::package_read::{self, Limits};
use soi_evidence::{datapackage, verify_package, Subject};

fuzz_target!(|data: &[u8]| {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    let report = verify_package(data, &key, None);
    for f in &report.failures {
        assert!(matches!(f.subject, Subject::File(_)), "{f}");
        let _ = f.to_string();
    }
    let read = package_read::read(data);
    if let Ok(entries) = &read {
        for bytes in entries.files.values() {
            assert!(bytes.len() as u64 <= Limits::DEFAULT.entry_bytes);
        }
    }
    if report.ok() {
        let entries = read.expect("a verified package reads");
        assert!(entries.files.contains_key(datapackage::DATAPACKAGE));
        assert!(entries.files.contains_key(datapackage::DIGEST));
    }
});
