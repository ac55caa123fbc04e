//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (where `pipelines/` and `models/` are).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A `soi` command run from the repository root with its state in `home`.
pub fn soi(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_soi"));
    c.current_dir(repo_root())
        .env("SOI_HOME", home)
        .env_remove("SOI_STORE")
        .env_remove("RUST_LOG")
        .arg("--quiet")
        .stdin(Stdio::null());
    c
}

/// Runs and returns the output, failing the test with stderr when the exit status is not `code`.
pub fn run_expect(cmd: &mut Command, code: i32) -> Output {
    let out = cmd.output().expect("running soi");
    assert_eq!(
        out.status.code(),
        Some(code),
        "soi exited with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding a free port")
}

/// `soi run` on the demo marketplace into `home`; returns stdout.
pub fn run_demo(home: &Path, port: u16) -> String {
    let out = run_expect(soi(home).args(["run", "--demo-port", &port.to_string()]), 0);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copies the folder `from` (recursively) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}
