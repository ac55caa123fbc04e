//! Reading a WACZ package someone sent: outside input, so bounded. A zip can claim anything in its
//! directory (a bomb inflates a few kilobytes to gigabytes, a directory can list millions of
//! entries), so the entry count, each entry's size and the total are capped, and sizes are
//! enforced on the bytes actually inflated, not on what the directory says. An entry that fails
//! to read (bad CRC, unsupported method) is reported by name, and the rest are still read.

use std::collections::BTreeMap;
use std::io::Read;

/// Most entries a package may have.
pub const MAX_ENTRIES: usize = 10_000;
/// Most bytes one entry may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 512 << 20;
/// Most bytes all entries together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 1 << 30;

/// A package's entries as read.
#[derive(Debug, Default)]
pub struct Entries {
    /// Entries read whole, by name.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Entries that could not be read: name (or `#index`) and why.
    pub unreadable: Vec<(String, String)>,
}

/// Reads the zip `bytes`; `Err` when it is no zip or breaks a cap as a whole.
pub fn read(bytes: &[u8]) -> Result<Entries, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "{} entries, over the {MAX_ENTRIES} limit",
            zip.len()
        ));
    }
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
        if entry.size() > MAX_ENTRY_BYTES {
            out.unreadable.push((
                name,
                format!(
                    "says {} bytes, over the {MAX_ENTRY_BYTES}-byte limit",
                    entry.size()
                ),
            ));
            continue;
        }
        let mut data = Vec::new();
        let read = (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut data);
        if let Err(e) = read {
            out.unreadable.push((name, e.to_string()));
            continue;
        }
        if data.len() as u64 > MAX_ENTRY_BYTES {
            out.unreadable.push((
                name,
                format!("inflates past the {MAX_ENTRY_BYTES}-byte limit"),
            ));
            continue;
        }
        total += data.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "the entries inflate past the {MAX_TOTAL_BYTES}-byte limit"
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
