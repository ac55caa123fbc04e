//! The distributed pipeline against the real engines: a Kafka-protocol broker (Tansu) and
//! ClickHouse, started on loopback by `deploy/engines/start.sh` (addresses in `SOI_TEST_KAFKA`
//! and `SOI_TEST_CLICKHOUSE`). Every stage runs as its own `soi` process. Without the engines these
//! tests skip with a message, unless `SOI_REQUIRE_ENGINES=1` (the README's test command sets it).
//!
//! The tests restart and stop the shared engines, so they take a lock and run one at a time
//! (the observability test takes the same lock).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use crate::support::{repo_root, run_expect, soi};

pub(crate) static ENGINES: Mutex<()> = Mutex::new(());

pub(crate) struct Engines {
    kafka: String,
    clickhouse_base: String,
}

pub(crate) fn engines() -> Option<Engines> {
    match (
        std::env::var("SOI_TEST_KAFKA"),
        std::env::var("SOI_TEST_CLICKHOUSE"),
    ) {
        (Ok(kafka), Ok(ch)) => Some(Engines {
            kafka,
            clickhouse_base: ch
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(ch),
        }),
        _ => {
            assert!(
                std::env::var("SOI_REQUIRE_ENGINES").as_deref() != Ok("1"),
                "SOI_TEST_KAFKA / SOI_TEST_CLICKHOUSE not set: start them with deploy/engines/start.sh"
            );
            eprintln!("skipping: no test engines (deploy/engines/start.sh starts them)");
            None
        }
    }
}

/// A run's private corner of the shared engines: its own topics and its own database.
pub(crate) struct Space {
    pub(crate) prefix: String,
    bus: String,
    store: String,
}

impl Space {
    pub(crate) fn new(e: &Engines, name: &str) -> Space {
        let tag = format!("{name}{}x{}", std::process::id(), rand_suffix());
        Space {
            prefix: format!("{tag}."),
            bus: e.kafka.clone(),
            store: format!("{}/soi_{tag}", e.clickhouse_base),
        }
    }

    pub(crate) fn soi(&self, home: &Path) -> Command {
        let mut c = soi(home);
        c.env("SOI_KAFKA_TOPIC_PREFIX", &self.prefix)
            .env("SOI_KAFKA_PARTITIONS", "4")
            .args(["--bus", &self.bus, "--store", &self.store]);
        c
    }

    pub(crate) fn spawn(&self, home: &Path, args: &[&str]) -> Child {
        self.soi(home)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn soi")
    }
}

fn rand_suffix() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .elapsed()
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    (h.finish() % 100_000) as u32
}

/// `n` listings of 25 sellers; every third one has scam patterns.
pub(crate) fn write_listings(path: &Path, n: usize) {
    let mut text = String::new();
    for i in 0..n {
        let (title, desc) = if i % 3 == 0 {
            (
                "iPhone 15 hàng chính hãng giá 2tr",
                "Ib zalo 0900 000 101, chuyển khoản trước 50% để giữ hàng",
            )
        } else {
            (
                "Quạt đứng 5 cánh",
                "Bảo hành 12 tháng, thanh toán khi nhận hàng.",
            )
        };
        let l = serde_json::json!({
            "id": format!("L{i:05}"), "marketplace": "dist", "title": title, "description": desc,
            "price": 2_000_000 + i, "currency": "VND", "category": "Điện thoại & Phụ kiện",
            "observed_at": "2026-11-20T10:00:00Z",
            "seller": {"id": format!("S{:02}", i % 25), "country": if i % 2 == 0 { "VN" } else { "CN" }}
        });
        text.push_str(&l.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).expect("write listings");
}

fn finish(child: Child, what: &str) -> String {
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{err}",
        out.status
    );
    err
}

/// The count printed in "score stage: received R, scored N, ...".
fn scored_count(stderr: &str) -> u64 {
    stderr
        .split("scored ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no score summary in: {stderr}"))
}

