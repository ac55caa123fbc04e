//! A real RFC 3161 TSA on loopback for the tests: a CA and a TSA certificate made with the
//! `openssl` command (extendedKeyUsage critical timeStamping), and a small HTTP server on
//! 127.0.0.1 that answers each request with `openssl ts -reply`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Whether the `openssl` command runs; without it the tests skip (and fail when
/// SOI_REQUIRE_TOOLS=1).
pub fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "openssl is required (SOI_REQUIRE_TOOLS=1) but does not run"
        );
        eprintln!(
            "skipping: the openssl command is missing (deploy/install-test-tools.sh installs it)"
        );
    }
    ok
}

/// Runs `openssl ARGS` in `dir`, panicking with its stderr when it fails.
pub fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A test PKI: `ca.pem` (the CA) and `tsa.pem`/`tsa.key` (the TSA), with the `ts` config.
pub struct Pki {
    pub dir: PathBuf,
}

impl Pki {
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    pub fn tsa_cert(&self) -> PathBuf {
        self.dir.join("tsa.pem")
    }
}

const TSA_CNF: &str = "\
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = .
serial = ./serial
crypto_device = builtin
signer_cert = ./tsa.pem
signer_key = ./tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
";

const TSA_EXT: &str = "\
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
";

/// Makes a CA and a TSA certificate it signed in `dir`.
pub fn make_pki(dir: &Path) -> Pki {
    std::fs::write(dir.join("tsa.cnf"), TSA_CNF).unwrap();
    std::fs::write(dir.join("tsa-ext.cnf"), TSA_EXT).unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=soi test TSA CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/CN=soi test TSA",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "2",
            "-extfile",
            "tsa-ext.cnf",
        ],
    );
    Pki {
        dir: dir.to_path_buf(),
    }
}

/// A free loopback port (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves `openssl ts -reply` on `127.0.0.1:port` until the runtime ends.
pub async fn serve_tsa(pki: &Pki, port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let dir = pki.dir.clone();
    tokio::spawn(async move {
        let mut n = 0u32;
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            n += 1;
            let dir = dir.clone();
            tokio::spawn(async move {
                let Some(query) = read_request(&mut sock).await else {
                    return;
                };
                let q = dir.join(format!("q{n}.tsq"));
                let r = dir.join(format!("r{n}.tsr"));
                std::fs::write(&q, query).unwrap();
                let out = Command::new("openssl")
                    .args(["ts", "-reply", "-config", "tsa.cnf", "-queryfile"])
                    .arg(&q)
                    .arg("-out")
                    .arg(&r)
                    .current_dir(&dir)
                    .output()
                    .unwrap();
                let (status, body) = if out.status.success() {
                    ("200 OK", std::fs::read(&r).unwrap())
                } else {
                    ("500 Internal Server Error", out.stderr)
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
            });
        }
    });
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut buf = vec![];
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())?;
            while buf.len() < end + 4 + len {
                let n = sock.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf[end + 4..end + 4 + len].to_vec());
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
