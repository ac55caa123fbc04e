//! Files that survive a crash or a power cut: what the crawler writes (evidence bodies, the crawl
//! state) is either absent or complete afterwards, never an empty or half-written file that is
//! "present" forever. Files and folders are private (0600/0700 on Unix): evidence of an
//! investigation is TLP-restricted by default.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` and its missing parents, each 0700 on Unix.
pub fn private_dirs(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// `o`, creating files 0600 on Unix.
pub fn private_file(o: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(o, 0o600);
    o
}

/// Writes `body` to `path`: a temporary file beside it, fsynced, renamed into place, then the
/// folder fsynced so the rename itself is on disk. Errors carry no path: callers name it.
pub fn write(path: &Path, body: &[u8]) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    private_dirs(parent)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f =
        private_file(OpenOptions::new().write(true).create(true).truncate(true)).open(&tmp)?;
    f.write_all(body)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)?;
    #[cfg(unix)]
    fs::File::open(parent)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_private_files_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/state.json");
        write(&p, b"{\"x\":1}").unwrap();
        write(&p, b"{}").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"{}");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
            let d = fs::metadata(dir.path().join("a")).unwrap();
            assert_eq!(d.permissions().mode() & 0o777, 0o700);
        }
    }
}