/// Per-seller results that must agree between stores: id, counts, risk, reason codes.
fn seller_view(json: &[u8]) -> Vec<(String, u64, u64, String, BTreeSet<String>)> {
    let v: serde_json::Value = serde_json::from_slice(json).expect("sellers json");
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| {
            (
                s["seller_id"].as_str().unwrap_or("").to_string(),
                s["flagged_listings"].as_u64().unwrap_or(0),
                s["total_listings"].as_u64().unwrap_or(0),
                format!("{:.6}", s["max_risk"].as_f64().unwrap_or(-1.0)),
                s["reasons"]
                    .as_array()
                    .map(|r| {
                        r.iter()
                            .filter_map(|x| x["code"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect()
}

pub(crate) fn engine(action: &str, which: &str) {
    let script = repo_root().join(format!("deploy/engines/{action}.sh"));
    let out = Command::new("bash")
        .arg(script)
        .arg(which)
        .output()
        .expect("engine script");
    assert!(
        out.status.success(),
        "{action} {which}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Listing ids in the ClickHouse store, read through `soi`'s own JSON output would need one
/// call per listing; ClickHouse's HTTP interface answers the key set directly.
fn clickhouse_keys(space: &Space, table: &str, id_col: &str) -> Vec<String> {
    let (base, db) = space
        .store
        .trim_start_matches("clickhouse://")
        .split_once('/')
        .expect("url");
    let sql = format!("SELECT {id_col} FROM {db}.{table} FINAL ORDER BY {id_col} FORMAT TSV");
    let out = Command::new("curl")
        .args(["-sf", "--data-binary", &sql, &format!("http://{base}/")])
        .output()
        .expect("curl");
    assert!(out.status.success(), "query failed: {sql}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn same_results_as_embedded_two_scorers_share_the_work_and_poison_is_dead_lettered() {
    let Some(e) = engines() else { return };
    let _lock = ENGINES.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("listings.jsonl");
    write_listings(&input, 300);

    // Embedded mode, for reference.
    let embedded_home = dir.path().join("embedded");
    run_expect(
        soi(&embedded_home).args(["run", "--input", input.to_str().unwrap()]),
        0,
    );
    let embedded = run_expect(
        soi(&embedded_home).args(["sellers", "--format", "json", "--limit", "1000"]),
        0,
    );

    // Distributed: two scorers in one group and a sink, each its own process.
    let space = Space::new(&e, "same");
    let home = dir.path().join("dist");
    let scorer1 = space.spawn(&home, &["score", "--idle-exit", "8"]);
    let scorer2 = space.spawn(&home, &["score", "--idle-exit", "8"]);
    let sink = space.spawn(&home, &["sink", "--idle-exit", "8"]);
    // Let both scorers join the group before the work arrives, so the partitions are split.
    std::thread::sleep(Duration::from_secs(6));
    run_expect(
        space
            .soi(&home)
            .args(["publish", "--input", input.to_str().unwrap()]),
        0,
    );
    let poison = dir.path().join("poison.jsonl");
    std::fs::write(&poison, "this is not a listing\n").expect("write");
    run_expect(
        space
            .soi(&home)
            .args(["publish", "--raw", "--input", poison.to_str().unwrap()]),
        0,
    );

    let (s1, s2) = (finish(scorer1, "scorer 1"), finish(scorer2, "scorer 2"));
    finish(sink, "sink");
    let (n1, n2) = (scored_count(&s1), scored_count(&s2));
    assert_eq!(n1 + n2, 300, "scorer 1: {s1}\nscorer 2: {s2}");
    assert!(n1 > 0 && n2 > 0, "one scorer did all the work: {n1} / {n2}");

    let distributed = run_expect(
        space
            .soi(&home)
            .args(["sellers", "--format", "json", "--limit", "1000"]),
        0,
    );
    let (a, b) = (
        seller_view(&embedded.stdout),
        seller_view(&distributed.stdout),
    );
    assert!(!a.is_empty(), "nothing flagged in embedded mode");
    assert_eq!(
        a, b,
        "per-seller results differ between embedded and distributed modes"
    );
    assert_eq!(clickhouse_keys(&space, "listings", "id").len(), 300);

    let dlq = run_expect(space.soi(&home).args(["dlq", "list"]), 0);
    let text = String::from_utf8_lossy(&dlq.stdout);
    let letters: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("dead letter json"))
        .collect();
    assert_eq!(letters.len(), 1, "{text}");
    assert_eq!(letters[0]["payload"], "this is not a listing");
    assert!(
        letters[0]["error"]
            .as_str()
            .unwrap_or("")
            .contains("invalid JSON"),
        "{text}"
    );
    assert_eq!(letters[0]["topic"], format!("{}listings.raw", space.prefix));
}

#[test]
fn nothing_lost_nothing_doubled_through_broker_restart_store_outage_and_killed_scorer() {
    let Some(e) = engines() else { return };
    let _lock = ENGINES.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("listings.jsonl");
    let n = 3000;
    write_listings(&input, n);
    let space = Space::new(&e, "chaos");
    let home = dir.path().join("dist");

    let sink = space.spawn(&home, &["sink", "--idle-exit", "30", "--batch", "200"]);
    let mut scorer = space.spawn(&home, &["score", "--idle-exit", "30", "--batch", "64"]);
    std::thread::sleep(Duration::from_secs(5));
    run_expect(
        space
            .soi(&home)
            .args(["publish", "--input", input.to_str().unwrap()]),
        0,
    );

    eprintln!("chaos: kill a scorer mid-batch");
    // A scorer killed in the middle of a batch: what it did not acknowledge is scored again.
    std::thread::sleep(Duration::from_millis(300));
    scorer.kill().expect("SIGKILL scorer");
    let _ = scorer.wait();
    let scorer2 = space.spawn(&home, &["score", "--idle-exit", "30", "--batch", "64"]);

    eprintln!("chaos: restart the broker");
    // The broker restarts mid-stream.
    engine("stop", "kafka");
    std::thread::sleep(Duration::from_secs(2));
    engine("start", "kafka");

    eprintln!("chaos: stop ClickHouse for 20 s");
    // ClickHouse is down for 20 seconds mid-stream.
    engine("stop", "clickhouse");
    std::thread::sleep(Duration::from_secs(20));
    engine("start", "clickhouse");

    eprintln!("chaos: wait for the stages");
    finish(scorer2, "second scorer");
    finish(sink, "sink");
    // Stages that ended while the engines were away leave their work on the bus, not lost: a
    // final pass drains whatever is left.
    eprintln!("chaos: drain what is left");
    let drain_s = space.spawn(&home, &["score", "--idle-exit", "8"]);
    let drain_k = space.spawn(&home, &["sink", "--idle-exit", "8"]);
    finish(drain_s, "drain scorer");
    finish(drain_k, "drain sink");

    eprintln!("chaos: check the key sets");
    let expected: Vec<String> = (0..n).map(|i| format!("L{i:05}")).collect();
    assert_eq!(
        clickhouse_keys(&space, "listings", "id"),
        expected,
        "listings by key"
    );
    assert_eq!(
        clickhouse_keys(&space, "verdicts", "listing_id"),
        expected,
        "verdicts by key"
    );
    let counts = run_expect(
        space
            .soi(&home)
            .args(["sellers", "--format", "json", "--limit", "100"]),
        0,
    );
    let total: u64 = seller_view(&counts.stdout).iter().map(|s| s.2).sum();
    assert!(
        total > 0 && total <= n as u64,
        "total listings of flagged sellers: {total}"
    );
}
