//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// `curl` of a loopback URL: (HTTP status, body); status 0 when nothing answered.
pub fn http_get(url: &str) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-m", "10", "-w", "\n%{http_code}", url])
        .output()
        .expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

/// Polls `check` every half second until it gives `Some`, failing after `limit` with `what`.
pub fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            start.elapsed() < limit,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// A long-running command killed when the test ends, also by a panic (a failed test must not
/// leave a stage consuming from the shared engines).
pub struct Running(Option<Child>);

impl Running {
    pub fn new(child: Child) -> Running {
        Running(Some(child))
    }

    /// [`stop`]s it: SIGTERM, its exit status.
    pub fn stop(mut self, what: &str) -> std::process::ExitStatus {
        stop(self.0.take().expect("running"), what)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// SIGTERM to a long-running command, which finishes its work in hand and exits; its exit
/// status, failing the test when it does not stop within 30 s.
pub fn stop(mut child: Child, what: &str) -> std::process::ExitStatus {
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    panic!("{what} did not stop on SIGTERM within 30 s");
}

/// The sum of the series `name` in Prometheus text format whose labels include every
/// `label="value"` of `with`; `None` when no series matches.
pub fn metric_sum(text: &str, name: &str, with: &[(&str, &str)]) -> Option<f64> {
    let mut sum = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (n, labels) = series.split_once('{').unwrap_or((series, ""));
        let has = |(k, v): &(&str, &str)| labels.contains(&format!("{k}=\"{v}\""));
        if n == name && with.iter().all(has) {
            if let Ok(v) = value.parse::<f64>() {
                sum = Some(sum.unwrap_or(0.0) + v);
            }
        }
    }
    sum
}

/// `soi users add NAME --role ROLE` with `password` on stdin.
pub fn add_console_user(home: &Path, name: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut c = soi(home)
        .args(["users", "add", name, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("soi users add");
    writeln!(c.stdin.take().expect("stdin"), "{password}").expect("password");
    let out = c.wait_with_output().expect("users add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `soi serve` on a free loopback port, once it accepts connections: the process and its base URL.
pub fn serve_console(home: &Path) -> (Running, String) {
    let port = free_port();
    let server = Running::new(
        soi(home)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .expect("soi serve"),
    );
    wait_for(Duration::from_secs(20), "the console", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    (server, format!("http://127.0.0.1:{port}"))
}

/// A fresh ClickHouse database on the test server (`SOI_TEST_CLICKHOUSE`, started by
/// `deploy/engines/start.sh`), as a store URL; `None` (skip, with a message) without a server,
/// unless `SOI_REQUIRE_ENGINES=1`.
pub fn clickhouse_database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("SOI_TEST_CLICKHOUSE") else {
        assert!(
            std::env::var("SOI_REQUIRE_ENGINES").as_deref() != Ok("1"),
            "SOI_TEST_CLICKHOUSE is not set; start the engines with deploy/engines/start.sh"
        );
        eprintln!("skipping: SOI_TEST_CLICKHOUSE not set (deploy/engines/start.sh starts one)");
        return None;
    };
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Some(format!("{base}/soi_{name}_{}_{nanos}", std::process::id()))
}
