//! WARC 1.1 (ISO 28500) export of the evidence store: a `warcinfo` record, then one `response`
//! record per logged fetch, with the HTTP status line and headers as fetched and the body as
//! stored, and a `revisit` record (server-not-modified) per `304`, so the archive shows when
//! a page was confirmed unchanged. Standard tools (warcio, pywb, wget's readers) read it.
//!
//! The crawler stores bodies after transfer decoding, so `Content-Encoding`/`Transfer-Encoding`
//! are dropped and `Content-Length` is set to the stored body's length; digests are sha256 over
//! exactly the bytes written (computed here, never copied from the log). A body that is missing
//! or fails its check is left out with a warning rather than exported under a false digest.

use std::collections::HashMap;
use std::io::Write;

use sha2::{Digest, Sha256};

use crate::evidence::{EvidenceRecord, EvidenceStore};
use crate::EvidenceError;

/// Writes every record of `store` to `out` as WARC (`response` records, and `revisit` records
/// for `304` answers); returns the number of records after the `warcinfo`.
pub fn export(store: &EvidenceStore, out: &mut dyn Write) -> Result<usize, EvidenceError> {
    export_where(store, out, &|_, _| true)
}

/// Like [`export`], but only the records for which `keep(position in the log, record)` holds
/// (a WACZ package of one listing's captures).
pub fn export_where(
    store: &EvidenceStore,
    out: &mut dyn Write,
    keep: &dyn Fn(usize, &EvidenceRecord) -> bool,
) -> Result<usize, EvidenceError> {
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
    let mut first_seen: HashMap<String, (String, String)> = HashMap::new();
    for (i, rec) in store.records()?.into_iter().enumerate() {
        if !keep(i, &rec) {
            continue;
        }
        let date = rec.fetched_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        if rec.status == 304 {
            write_revisit(out, &rec, &date, first_seen.get(&rec.sha256)).map_err(err)?;
            n += 1;
            continue;
        }
        first_seen
            .entry(rec.sha256.clone())
            .or_insert_with(|| (rec.url.clone(), date.clone()));
        let body = match store.body(&rec.sha256) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(url = %rec.url, error = %e, "evidence body unusable; record left out of the WARC");
                continue;
            }
        };
        if rec.url.starts_with(crate::screenshot::URN) {
            write_resource(out, &rec, &date, &body).map_err(err)?;
            n += 1;
            continue;
        }
        let mut block = format!("HTTP/1.1 {} {}\r\n", rec.status, reason(rec.status)).into_bytes();
        push_headers(&mut block, &rec.headers);
        block.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        block.extend_from_slice(&body);
        write_record(
            out,
            &[
                ("WARC-Type", "response".into()),
                ("WARC-Record-ID", record_id(&[&rec.url, &rec.sha256, &date])),
                ("WARC-Date", date),
                ("WARC-Target-URI", rec.url.clone()),
                ("Content-Type", "application/http;msgtype=response".into()),
                (
                    "WARC-Payload-Digest",
                    format!("sha256:{}", hex::encode(Sha256::digest(&body))),
                ),
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

/// A `resource` record: something soi made rather than fetched (a screenshot of a capture), the
/// body as it is, typed by its `Content-Type` header.
fn write_resource(
    out: &mut dyn Write,
    rec: &EvidenceRecord,
    date: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let kind = rec
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map_or("application/octet-stream", |(_, v)| v.as_str());
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(body)));
    write_record(
        out,
        &[
            ("WARC-Type", "resource".into()),
            ("WARC-Record-ID", record_id(&[&rec.url, &rec.sha256, date])),
            ("WARC-Date", date.to_string()),
            ("WARC-Target-URI", rec.url.clone()),
            ("Content-Type", kind.to_string()),
            ("WARC-Payload-Digest", digest.clone()),
            ("WARC-Block-Digest", digest),
        ],
        body,
    )
}

/// A `revisit` record (profile server-not-modified) for a `304` answer: the HTTP head only,
/// pointing at the response that carried the body.
fn write_revisit(
    out: &mut dyn Write,
    rec: &EvidenceRecord,
    date: &str,
    original: Option<&(String, String)>,
) -> std::io::Result<()> {
    let mut block = b"HTTP/1.1 304 Not Modified\r\n".to_vec();
    push_headers(&mut block, &rec.headers);
    block.extend_from_slice(b"\r\n");
    let mut fields = vec![
        ("WARC-Type", "revisit".to_string()),
        (
            "WARC-Record-ID",
            record_id(&[&rec.url, &rec.sha256, date, "304"]),
        ),
        ("WARC-Date", date.to_string()),
        ("WARC-Target-URI", rec.url.clone()),
        (
            "WARC-Profile",
            "http://netpreserve.org/warc/1.1/revisit/server-not-modified".into(),
        ),
        ("Content-Type", "application/http;msgtype=response".into()),
        ("WARC-Payload-Digest", format!("sha256:{}", rec.sha256)),
    ];
    if let Some((uri, when)) = original {
        fields.push(("WARC-Refers-To-Target-URI", uri.clone()));
        fields.push(("WARC-Refers-To-Date", when.clone()));
    }
    write_record(out, &fields, &block)
}

/// The fetched headers, less those describing a transfer encoding the stored body no longer has.
fn push_headers(block: &mut Vec<u8>, headers: &[(String, String)]) {
    for (k, v) in headers {
        let lk = k.to_ascii_lowercase();
        if lk == "content-encoding" || lk == "transfer-encoding" || lk == "content-length" {
            continue;
        }
        block.extend_from_slice(format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")).as_bytes());
    }
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
