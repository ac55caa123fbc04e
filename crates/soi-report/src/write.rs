//! Writing the report's files into `--out`.
//!
//! Why a module: the file names come from outside strings, so every path is checked to stay
//! inside the output folder, also through symbolic links already there (see `names`), and no
//! two files may land on one path, even on a case-insensitive file system. A TLP:RED report is
//! for its named recipients only: on unix its folders are created 0700 and its files 0600, the
//! mode given when each is created (and a file left by an earlier run is narrowed before any
//! byte is written), so there is no moment at which another user of the machine can read it.
//! Folders that existed before keep their mode; the files in them are 0600 all the same.
//! Reports of other TLP levels get the usual modes (the umask decides).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{names, ReportError};

/// The output folder, resolved.
pub struct Dest {
    out: PathBuf,
    root: PathBuf,
    private: bool,
    written: BTreeSet<String>,
}

impl Dest {
    /// Creates `out` when missing. `private`: owner-only modes (TLP:RED).
    pub fn open(out: &Path, private: bool) -> Result<Dest, ReportError> {
        mkdirs(out, private).map_err(|e| failed(out, e))?;
        let root = out.canonicalize().map_err(|e| failed(out, e))?;
        Ok(Dest {
            out: out.to_path_buf(),
            root,
            private,
            written: BTreeSet::new(),
        })
    }

    /// The path `rel` would have (refused when it leaves the folder).
    pub fn path(&self, rel: &str) -> Result<PathBuf, ReportError> {
        names::under(&self.out, rel)
    }

    /// Writes `bytes` to `rel`; refuses a path outside the folder or one written before.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<PathBuf, ReportError> {
        let path = self.path(rel)?;
        if !self.written.insert(rel.to_lowercase()) {
            return Err(ReportError::Clash {
                path: path.display().to_string(),
            });
        }
        if let Some(dir) = path.parent() {
            mkdirs(dir, self.private).map_err(|e| failed(dir, e))?;
        }
        names::still_under(&self.root, &path)?;
        self.create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| failed(&path, e))?;
        Ok(path)
    }

    fn create(&self, path: &Path) -> std::io::Result<std::fs::File> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if self.private {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            o.mode(0o600);
            let f = o.open(path)?;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            return Ok(f);
        }
        o.open(path)
    }
}

fn mkdirs(dir: &Path, private: bool) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    #[cfg(not(unix))]
    let _ = private;
    b.create(dir)
}

fn failed(path: &Path, e: std::io::Error) -> ReportError {
    ReportError::Write {
        path: path.display().to_string(),
        why: e.to_string(),
    }
}
