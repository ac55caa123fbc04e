//! WARC 1.1 (ISO 28500) export of the evidence store: a `warcinfo` record, then one `response`
//! record per logged fetch, with the HTTP status line and headers as fetched and the body as
//! stored. Standard tools (warcio, pywb, wget's readers) read it.
//!
//! The crawler stores bodies after transfer decoding, so `Content-Encoding`/`Transfer-Encoding`
//! are dropped and `Content-Length` is set to the stored body's length; digests are sha256 over
//! exactly the bytes written.

use std::io::Write;

use sha2::{Digest, Sha256};

use crate::evidence::EvidenceStore;
use crate::EvidenceError;

/// Writes every record of `store` to `out` as WARC; returns the number of response records.
pub fn export(store: &EvidenceStore, out: &mut dyn Write) -> Result<usize, EvidenceError> {
    let err = |e: std::io::Error| EvidenceError::Io {
        path: store.dir().to_path_buf(),
        source: e,
    };
    let now = chrono::Utc::now();
    let info = format!(
        "software: soi-crawl {}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        env!("CARGO_PKG_VERSION")
    );
    write_record(
        out,
        &[
            ("WARC-Type", "warcinfo".into()),
            (
                "WARC-Record-ID",
                record_id(&["warcinfo", &now.to_rfc3339()]),
            ),
            ("WARC-Date", now.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            ("Content-Type", "application/warc-fields".into()),
        ],
        info.as_bytes(),
    )
    .map_err(err)?;
    let mut n = 0;
    for rec in store.records()? {
        let body = store.body(&rec.sha256)?;
        let mut block = format!("HTTP/1.1 {} {}\r\n", rec.status, reason(rec.status)).into_bytes();
        for (k, v) in &rec.headers {
            let lk = k.to_ascii_lowercase();
            if lk == "content-encoding" || lk == "transfer-encoding" || lk == "content-length" {
                continue;
            }
            block
                .extend_from_slice(format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")).as_bytes());
        }
        block.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        block.extend_from_slice(&body);
        let date = rec.fetched_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        write_record(
            out,
            &[
                ("WARC-Type", "response".into()),
                ("WARC-Record-ID", record_id(&[&rec.url, &rec.sha256, &date])),
                ("WARC-Date", date),
                ("WARC-Target-URI", rec.url.clone()),
                ("Content-Type", "application/http;msgtype=response".into()),
                ("WARC-Payload-Digest", format!("sha256:{}", rec.sha256)),
                (
                    "WARC-Block-Digest",
                    format!("sha256:{}", hex::encode(Sha256::digest(&block))),
                ),
            ],
            &block,
        )
        .map_err(err)?;
        n += 1;
    }
    Ok(n)
}

fn write_record(
    out: &mut dyn Write,
    fields: &[(&str, String)],
    block: &[u8],
) -> std::io::Result<()> {
    out.write_all(b"WARC/1.1\r\n")?;
    for (k, v) in fields {
        out.write_all(format!("{k}: {v}\r\n").as_bytes())?;
    }
    out.write_all(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes())?;
    out.write_all(block)?;
    out.write_all(b"\r\n\r\n")
}

/// A stable `<urn:uuid:...>` derived from the record's identity.
fn record_id(parts: &[&str]) -> String {
    let d = Sha256::digest(parts.join("\u{0}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        203 => "Non-Authoritative Information",
        206 => "Partial Content",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "",
    }
}
