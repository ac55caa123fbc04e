//! A minimal W3C WebDriver client, enough for the end-to-end tests to drive Debian's headless
//! `chromium` through `chromedriver` (package `chromium-driver`; deploy/install-test-tools.sh
//! installs both).
//!
//! No crate for it: a WebDriver client crate would bring an async runtime and an HTTP stack into
//! the test build for a dozen commands. WebDriver is JSON over HTTP, so this speaks HTTP/1.1 on a
//! plain `std::net::TcpStream`, one request per connection (`Connection: close`; the body is read
//! to its `Content-Length`, as chromedriver leaves the socket open), with `serde_json` (already a
//! dependency of soi-cli) and a small base64 decoder for screenshots. Errors from the driver
//! panic with the command and the WebDriver error: these are test helpers.
// Not every helper is used by the smoke test; the browser tests written on top of it use them.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{free_port, wait_for, Running};

/// The W3C key under which an element reference travels.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A `chromedriver` with one headless chromium session; both end when it is dropped.
pub struct Driver {
    port: u16,
    session: String,
    _chromedriver: Running, // killed after `drop` has ended the session
}

/// An element of the current page (or frame).
pub struct Element<'d>(&'d Driver, String);

/// A cookie as WebDriver reports it (and as [`Driver::add_cookie`] sets it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub http_only: bool,
    /// `Strict`, `Lax` or `None`; `None` here when the browser gave none.
    pub same_site: Option<String>,
}

/// `name` on PATH, else `fallback` when that exists.
fn find_tool(name: &str, fallback: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut on_path = std::env::split_paths(&path).map(|d| d.join(name));
    on_path
        .find(|p| p.is_file())
        .or_else(|| Some(PathBuf::from(fallback)).filter(|p| p.is_file()))
}

impl Driver {
    /// Starts chromedriver on a free loopback port and opens a headless chromium session.
    /// `None` (with a skip message) when chromedriver or chromium is missing, unless
    /// `SOI_REQUIRE_TOOLS=1`, where that fails the test.
    pub fn start() -> Option<Driver> {
        let tools = find_tool("chromedriver", "/usr/bin/chromedriver").zip(
            soi_crawl::screenshot::find_chromium()
                .or_else(|| find_tool("chromium", "/usr/bin/chromium")),
        );
        let Some((chromedriver, chromium)) = tools else {
            assert!(
                std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "chromedriver and chromium are required (SOI_REQUIRE_TOOLS=1): \
                 deploy/install-test-tools.sh installs them"
            );
            eprintln!("skipping: no chromedriver or chromium (deploy/install-test-tools.sh installs them)");
            return None;
        };
        Some(Driver::launch(&chromedriver, &chromium))
    }

