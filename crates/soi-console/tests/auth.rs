//! The console's access rules over real HTTP: every role boundary, the CSRF guard, session
//! expiry, logout and disabling, and login throttling.

mod common;

use common::*;

#[tokio::test]
async fn every_role_boundary_holds_on_the_server() {
    let c = default_console().await;
    let (ana, sup, police) = (
        c.login("ana").await,
        c.login("sup").await,
        c.login("police").await,
    );
    // Not logged in: the API says 401, pages send to the login.
    assert_eq!(
        c.get(None, "/api/sellers").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = c.get(None, "/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/login");
    // Supervisor-only routes.
    for path in ["/audit", "/users", "/api/audit"] {
        assert_eq!(
            c.get(Some(&ana), path).await.status(),
            StatusCode::FORBIDDEN,
            "analyst {path}"
        );
        assert_eq!(
            c.get(Some(&police), path).await.status(),
            StatusCode::FORBIDDEN,
            "liaison {path}"
        );
        assert_eq!(
            c.get(Some(&sup), path).await.status(),
            StatusCode::OK,
            "supervisor {path}"
        );
    }
    let r = c
        .post_form(
            &ana,
            "/users",
            &[
                ("csrf", &ana.csrf),
                ("name", "eve"),
                ("role", "supervisor"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an analyst adds no users"
    );
    // The triage work is not the liaison officers'.
    for path in [
        "/sellers/demo/a",
        "/listings/demo/1",
        "/api/sellers",
        "/api/sellers/demo/a",
        "/api/listings/demo/1",
    ] {
        assert_eq!(
            c.get(Some(&police), path).await.status(),
            StatusCode::FORBIDDEN,
            "liaison {path}"
        );
        assert_eq!(
            c.get(Some(&ana), path).await.status(),
            StatusCode::OK,
            "analyst {path}"
        );
    }
    let sha = "0".repeat(64);
    assert_eq!(
        c.get(Some(&police), &format!("/evidence/{sha}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = c
        .post_json(
            &police,
            "/api/labels",
            Some(&police.csrf),
            json!({"target":"listing","marketplace":"demo","id":"1","label":"scam"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "liaison labels nothing");
    // The queue sends a liaison officer to the cases.
    let r = c.get(Some(&police), "/").await;
    assert_eq!(r.headers()[LOCATION], "/cases");
    // Unknown things are 404 with a JSON message.
    let r = c.get(Some(&ana), "/api/listings/demo/nope").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("nope"), "{body}");
}

#[tokio::test]
async fn state_changes_need_the_sessions_csrf_token() {
    let c = default_console().await;
    let ana = c.login("ana").await;
    let label =
        json!({"target":"listing","marketplace":"demo","id":"1","label":"scam","note":"ib zalo"});
    for token in [None, Some("0000"), Some(&*c.login("sup").await.csrf)] {
        let r = c.post_json(&ana, "/api/labels", token, label.clone()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    let r = c
        .post_form(
            &ana,
            "/labels",
            &[
                ("target", "listing"),
                ("marketplace", "demo"),
                ("id", "1"),
                ("label", "scam"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a form without its token"
    );
    let r = c.post_form(&ana, "/logout", &[("csrf", "wrong")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "even logging out");
    assert!(c.store_labels().await.is_empty(), "nothing was stored");
    let r = c
        .post_json(&ana, "/api/labels", Some(&ana.csrf), label)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = c
        .post_form(
            &ana,
            "/labels",
            &[
                ("csrf", &ana.csrf),
                ("target", "seller"),
                ("marketplace", "demo"),
                ("id", "a"),
                ("label", "not_scam"),
                ("reason:off_platform_contact", "reject"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(c.store_labels().await.len(), 2);
}

#[tokio::test]
async fn sessions_expire_when_idle() {
    let c = console(
        Expiry {
            idle: Duration::from_millis(600),
            absolute: Duration::from_secs(60),
        },
        ThrottleConfig::default(),
    )
    .await;
    let ana = c.login("ana").await;
    assert_eq!(
        c.get(Some(&ana), "/api/sellers").await.status(),
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        c.get(Some(&ana), "/api/sellers").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_and_disabling_end_sessions() {
    let c = default_console().await;
    let (ana, sup) = (c.login("ana").await, c.login("sup").await);
    let r = c
        .post_form(&sup, "/users/ana/disable", &[("csrf", &sup.csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(Some(&ana), "/api/sellers").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = c
        .http
        .post(format!("{}/api/session", c.base))
        .json(&json!({"username":"ana","password":PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled user cannot log in"
    );
    let r = c.post_form(&sup, "/logout", &[("csrf", &sup.csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        c.get(Some(&sup), "/api/audit").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn failed_logins_are_throttled_per_user_and_address() {
    let c = console(
        Expiry::default(),
        ThrottleConfig {
            limit: 3,
            window: Duration::from_secs(60),
        },
    )
    .await;
    let try_login = |user: &'static str, pw: &'static str| {
        let (http, base) = (c.http.clone(), c.base.clone());
        async move {
            http.post(format!("{base}/api/session"))
                .json(&json!({"username":user,"password":pw}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(
            try_login("ana", "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = try_login("ana", PW).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the right password, too late"
    );
    assert!(r.headers().contains_key("retry-after"));
    let r = try_login("sup", PW).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the same address, another user"
    );
    let audit = c.records.audit(0, 100).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "login_failed").count(), 3);
    assert_eq!(
        actions.iter().filter(|a| **a == "login_throttled").count(),
        2
    );
}

/// A self-signed certificate for 127.0.0.1 from the `openssl` command; `None` (skipped, or a
/// failure under SOI_REQUIRE_TOOLS=1) without it.
fn self_signed(dir: &std::path::Path) -> Option<soi_console::Tls> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ran = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match ran {
        Ok(o) if o.status.success() => Some(soi_console::Tls {
            cert_pem: std::fs::read(&cert).unwrap(),
            key_pem: std::fs::read(&key).unwrap(),
        }),
        other => {
            assert!(
                std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "openssl is required: {other:?}"
            );
            eprintln!("skipping the TLS test: no openssl command");
            None
        }
    }
}

#[tokio::test]
async fn over_tls_the_console_answers_https_and_marks_its_cookie_secure() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tls) = self_signed(dir.path()) else {
        return;
    };
    let c = console_with(Expiry::default(), ThrottleConfig::default(), Some(tls)).await;
    assert!(c.base.starts_with("https://"));
    let r = c
        .http
        .post(format!("{}/api/session", c.base))
        .json(&json!({"username": "ana", "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let set = r.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(set.ends_with("; Secure"), "{set}");
    // Plain HTTP to the TLS port gets no answer.
    let plain = c.base.replace("https://", "http://");
    assert!(c.http.get(format!("{plain}/login")).send().await.is_err());
}
