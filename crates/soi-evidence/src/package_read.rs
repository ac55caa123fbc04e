//! Reading a WACZ package someone sent: outside input, so bounded. A zip can claim anything in its
//! directory (a bomb inflates a few kilobytes to gigabytes, a directory can list millions of
//! entries), so the entry count, each entry's size and the total are capped, and sizes are
//! enforced on the bytes actually inflated, not on what the directory says. An entry that fails
//! to read (bad CRC, unsupported method) is reported by name, and the rest are still read.

use std::collections::BTreeMap;
use std::io::Read;

/// How much a package may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries.
    pub entries: usize,
    /// Most bytes one entry may inflate to.
    pub entry_bytes: u64,
    /// Most bytes all entries together may inflate to.
    pub total_bytes: u64,
}

impl Limits {
    /// What `soi evidence verify` accepts: far above a listing's or seller's package.
    pub const DEFAULT: Limits = Limits {
        entries: 10_000,
        entry_bytes: 512 << 20,
        total_bytes: 1 << 30,
    };
}

/// A package's entries as read.
#[derive(Debug, Default)]
pub struct Entries {
    /// Entries read whole, by name.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Entries that could not be read: name (or `#index`) and why.
    pub unreadable: Vec<(String, String)>,
}

/// Reads the zip `bytes` within [`Limits::DEFAULT`].
pub fn read(bytes: &[u8]) -> Result<Entries, String> {
    read_with(bytes, &Limits::DEFAULT)
}

/// Reads the zip `bytes`; `Err` when it is no zip or breaks a limit as a whole (too many entries,
/// too many bytes in all); an entry over its own limit is unreadable.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<Entries, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    if zip.len() > limits.entries {
        return Err(format!(
            "{} entries, over the {} limit",
            zip.len(),
            limits.entries
        ));
    }
    let max = limits.entry_bytes;
    let mut out = Entries::default();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.unreadable.push((format!("#{i}"), e.to_string()));
                continue;
            }
        };
        let name = match entry.name() {
            Ok(n) => n.into_owned(),
            Err(e) => {
                out.unreadable.push((format!("#{i}"), e.to_string()));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        if entry.size() > max {
            out.unreadable.push((
                name,
                format!("says {} bytes, over the {max}-byte limit", entry.size()),
            ));
            continue;
        }
        let mut data = Vec::new();
        let read = (&mut entry).take(max + 1).read_to_end(&mut data);
        if let Err(e) = read {
            out.unreadable.push((name, e.to_string()));
            continue;
        }
        if data.len() as u64 > max {
            out.unreadable
                .push((name, format!("inflates past the {max}-byte limit")));
            continue;
        }
        total += data.len() as u64;
        if total > limits.total_bytes {
            return Err(format!(
                "the entries inflate past the {}-byte limit",
                limits.total_bytes
            ));
        }
        if out.files.contains_key(&name) {
            out.unreadable
                .push((name, "appears twice in the zip".into()));
            continue;
        }
        out.files.insert(name, data);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in files {
            let o = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const SMALL: Limits = Limits {
        entries: 2,
        entry_bytes: 1000,
        total_bytes: 1500,
    };

    #[test]
    fn entries_read_whole_within_the_limits() {
        let z = zip_of(&[("a/x", b"hello"), ("b/y", &[7u8; 1000])]);
        let e = read_with(&z, &SMALL).unwrap();
        assert_eq!(e.files["a/x"], b"hello");
        assert_eq!(e.files["b/y"].len(), 1000);
        assert!(e.unreadable.is_empty());
    }

    #[test]
    fn a_bomb_an_entry_flood_and_a_large_total_are_refused() {
        // 100 kB of zeros deflates to about 100 bytes: the entry is refused, not inflated.
        let bomb = zip_of(&[("a/bomb", &[0u8; 100_000]), ("a/ok", b"fine")]);
        assert!(bomb.len() < 2_000, "{}", bomb.len());
        let e = read_with(&bomb, &SMALL).unwrap();
        assert_eq!(e.unreadable.len(), 1);
        assert_eq!(e.unreadable[0].0, "a/bomb");
        assert!(
            e.unreadable[0].1.contains("1000-byte limit"),
            "{:?}",
            e.unreadable
        );
        assert_eq!(e.files["a/ok"], b"fine");

        let flood = zip_of(&[("a", b""), ("b", b""), ("c", b"")]);
        assert!(read_with(&flood, &SMALL).unwrap_err().contains("3 entries"));

        let big = zip_of(&[("a", &[1u8; 800]), ("b", &[2u8; 800])]);
        assert!(read_with(&big, &SMALL)
            .unwrap_err()
            .contains("1500-byte limit"));
        assert!(read(b"not a zip").is_err());
    }
}