    fn launch(chromedriver: &Path, chromium: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
        let chromedriver = Running::new(child);
        wait_for(
            Duration::from_secs(15),
            "chromedriver /status ready",
            || {
                let status = http(port, "GET", "/status", &Value::Null).ok()?;
                (status.1["value"]["ready"] == true).then_some(())
            },
        );
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,900"],
            },
        }}});
        let (_, v) = http(port, "POST", "/session", &caps).expect("POST /session");
        let session = v["value"]["sessionId"].as_str().map(str::to_string);
        let session = session.unwrap_or_else(|| panic!("WebDriver: no session: {v}"));
        Driver {
            port,
            session,
            _chromedriver: chromedriver,
        }
    }

    /// `method path` (absolute) with a JSON `body` (`Null`: none): its `value`, or the
    /// driver's error and message.
    fn send(&self, method: &str, path: &str, body: &Value) -> Result<Value, String> {
        let (status, v) = http(self.port, method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        match value.get("error").and_then(Value::as_str) {
            Some(err) => Err(format!("{err} (HTTP {status}): {}", value["message"])),
            None => Ok(value),
        }
    }

    /// A command on the session's `path` (`/url`, `/element`, ...), `Err` as [`Driver::send`].
    fn try_cmd(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        self.send(method, &format!("/session/{}{path}", self.session), &body)
    }

    /// [`Driver::try_cmd`], panicking with the command and the error.
    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        self.try_cmd(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path} failed: {e}"))
    }

    fn element(&self, v: &Value) -> Element<'_> {
        let id = v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element reference in {v}"));
        Element(self, id.to_string())
    }

    /// Navigates to `url` and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url }));
    }

    pub fn title(&self) -> String {
        string(self.cmd("GET", "/title", Value::Null))
    }

    pub fn current_url(&self) -> String {
        string(self.cmd("GET", "/url", Value::Null))
    }

    pub fn page_source(&self) -> String {
        string(self.cmd("GET", "/source", Value::Null))
    }

    /// The first element matching `css`, waiting up to 5 s for it; panics naming the selector
    /// and the page when there is none.
    pub fn find(&self, css: &str) -> Element<'_> {
        self.find_under("", css)
            .unwrap_or_else(|| panic!("no element {css:?} on {}", self.current_url()))
    }

    /// The first element matching `css` now, if any.
    pub fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let by = json!({"using": "css selector", "value": css});
        self.try_cmd("POST", "/element", by)
            .ok()
            .map(|v| self.element(&v))
    }

    /// Every element matching `css` now (none is not an error).
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let by = json!({"using": "css selector", "value": css});
        let v = self.cmd("POST", "/elements", by);
        v.as_array()
            .into_iter()
            .flatten()
            .map(|e| self.element(e))
            .collect()
    }

    /// Polls `/element` under `prefix` (`""` or `/element/ID`) for up to 5 s.
    fn find_under(&self, prefix: &str, css: &str) -> Option<Element<'_>> {
        let by = json!({"using": "css selector", "value": css});
        let start = Instant::now();
        loop {
            match self.try_cmd("POST", &format!("{prefix}/element"), by.clone()) {
                Ok(v) => return Some(self.element(&v)),
                Err(e) if !e.starts_with("no such element") => {
                    panic!("WebDriver find {css:?} failed: {e}")
                }
                Err(_) if start.elapsed() > Duration::from_secs(5) => return None,
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`, elements as [`Element::json`])
    /// in the page and gives back what it returns.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        let body = json!({"script": script, "args": args});
        self.cmd("POST", "/execute/sync", body)
    }

    /// A PNG of the viewport.
    pub fn screenshot_png(&self) -> Vec<u8> {
        base64_decode(&string(self.cmd("GET", "/screenshot", Value::Null)))
    }

    pub fn switch_to_frame(&self, frame: &Element) {
        self.cmd("POST", "/frame", json!({ "id": frame.json() }));
    }

    pub fn switch_to_parent_frame(&self) {
        self.cmd("POST", "/frame/parent", json!({}));
    }

    /// Sets a cookie for the current page's domain (the page must be loaded).
    pub fn add_cookie(&self, c: &Cookie) {
        let mut cookie = json!({"name": c.name, "value": c.value, "httpOnly": c.http_only});
        if let Some(s) = &c.same_site {
            cookie["sameSite"] = json!(s);
        }
        self.cmd("POST", "/cookie", json!({ "cookie": cookie }));
    }

    /// The cookies visible to the current page, `HttpOnly` ones included.
    pub fn cookies(&self) -> Vec<Cookie> {
        let v = self.cmd("GET", "/cookie", Value::Null);
        let all = v.as_array().cloned().unwrap_or_default();
        all.iter()
            .map(|c| Cookie {
                name: string(c["name"].clone()),
                value: string(c["value"].clone()),
                http_only: c["httpOnly"] == true,
                same_site: c["sameSite"].as_str().map(str::to_string),
            })
            .collect()
    }

    /// Polls `check` every 100 ms until it holds (true) or `timeout` passes (false).
    pub fn wait_until(&self, timeout: Duration, mut check: impl FnMut(&Driver) -> bool) -> bool {
        let start = Instant::now();
        while !check(self) {
            if start.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        true
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Never panics: it may run while a failed test unwinds.
        let path = format!("/session/{}", self.session);
        let _ = http(self.port, "DELETE", &path, &Value::Null);
    }
}

impl<'d> Element<'d> {
    fn cmd(&self, method: &str, what: &str, body: Value) -> Value {
        let path = format!("/element/{}{what}", self.1);
        self.0.cmd(method, &path, body)
    }

    /// The reference to pass as an [`Driver::execute`] argument.
    pub fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.1 })
    }

    pub fn click(&self) {
        self.cmd("POST", "/click", json!({}));
    }

    pub fn send_keys(&self, text: &str) {
        self.cmd("POST", "/value", json!({ "text": text }));
    }

    pub fn clear(&self) {
        self.cmd("POST", "/clear", json!({}));
    }

    /// The rendered text.
    pub fn text(&self) -> String {
        string(self.cmd("GET", "/text", Value::Null))
    }

    /// The attribute `name`, `None` when absent.
    pub fn attr(&self, name: &str) -> Option<String> {
        let v = self.cmd("GET", &format!("/attribute/{name}"), Value::Null);
        v.as_str().map(str::to_string)
    }

    /// The first descendant matching `css`, waiting up to 5 s; panics when there is none.
    pub fn find(&self, css: &str) -> Element<'d> {
        let prefix = format!("/element/{}", self.1);
        let found = self.0.find_under(&prefix, css);
        found
            .unwrap_or_else(|| panic!("no element {css:?} in {prefix} on {}", self.0.current_url()))
    }
}

fn string(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => panic!("WebDriver gave {other} where a string was expected"),
    }
}

/// One HTTP/1.1 exchange with chromedriver on 127.0.0.1:`port`: (status, JSON body).
fn http(port: u16, method: &str, path: &str, body: &Value) -> std::io::Result<(u16, Value)> {
    let bad = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidData, why);
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let (mut resp, mut buf) = (Vec::new(), [0u8; 16384]);
    let (mut head_end, mut total) = (None, None);
    while total.is_none_or(|t| resp.len() < t) {
        match s.read(&mut buf)? {
            0 => break,
            n => resp.extend_from_slice(&buf[..n]),
        }
        head_end = head_end.or_else(|| resp.windows(4).position(|w| w == b"\r\n\r\n"));
        if let (Some(h), None) = (head_end, total) {
            let head = String::from_utf8_lossy(&resp[..h]).to_ascii_lowercase();
            let len = head.lines().find_map(|l| l.strip_prefix("content-length:"));
            total = len
                .and_then(|n| n.trim().parse::<usize>().ok())
                .map(|n| h + 4 + n);
        }
    }
    let h = head_end.ok_or_else(|| bad(format!("no HTTP head in {resp:?}")))?;
    let head = String::from_utf8_lossy(&resp[..h]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok());
    let status = status.ok_or_else(|| bad(format!("no status in {head:?}")))?;
    let payload = &resp[h + 4..total.unwrap_or(resp.len()).min(resp.len())];
    let v = serde_json::from_slice(payload).map_err(|e| bad(format!("JSON body: {e}")))?;
    Ok((status, v))
}

/// Standard base64, padded or not; panics on any other byte.
fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: byte {c:#04x}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("iVBORw0KGgo="), b"\x89PNG\r\n\x1a\n");
    assert_eq!(base64_decode("YW55IGNhcm5hbA"), b"any carnal");
}
