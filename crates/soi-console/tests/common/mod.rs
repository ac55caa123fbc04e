//! What the console's HTTP tests share: a console served on 127.0.0.1 over a real SQLite store
//! holding the conformance batch and four users (one per role, two liaison officers), with a
//! real file-drop referral route; and a client that logs in and carries cookie and CSRF token.
#![allow(dead_code, unused_imports)] // each test file uses part of it

pub use std::path::Path;
pub use std::sync::Arc;
pub use std::time::Duration;

pub use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
pub use reqwest::{redirect, Client, StatusCode};
pub use serde_json::{json, Value};
pub use soi_console::audit::AuditLog;
pub use soi_console::users::{self, Actor};
pub use soi_console::{Config, Expiry, Routes, ThrottleConfig};
pub use soi_sqlite::SqliteStore;
pub use soi_store::console::{verify_audit, Role};
pub use soi_store::{conformance, Store};

pub mod flows;

pub const PW: &str = "correct horse battery";

pub struct Console {
    pub base: String,
    pub dir: tempfile::TempDir,
    /// The store under test (listings, verdicts).
    pub store: Arc<dyn Store>,
    /// The console's records (users, labels, cases, audit) in the store under test.
    pub records: Arc<dyn soi_store::ConsoleStore>,
    /// The links between sellers in the store under test.
    pub links: Arc<dyn soi_store::LinkStore>,
    /// The hotline complaints in the store under test.
    pub complaints: Arc<dyn soi_store::ComplaintStore>,
    pub http: Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn console(expiry: Expiry, throttle: ThrottleConfig) -> Console {
    console_with(expiry, throttle, None).await
}

/// With `tls`, served over HTTPS with Secure cookies (the client trusts any certificate).
pub async fn console_with(
    expiry: Expiry,
    throttle: ThrottleConfig,
    tls: Option<soi_console::Tls>,
) -> Console {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("soi.db")).unwrap());
    console_on(Stores::all(store), dir, expiry, throttle, tls).await
}

/// The stores a console under test serves from.
pub struct Stores {
    pub store: Arc<dyn Store>,
    pub records: Arc<dyn soi_store::ConsoleStore>,
    pub links: Arc<dyn soi_store::LinkStore>,
    pub complaints: Arc<dyn soi_store::ComplaintStore>,
}

impl Stores {
    /// One store serving as all four (as SQLite and ClickHouse each do).
    pub fn all<S>(s: Arc<S>) -> Stores
    where
        S: Store + soi_store::ConsoleStore + soi_store::LinkStore + soi_store::ComplaintStore,
        S: 'static,
    {
        Stores {
            store: s.clone(),
            records: s.clone(),
            links: s.clone(),
            complaints: s,
        }
    }
}

/// A console over the given stores (filled with the conformance batch and the four users).
pub async fn console_on(
    stores: Stores,
    dir: tempfile::TempDir,
    expiry: Expiry,
    throttle: ThrottleConfig,
    tls: Option<soi_console::Tls>,
) -> Console {
    let Stores {
        store,
        records,
        links,
        complaints,
    } = stores;
    store.put_scored(conformance::batch()).await.unwrap();
    let audit = AuditLog::new(records.clone());
    for (name, role) in [
        ("ana", Role::Analyst),
        ("sup", Role::Supervisor),
        ("police", Role::Liaison),
        ("agency", Role::Liaison),
    ] {
        let by = Actor {
            name: "cli:test",
            addr: "cli",
        };
        users::add(records.as_ref(), &audit, by, name, role, PW)
            .await
            .unwrap();
    }
    let drop_dir = dir.path().join("referrals");
    let route: Arc<dyn soi_alert::route::Route> =
        Arc::new(soi_alert::route::FileDrop::new(drop_dir));
    let cfg = Config {
        store: store.clone(),
        console: records.clone(),
        links: links.clone(),
        complaints: complaints.clone(),
        evidence_dir: dir.path().join("evidence"),
        expiry,
        throttle,
        referrer: Some(Arc::new(Routes(vec![("drop".into(), route)]))),
        secure_cookies: tls.is_some(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(soi_console::serve(
        listener,
        soi_console::router(cfg),
        tls,
        async {
            let _ = rx.await;
        },
    ));
    let http = Client::builder()
        .redirect(redirect::Policy::none())
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    Console {
        base,
        dir,
        store,
        records,
        links,
        complaints,
        http,
        _stop: tx,
    }
}

pub async fn default_console() -> Console {
    console(Expiry::default(), ThrottleConfig::default()).await
}

/// A logged-in API client: its cookie and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Console {
    pub async fn login(&self, user: &str) -> Session {
        let r = self
            .http
            .post(format!("{}/api/session", self.base))
            .json(&json!({"username": user, "password": PW}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {user}");
        let set = r.headers()[SET_COOKIE].to_str().unwrap().to_string();
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(attr), "{set} lacks {attr}");
        }
        let cookie = set.split(';').next().unwrap().to_string();
        let body: Value = r.json().await.unwrap();
        Session {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn get(&self, s: Option<&Session>, path: &str) -> reqwest::Response {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = s {
            r = r.header(COOKIE, &s.cookie);
        }
        r.send().await.unwrap()
    }

    pub async fn post_json(
        &self,
        s: &Session,
        path: &str,
        csrf: Option<&str>,
        body: Value,
    ) -> reqwest::Response {
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &s.cookie)
            .json(&body);
        if let Some(c) = csrf {
            r = r.header("x-csrf-token", c);
        }
        r.send().await.unwrap()
    }

    pub async fn post_form(
        &self,
        s: &Session,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &s.cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

impl Console {
    /// The page at `path` as `s` sees it in `lang` (`vi` or `en`); it must answer 200.
    pub async fn page(&self, s: &Session, path: &str, lang: &str) -> String {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, format!("{}; soi_lang={lang}", s.cookie))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.text().await.unwrap()
    }

    /// The page at `path` as `user` sees it in `lang`, just logged in.
    pub async fn page_as(&self, user: &str, path: &str, lang: &str) -> String {
        let s = self.login(user).await;
        self.page(&s, path, lang).await
    }

    /// The cell of class `class` of every row of the whole queue as the analyst sees it, as
    /// `marketplace/seller=cell`, sorted, joined by spaces.
    pub async fn queue_column(&self, class: &str) -> String {
        let html = self.page_as("ana", "/?min_risk=0", "vi").await;
        let mut cells: Vec<String> = html
            .split("<tr class=\"seller-row\">")
            .skip(1)
            .map(|row| {
                let after = |pat: &str, end: &str| {
                    let from =
                        row.find(pat).unwrap_or_else(|| panic!("{pat} in {row}")) + pat.len();
                    row[from..from + row[from..].find(end).unwrap()].to_string()
                };
                let cell = format!("<td class=\"{class}\">");
                format!(
                    "{}={}",
                    after("name=\"seller\" value=\"", "\""),
                    after(&cell, "<")
                )
            })
            .collect();
        cells.sort();
        cells.join(" ")
    }

    pub async fn store_labels(&self) -> Vec<soi_store::console::Label> {
        self.records.labels().await.unwrap()
    }
}
