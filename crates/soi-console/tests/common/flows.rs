//! The analysts' work over HTTP, as checks run against a console on each store (SQLite in
//! `work.rs`, ClickHouse in `clickhouse.rs`).

use super::*;

pub async fn labels_keep_history_and_bad_ones_are_named(c: &Console) {
    let ana = c.login("ana").await;
    for (label, status) in [("unsure", 201), ("scam", 201), ("fraud", 422)] {
        let r = c
            .post_json(&ana, "/api/labels", Some(&ana.csrf), json!({"target":"listing","marketplace":"demo","id":"1","label":label,"confirmed":["off_platform_contact"]}))
            .await;
        assert_eq!(r.status().as_u16(), status, "{label}");
        if status == 422 {
            let b: Value = r.json().await.unwrap();
            assert!(b["error"].as_str().unwrap().contains("fraud"), "{b}");
        }
    }
    let r = c
        .post_json(
            &ana,
            "/api/labels",
            Some(&ana.csrf),
            json!({"target":"listing","marketplace":"demo","id":"999","label":"scam"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .post_json(
            &ana,
            "/api/labels",
            Some(&ana.csrf),
            json!({"target":"listing"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a body missing fields"
    );
    let got: Value = c
        .get(Some(&ana), "/api/listings/demo/1")
        .await
        .json()
        .await
        .unwrap();
    let labels: Vec<&str> = got["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["unsure", "scam"], "history kept, oldest first");
    assert_eq!(got["labels"][1]["by"], "ana");
    assert_eq!(got["verdict"]["risk"], 0.9);
    // The queue filters by label state.
    c.post_json(
        &ana,
        "/api/labels",
        Some(&ana.csrf),
        json!({"target":"seller","marketplace":"demo","id":"b","label":"scam"}),
    )
    .await;
    let scam: Value = c
        .get(Some(&ana), "/api/sellers?label=scam")
        .await
        .json()
        .await
        .unwrap();
    let none: Value = c
        .get(Some(&ana), "/api/sellers?label=none")
        .await
        .json()
        .await
        .unwrap();
    let ids = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["seller_id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&scam), vec!["b"]);
    assert_eq!(ids(&none), vec!["a"]);
    let r = c.get(Some(&ana), "/api/sellers?min_risk=2").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

pub async fn a_case_is_referred_after_approval_and_only_its_officer_sees_it(c: &Console) {
    let (ana, sup, police, agency) = (
        c.login("ana").await,
        c.login("sup").await,
        c.login("police").await,
        c.login("agency").await,
    );
    for sellers in [vec!["demo/a", "demo/b"], vec!["demo/b"]] {
        let mut form = vec![("csrf", ana.csrf.as_str()), ("title", "Zalo ring")];
        form.extend(sellers.iter().map(|s| ("seller", *s)));
        let r = c.post_form(&ana, "/cases", &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = c
        .post_form(
            &ana,
            "/cases/C-0001/refer",
            &[("csrf", &ana.csrf), ("referred_to", "police")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .post_form(&ana, "/cases/C-0001/approve", &[("csrf", &ana.csrf)])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an analyst approves no referral"
    );
    let none: Value = c
        .get(Some(&police), "/api/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]), "not referred before approval");
    let r = c
        .post_form(&sup, "/cases/C-0001/approve", &[("csrf", &sup.csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The referral went out through the route: the dossier with its STIX bundle.
    let dropped = std::fs::read_dir(c.dir.path().join("referrals"))
        .unwrap()
        .count();
    assert_eq!(dropped, 1);
    let file = std::fs::read_dir(c.dir.path().join("referrals"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let dossier: Value = serde_json::from_slice(&std::fs::read(file.path()).unwrap()).unwrap();
    assert_eq!(dossier["case"]["id"], "C-0001");
    assert_eq!(dossier["stix"]["type"], "bundle");
    assert_eq!(dossier["sellers"].as_array().unwrap().len(), 2);
    // The officer it went to sees it, and nothing else; the other officer sees nothing.
    let theirs: Value = c
        .get(Some(&police), "/api/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["status"], "referred");
    assert_eq!(
        c.get(Some(&police), "/cases/C-0001").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(Some(&police), "/cases/C-0001/dossier").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        c.get(Some(&police), "/cases/C-0002").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(Some(&agency), "/cases/C-0001").await.status(),
        StatusCode::NOT_FOUND
    );
    let r: Value = c
        .get(Some(&agency), "/api/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, json!([]));
    // The other case: assigned, noted, closed; a liaison officer changes nothing.
    for form in [
        vec![("action", "assign"), ("assignee", "sup")],
        vec![("action", "note"), ("text", "Không đủ bằng chứng")],
        vec![("action", "close")],
    ] {
        let mut f = vec![("csrf", ana.csrf.as_str())];
        f.extend(form);
        let r = c.post_form(&ana, "/cases/C-0002", &f).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = c
        .post_form(
            &police,
            "/cases/C-0001",
            &[("csrf", &police.csrf), ("action", "close")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let other = c.records.case("C-0002").await.unwrap().unwrap();
    assert_eq!(other.status.as_str(), "closed");
    assert_eq!(other.assignee.as_deref(), Some("sup"));
    assert_eq!(other.notes[0].text, "Không đủ bằng chứng");
    assert_eq!(other.version, 4);
    let history = c.records.case_history("C-0001").await.unwrap();
    let states: Vec<&str> = history.iter().map(|v| v.status.as_str()).collect();
    assert_eq!(
        states,
        vec!["open", "pending", "referred"],
        "every version kept"
    );
}

pub async fn pages_render_in_both_languages_with_security_headers(c: &Console) {
    let ana = c.login("ana").await;
    let r = c.get(Some(&ana), "/sellers/demo/a").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<mark>ib zalo</mark>"),
        "evidence highlighted in context"
    );
    assert!(html.contains("Người bán"), "Vietnamese by default");
    let en = c.page(&ana, "/sellers/demo/a", "en").await;
    assert!(en.contains(">Seller <"), "English on request");
    let login = c.get(None, "/login").await.text().await.unwrap();
    assert!(login.contains("name=\"password\""));
}
