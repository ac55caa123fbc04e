//! [`crate::ConsoleStore`]: users replaced by name, labels and case versions kept, the audit
//! chain read back exactly as written.

use chrono::{DateTime, Utc};

use crate::console::{
    verify_audit, Case, CaseNote, CaseStatus, Label, LabelTarget, LabelValue, NewAudit, Role, User,
};
use crate::ConsoleStore;

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000 + secs, 0).expect("time")
}

/// Users: created, read, replaced (disabled, new hash), listed by name.
pub async fn users_are_replaced_by_name(s: &dyn ConsoleStore) {
    assert_eq!(s.user("ana").await.expect("user"), None);
    let ana = User {
        name: "ana".into(),
        role: Role::Analyst,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
        created_at: t(0),
        updated_at: t(0),
    };
    let boss = User {
        name: "boss".into(),
        role: Role::Supervisor,
        ..ana.clone()
    };
    s.put_user(&boss).await.expect("put");
    s.put_user(&ana).await.expect("put");
    assert_eq!(s.user("ana").await.expect("user").as_ref(), Some(&ana));
    let changed = User {
        disabled: true,
        password_hash: "$argon2id$new".into(),
        updated_at: t(60),
        ..ana.clone()
    };
    s.put_user(&changed).await.expect("put");
    assert_eq!(s.user("ana").await.expect("user"), Some(changed.clone()));
    let names: Vec<_> = s
        .users()
        .await
        .expect("users")
        .into_iter()
        .map(|u| (u.name, u.disabled))
        .collect();
    assert_eq!(
        names,
        vec![("ana".to_string(), true), ("boss".to_string(), false)]
    );
}

fn label(target: LabelTarget, id: &str, value: LabelValue, at: i64) -> Label {
    Label {
        target,
        marketplace: "demo".into(),
        id: id.into(),
        label: value,
        confirmed: vec!["contact_offsite".into()],
        rejected: vec!["price_anomaly".into()],
        note: "ghi chú: liên hệ Zalo".into(),
        by: "ana".into(),
        at: t(at),
    }
}

/// Labels: never overwritten, read per target oldest first, all of them for export.
pub async fn labels_keep_their_history(s: &dyn ConsoleStore) {
    let first = label(LabelTarget::Listing, "l1", LabelValue::Unsure, 1);
    let second = label(LabelTarget::Listing, "l1", LabelValue::Scam, 2);
    let seller = label(LabelTarget::Seller, "l1", LabelValue::NotScam, 3);
    s.add_label(&second).await.expect("label");
    s.add_label(&first).await.expect("label");
    s.add_label(&seller).await.expect("label");
    let got = s
        .labels_for(LabelTarget::Listing, "demo", "l1")
        .await
        .expect("labels");
    assert_eq!(
        got,
        vec![first.clone(), second.clone()],
        "listing labels, oldest first"
    );
    let got = s
        .labels_for(LabelTarget::Seller, "demo", "l1")
        .await
        .expect("labels");
    assert_eq!(
        got,
        vec![seller.clone()],
        "a seller label is not a listing label"
    );
    assert!(s
        .labels_for(LabelTarget::Listing, "other", "l1")
        .await
        .expect("labels")
        .is_empty());
    assert_eq!(s.labels().await.expect("all"), vec![first, second, seller]);
}

/// Cases: every version kept, the latest answered, listed newest first.
pub async fn cases_keep_every_version(s: &dyn ConsoleStore) {
    let v1 = Case {
        id: "C-0001".into(),
        version: 1,
        title: "Zalo deposit ring".into(),
        sellers: vec![("demo".into(), "s1".into()), ("demo".into(), "s2".into())],
        status: CaseStatus::Open,
        assignee: Some("ana".into()),
        referred_to: None,
        referral_requested_by: None,
        referral_approved_by: None,
        notes: vec![],
        created_by: "ana".into(),
        created_at: t(10),
        updated_by: "ana".into(),
        updated_at: t(10),
    };
    let v2 = Case {
        version: 2,
        status: CaseStatus::Referred,
        referred_to: Some("police".into()),
        notes: vec![CaseNote {
            by: "boss".into(),
            at: t(20),
            text: "approved".into(),
        }],
        updated_by: "boss".into(),
        updated_at: t(20),
        ..v1.clone()
    };
    let other = Case {
        id: "C-0002".into(),
        updated_at: t(15),
        ..v1.clone()
    };
    s.put_case(&v1).await.expect("case");
    s.put_case(&other).await.expect("case");
    s.put_case(&v2).await.expect("case");
    assert_eq!(s.case("C-0001").await.expect("case"), Some(v2.clone()));
    assert_eq!(s.case("C-0003").await.expect("case"), None);
    assert_eq!(
        s.case_history("C-0001").await.expect("history"),
        vec![v1, v2.clone()]
    );
    assert_eq!(s.cases().await.expect("cases"), vec![v2, other]);
}

/// The audit log: rows read back exactly (so the chain verifies), paged by sequence, and a
/// row changed behind the store's back is found.
pub async fn audit_rows_chain_and_page(s: &dyn ConsoleStore) {
    assert_eq!(s.audit_tail().await.expect("tail"), None);
    for i in 0..25 {
        s.append_audit(NewAudit {
            user: "ana".into(),
            action: "view_seller".into(),
            target: format!("seller demo/s{i}"),
            detail: "{\"đ\":\"ñ\"}".into(),
            address: "127.0.0.1".into(),
        })
        .await
        .expect("append");
    }
    assert_eq!(s.audit_tail().await.expect("tail").map(|e| e.seq), Some(25));
    let page = s.audit(10, 5).await.expect("page");
    assert_eq!(
        page.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![11, 12, 13, 14, 15]
    );
    assert_eq!(verify_audit(s).await.expect("read"), Ok(25));
}
