//! The alert outbox: alerts raised by changed verdicts, deduplicated, leased, retried, logged.
//!
//! The store under test must be empty and evaluate [`rules`] when it writes verdicts.

use chrono::Duration;

use super::{at, scored_at};
use crate::{
    AlertOutbox, AlertQuery, AlertRule, AlertRules, Attempt, DeliveryStatus, RuleKind, Severity,
    Store, Tlp,
};

/// Routes of the rule in [`rules`].
pub const ROUTES: [&str; 2] = ["a-drop", "b-hook"];

/// One rule: a listing at or above 0.8 raises an alert on both [`ROUTES`]; a second one for the
/// same seller within an hour (by verdict time) is suppressed.
pub fn rules() -> AlertRules {
    AlertRules {
        rules: vec![AlertRule {
            name: "high".into(),
            when: RuleKind::ListingRisk { min_risk: 0.8 },
            severity: Severity::High,
            tlp: Tlp::Amber,
            routes: ROUTES.iter().map(|r| r.to_string()).collect(),
            dedup_secs: 3600,
        }],
    }
}

/// Alerts are raised only by changed verdicts above the rule, once per idempotency key (a replay
/// raises nothing), a second alert in the dedup window is suppressed, and each delivery goes
/// pending -> leased -> retry -> failed -> retried -> delivered with its log and counts.
pub async fn alerts_flow_through_the_outbox<S>(store: &S)
where
    S: Store + AlertOutbox + ?Sized,
{
    let mut in_window = scored_at("3", "s1", 0.95, 0);
    in_window.verdict.scored_at = at(0) + Duration::minutes(30);
    let batch = vec![
        scored_at("1", "s1", 0.9, 0),
        scored_at("2", "s1", 0.3, 0),
        in_window,
        scored_at("4", "s2", 0.85, 2),
    ];
    store.put_scored(batch.clone()).await.expect("write");
    store.put_scored(batch).await.expect("replay");
    let c = store.outbox_counts().await.expect("counts");
    assert_eq!(
        (c.alerts, c.suppressed, c.pending, c.delivered, c.failed),
        (3, 1, 4, 0, 0),
        "listings 1 and 4 raise one alert per route, 3 is in 1's dedup window, 2 is below: {c:?}"
    );

    let all = store
        .list_alerts(&AlertQuery::default())
        .await
        .expect("list");
    let listed: Vec<_> = all
        .iter()
        .map(|d| (d.alert.listing.id.as_str(), d.route.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("1", ROUTES[0]),
            ("1", ROUTES[1]),
            ("4", ROUTES[0]),
            ("4", ROUTES[1])
        ],
        "oldest alert first, then by route"
    );
    let first = &all[0].alert;
    assert_eq!(
        (first.rule.as_str(), first.kind.as_str()),
        ("high", "listing_risk")
    );
    assert_eq!((first.severity, first.tlp), (Severity::High, Tlp::Amber));
    assert_eq!(first.raised_at, at(0));
    assert_eq!(first.verdict.risk, 0.9);
    assert!(!first.key.is_empty());
    let key = first.key.clone();
    let by = |f: fn(&mut AlertQuery)| {
        let mut q = AlertQuery::default();
        f(&mut q);
        q
    };
    let s2 = store
        .list_alerts(&by(|q| q.seller_id = Some("s2".into())))
        .await
        .expect("list s2");
    assert_eq!(s2.len(), 2, "{s2:?}");
    assert!(s2.iter().all(|d| d.alert.listing.id == "4"));
    let none = store
        .list_alerts(&by(|q| q.rule = Some("other".into())))
        .await
        .expect("list other");
    assert!(none.is_empty());

    // A real change of a verdict raises again (a new key), the same content does not.
    let mut changed = scored_at("4", "s2", 0.99, 30);
    changed.listing.observed_at = Some(at(2));
    store.put_scored(vec![changed]).await.expect("change");
    assert_eq!(store.outbox_counts().await.expect("counts").alerts, 4);

    // Claims lease what is due; a second claim inside the lease gets none of it.
    let now = at(40);
    let lease = Duration::seconds(60);
    let claimed = store.claim_due(now, 2, lease).await.expect("claim");
    assert_eq!(claimed.len(), 2, "the limit holds");
    assert!(claimed.iter().all(|d| d.alert.key == key), "oldest first");
    assert!(claimed.iter().all(|d| d.status == DeliveryStatus::Pending));
    let rest = store.claim_due(now, 10, lease).await.expect("claim rest");
    assert_eq!(rest.len(), 4, "the others: listing 4's two alerts");
    assert!(store
        .claim_due(now, 10, lease)
        .await
        .expect("claim again")
        .is_empty());
    assert_eq!(
        store.next_due().await.expect("next due"),
        Some(now + lease),
        "everything is leased until the lease ends"
    );
    for d in &rest {
        let attempt = Attempt::Delivered {
            detail: "200".into(),
        };
        store
            .record_attempt(&d.alert.key, &d.route, attempt, now, now)
            .await
            .expect("record");
    }

    // Route a delivers; route b fails once, is retried when due, then fails for good.
    let (a, b) = (ROUTES[0], ROUTES[1]);
    let ok = Attempt::Delivered {
        detail: "200 OK".into(),
    };
    store
        .record_attempt(&key, a, ok, now, now + Duration::seconds(1))
        .await
        .expect("delivered");
    let retry = Attempt::Retry {
        error: "503".into(),
        next_at: at(41),
    };
    store
        .record_attempt(&key, b, retry, now, now + Duration::seconds(2))
        .await
        .expect("retry");
    assert_eq!(store.next_due().await.expect("next due"), Some(at(41)));
    assert!(store
        .claim_due(at(40) + Duration::minutes(5), 10, lease)
        .await
        .expect("claim early")
        .is_empty());
    let again = store.claim_due(at(41), 10, lease).await.expect("claim due");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].route, b);
    assert_eq!(again[0].attempts, 1);
    assert_eq!(again[0].last_error.as_deref(), Some("503"));
    let gone = Attempt::Failed {
        error: "410 gone".into(),
    };
    store
        .record_attempt(&key, b, gone, at(41), at(41))
        .await
        .expect("failed");
    let c = store.outbox_counts().await.expect("counts");
    assert_eq!((c.pending, c.delivered, c.failed), (0, 5, 1), "{c:?}");
    assert_eq!(store.next_due().await.expect("next due"), None);
    let failed = store
        .list_alerts(&by(|q| q.status = Some(DeliveryStatus::Failed)))
        .await
        .expect("list failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].alert.key.as_str(), failed[0].route.as_str()),
        (key.as_str(), b)
    );
    let delivered = store
        .list_alerts(&by(|q| q.status = Some(DeliveryStatus::Delivered)))
        .await
        .expect("list delivered");
    let first_a = delivered
        .iter()
        .find(|d| d.alert.key == key)
        .expect("route a delivered");
    assert_eq!(first_a.delivered_at, Some(now + Duration::seconds(1)));

    // A deferral (rate limit) moves the due time without counting an attempt or logging one.
    assert_eq!(store.retry_failed(Some(&key)).await.expect("retry"), 1);
    assert_eq!(
        store.retry_failed(Some(&key)).await.expect("retry again"),
        0
    );
    let due = store
        .claim_due(at(42), 10, lease)
        .await
        .expect("claim retried");
    assert_eq!(due.len(), 1);
    let later = Attempt::Deferred { next_at: at(43) };
    store
        .record_attempt(&key, b, later, at(42), at(42))
        .await
        .expect("deferred");
    let d = store
        .list_alerts(&by(|q| q.status = Some(DeliveryStatus::Pending)))
        .await
        .expect("list pending");
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].attempts, d[0].next_attempt_at), (2, Some(at(43))));

    let log = store.delivery_log(Some(&key)).await.expect("log");
    let outcomes: Vec<_> = log
        .iter()
        .map(|e| (e.route.as_str(), e.attempt, e.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [(a, 1, "delivered"), (b, 1, "retry"), (b, 2, "failed")]
    );
    assert_eq!(log[0].detail, "200 OK");
    assert_eq!(log[2].started_at, at(41));
    assert_eq!(store.delivery_log(None).await.expect("log").len(), 7);
    let (n, earliest) = store.attempts_since(b, at(39)).await.expect("attempts");
    assert_eq!(
        (n, earliest),
        (4, Some(now)),
        "listing 4's two and listing 1's two on b"
    );
    assert_eq!(
        store.attempts_since(b, at(41)).await.expect("attempts").0,
        0,
        "strictly after"
    );
}
